/** berth network connect [--ip] [--alias] [--link] NETWORK CONTAINER. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { kvMap } from '../../cli/flag-values.js';
import type { NetworkConnectRequest } from '@berth/shared/api/types';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const [network, container] = argv._ as [string, string];
  const ip = (argv.ip as string) || undefined;
  const ip6 = (argv.ip6 as string) || undefined;
  const linkLocal = list(argv['link-local-ip']);
  const EndpointConfig: NetworkConnectRequest['EndpointConfig'] = {
    IPAMConfig: ip || ip6 || linkLocal.length ? { IPv4Address: ip, IPv6Address: ip6, LinkLocalIPs: linkLocal.length ? linkLocal : undefined } : undefined,
    Links: list(argv.link).length ? list(argv.link) : undefined,
    Aliases: list(argv.alias).length ? list(argv.alias) : undefined,
    DriverOpts: list(argv['driver-opt']).length ? kvMap(list(argv['driver-opt'])) : undefined,
  };
  await ctx.docker().getNetwork(network).connect({ Container: container, EndpointConfig });
  return 0;
}
