/** berth unpause CONTAINER...: thaw each paused container, its name on stdout. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container unpause'>, ctx: CommandContext): Promise<number> {
  return forEach(ctx, argv._, async (name) => { await ctx.docker().getContainer(name).unpause(); });
}
