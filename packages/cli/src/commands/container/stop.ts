/** berth stop [-t N] [-s SIGNAL] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';
import { forEach } from './each.js';

/** -t/--timeout, or the deprecated --time bound to the same value (docker's stop and restart). */
export function stopTimeout(argv: Args<'container stop'> | Args<'container restart'>): number | undefined {
  const { given } = argv;
  if (given.has('time') && given.has('timeout')) throw new StatusError(1, 'conflicting options: cannot specify both --timeout and --time');
  return given.has('timeout') ? argv.timeout : given.has('time') ? argv.time : undefined;
}

export default async function (argv: Args<'container stop'>, ctx: CommandContext): Promise<number> {
  const t = stopTimeout(argv);
  // A spinner on a terminal while the stops are waited for (ui/spinner.ts).
  const { withSpinner } = await import('../../ui/spinner.js');
  const what = argv._.length === 1 ? argv._[0] : `${argv._.length} containers`;
  return withSpinner(ctx, `Stopping ${what}…`, (ctx) => forEach(ctx, argv._, async (name) => {
    try { await ctx.docker().getContainer(name).stop({ t, signal: argv.signal || undefined }); } catch (e) {
      if (!(isApiError(e) && e.statusCode === 304)) throw e;
    }
  }));
}
