/** berth context ls [OPTIONS]: every stored context plus `default`, the current one starred. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { defaultHost } from '../../cli/context.js';
import { renderContexts, type ContextRow } from '../../render/contexts.js';
import { currentName, DEFAULT_DESCRIPTION, store } from './common.js';

export default async function (argv: Args<'context ls'>, ctx: CommandContext): Promise<number> {
  const current = currentName(ctx);
  const rows: ContextRow[] = [{ Name: 'default', Description: DEFAULT_DESCRIPTION, DockerEndpoint: defaultHost(ctx.globals), Current: current === 'default', Error: '' }];
  for (const m of store(ctx).list()) {
    rows.push({ Name: m.Name, Description: m.Metadata?.Description ?? '', DockerEndpoint: m.Endpoints?.docker?.Host ?? '', Current: m.Name === current, Error: '' });
  }
  if (process.env.BERTH_HOST && !ctx.globals.context) {
    ctx.stderr.write('Warning: BERTH_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset BERTH_HOST environment variable.\n');
  }
  ctx.stdout.write(renderContexts(rows, { quiet: argv.quiet, format: argv.format ?? '' }));
  return 0;
}
