/** berth network create [OPTIONS] NETWORK: prints the new network's ID. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { kvMap } from '../../cli/flag-values.js';
import type { IpamConfig, NetworkCreateRequest } from '@berth/shared/api/types';


function cidrContains(subnet: string, ip: string): boolean {
  const toInt = (s: string) => s.split('.').reduce((n, b) => n * 256 + Number(b), 0);
  const [base, bits] = subnet.split('/');
  if (!base || bits === undefined || base.includes(':') || ip.includes(':')) return base?.includes(':') === ip.includes(':');
  const size = 2 ** (32 - Number(bits));
  const b = Math.floor(toInt(base) / size) * size;
  const x = toInt(ip.split('/')[0]!);
  return x >= b && x < b + size;
}

/** docker/cli's consolidateIpam: every gateway and ip-range belongs to exactly one given subnet. */
export function ipamConfig(subnets: string[], ranges: string[], gateways: string[], aux: Record<string, string>): (IpamConfig & { Subnet: string })[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) {
    throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
  }
  const cfgs: (IpamConfig & { Subnet: string })[] = subnets.map((s) => ({ Subnet: s }));
  for (let i = 0; i < subnets.length; i++) {
    for (let j = i + 1; j < subnets.length; j++) {
      if (cidrContains(subnets[i]!, subnets[j]!.split('/')[0]!) || cidrContains(subnets[j]!, subnets[i]!.split('/')[0]!)) {
        throw new StatusError(1, 'multiple overlapping subnet configuration is not supported');
      }
    }
  }
  for (const r of ranges) {
    const c = cfgs.find((c) => cidrContains(c.Subnet, r));
    if (!c) throw new StatusError(1, `no matching subnet for range ${r}`);
    if (c.IPRange) throw new StatusError(1, `cannot configure multiple ranges (${r}, ${c.IPRange}) on the same subnet (${c.Subnet})`);
    c.IPRange = r;
  }
  for (const g of gateways) {
    const c = cfgs.find((c) => cidrContains(c.Subnet, g));
    if (!c) throw new StatusError(1, `no matching subnet for gateway ${g}`);
    if (c.Gateway) throw new StatusError(1, `cannot configure multiple gateways (${g}, ${c.Gateway}) for the same subnet (${c.Subnet})`);
    c.Gateway = g;
  }
  for (const [name, ip] of Object.entries(aux)) {
    const c = cfgs.find((c) => cidrContains(c.Subnet, ip));
    if (!c) throw new StatusError(1, `no matching subnet for aux-address ${ip}`);
    (c.AuxiliaryAddresses ??= {})[name] = ip;
  }
  return cfgs;
}

export default async function (argv: Args<'network create'>, ctx: CommandContext): Promise<number> {
  const name = argv._[0]!;
  const config = ipamConfig(argv.subnet, argv['ip-range'], argv.gateway, kvMap(argv['aux-address']));
  const body: NetworkCreateRequest = {
    Name: name,
    Driver: argv.driver || 'bridge',
    Options: kvMap(argv.opt),
    IPAM: { Driver: argv['ipam-driver'] || 'default', Config: config, Options: kvMap(argv['ipam-opt']) },
    Internal: argv.internal,
    Attachable: argv.attachable,
    Ingress: argv.ingress,
    ConfigOnly: argv['config-only'],
    Labels: kvMap(argv.label),
  };
  if (argv.ipv6) body.EnableIPv6 = true;
  if (argv['config-from']) body.ConfigFrom = { Network: argv['config-from'] };
  if (argv.scope) body.Scope = argv.scope;
  const net = await ctx.docker().createNetwork(body);
  ctx.stdout.write(net.id + '\n');
  return 0;
}
