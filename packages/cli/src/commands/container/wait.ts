/** berth wait CONTAINER...: each container's exit code, one per line. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container wait'>, ctx: CommandContext): Promise<number> {
  return forEach(ctx, argv._, async (name) => {
    const r = await ctx.docker().getContainer(name).wait({ condition: 'not-running' });
    return String(r.StatusCode);
  });
}
