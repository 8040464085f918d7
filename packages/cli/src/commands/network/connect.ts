/** berth network connect [--ip] [--alias] [--link] NETWORK CONTAINER. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { kvMap } from '../../cli/flag-values.js';
import type { NetworkConnectRequest } from '@berth/shared/api/types';


export default async function (argv: Args<'network connect'>, ctx: CommandContext): Promise<number> {
  const [network = '', container = ''] = argv._;
  const ip = argv.ip || undefined;
  const ip6 = argv.ip6 || undefined;
  const linkLocal = argv['link-local-ip'];
  const EndpointConfig: NetworkConnectRequest['EndpointConfig'] = {
    IPAMConfig: ip || ip6 || linkLocal.length ? { IPv4Address: ip, IPv6Address: ip6, LinkLocalIPs: linkLocal.length ? linkLocal : undefined } : undefined,
    Links: argv.link.length ? argv.link : undefined,
    Aliases: argv.alias.length ? argv.alias : undefined,
    DriverOpts: argv['driver-opt'].length ? kvMap(argv['driver-opt']) : undefined,
  };
  await ctx.docker().getNetwork(network).connect({ Container: container, EndpointConfig });
  return 0;
}
