/** berth context rm [OPTIONS] CONTEXT [CONTEXT...]: `default` stays; the current one needs -f. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { configDir, readUserConfig, writeUserConfig } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { store } from './common.js';

export default async function (argv: Args<'context rm'>, ctx: CommandContext): Promise<number> {
  const s = store(ctx);
  const dir = configDir(ctx.globals);
  const errors: string[] = [];
  for (const name of argv._) {
    if (name === 'default') { errors.push(`context "default" cannot be removed`); continue; }
    if (!s.exists(name)) { errors.push(`context "${name}" does not exist`); continue; }
    const cfg = readUserConfig(dir);
    const current = cfg.currentContext === name;
    if (current && !argv.force) { errors.push(`context "${name}" is in use, set -f flag to force remove`); continue; }
    if (current) { delete cfg.currentContext; writeUserConfig(dir, cfg); }
    s.remove(name);
    ctx.stdout.write(name + '\n');
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
