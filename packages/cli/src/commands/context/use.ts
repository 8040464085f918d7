/** berth context use CONTEXT: make it current in config.json (`default` clears currentContext). */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { configDir, readUserConfig, writeUserConfig } from '../../cli/context.js';
import { getMeta } from './common.js';

export default async function (argv: Args<'context use'>, ctx: CommandContext): Promise<number> {
  const name = argv._[0]!;
  getMeta(ctx, name); // must exist
  const dir = configDir(ctx.globals);
  const cfg = readUserConfig(dir);
  if (name === 'default') delete cfg.currentContext;
  else cfg.currentContext = name;
  writeUserConfig(dir, cfg);
  ctx.stdout.write(name + '\n');
  ctx.stderr.write(`Current context is now "${name}"\n`);
  if (name !== 'default' && process.env.BERTH_HOST) {
    ctx.stderr.write(`Warning: BERTH_HOST environment variable overrides the active context. To use "${name}", either set the global --context flag, or unset BERTH_HOST environment variable.\n`);
  }
  return 0;
}
