/** berth network disconnect [-f] NETWORK CONTAINER. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';

export default async function (argv: Args<'network disconnect'>, ctx: CommandContext): Promise<number> {
  const [network = '', container = ''] = argv._;
  await ctx.docker().getNetwork(network).disconnect({ Container: container, Force: argv.force });
  return 0;
}
