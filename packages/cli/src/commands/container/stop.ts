/** berth stop [-t N] [-s SIGNAL] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { isApiError } from '../../client/errors.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container stop'>, ctx: CommandContext): Promise<number> {
  const t = argv.given.has('timeout') ? argv.timeout : undefined;
  // A spinner on a terminal while the stops are waited for (ui/spinner.ts).
  const { withSpinner } = await import('../../ui/spinner.js');
  const what = argv._.length === 1 ? argv._[0] : `${argv._.length} containers`;
  return withSpinner(ctx, `Stopping ${what}…`, (ctx) => forEach(ctx, argv._, async (name) => {
    try { await ctx.docker().getContainer(name).stop({ t, signal: argv.signal || undefined }); } catch (e) {
      if (!(isApiError(e) && e.statusCode === 304)) throw e;
    }
  }));
}
