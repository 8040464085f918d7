/** berth kill [-s SIGNAL] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container kill'>, ctx: CommandContext): Promise<number> {
  return forEach(ctx, argv._, async (name) => { await ctx.docker().getContainer(name).kill({ signal: argv.signal || undefined }); });
}
