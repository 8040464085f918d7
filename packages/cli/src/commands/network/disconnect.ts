/** berth network disconnect [-f] NETWORK CONTAINER. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const [network, container] = argv._ as [string, string];
  await ctx.docker().getNetwork(network).disconnect({ Container: container, Force: !!argv.force });
  return 0;
}
