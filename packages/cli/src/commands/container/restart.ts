/** berth restart [-t N] [-s SIGNAL] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { forEach } from './each.js';
import { stopTimeout } from './stop.js';

export default async function (argv: Args<'container restart'>, ctx: CommandContext): Promise<number> {
  const t = stopTimeout(argv);
  return forEach(ctx, argv._, async (name) => { await ctx.docker().getContainer(name).restart({ t, signal: argv.signal || undefined }); });
}
