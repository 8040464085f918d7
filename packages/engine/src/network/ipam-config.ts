/**
 * dockerd's checks on the IPAM entries of a network create (daemon/network.go validateIpamConfig),
 * with its texts: subnets and ip-ranges without host bits, each ip-range inside its subnet,
 * each address (gateway, auxiliary addresses) of the subnet's family and inside it. IPv6 entries are only checked when IPv6 is enabled (else
 * they are ignored). All errors are reported together.
 */
import { InvalidArgument } from '@berth/shared';
import { contains, formatCidr, ipToInt, isIPv4, overlaps, parseCidr } from './ipam.js';
import { contains6, formatCidr6, ip6ToBig, isIPv6, overlaps6, parseCidr6 } from './ipam6.js';
import type { IpamConfigEntry } from './types.js';

type Family = 4 | 6;
const familyOf = (s: string): Family => (s.includes(':') ? 6 : 4);

function addressError(addr: string | undefined, subnet: string, family: Family): string | undefined {
  if (!addr) return undefined;
  if (!isIPv4(addr) && !isIPv6(addr)) return `ParseAddr(${JSON.stringify(addr)}): unable to parse IP`;
  if (familyOf(addr) !== family) return `parent subnet is an IPv${family} block`;
  const inside = family === 4 ? contains(parseCidr(subnet), ipToInt(addr)) : contains6(parseCidr6(subnet), ip6ToBig(addr));
  return inside ? undefined : `parent subnet ${subnet} doesn't contain this address`;
}

/** The prefix with its host bits cleared, spelled as Go does. */
function masked(prefix: string): string {
  return familyOf(prefix) === 4 ? formatCidr(parseCidr(prefix)) : formatCidr6(parseCidr6(prefix));
}

/** Whether the prefix's address has host bits set (however it is spelled). */
function hasHostBits(prefix: string): boolean {
  const addr = prefix.split('/')[0]!;
  return familyOf(prefix) === 4 ? ipToInt(addr) !== parseCidr(prefix).base : ip6ToBig(addr) !== parseCidr6(prefix).base;
}

function rangeErrors(range: string | undefined, subnet: string, family: Family): string[] {
  if (!range) return [];
  if (familyOf(range) !== family) return [`invalid ip-range ${range}: parent subnet is an IPv${family} block`];
  const errs: string[] = [];
  const bits = (p: string) => Number(p.split('/')[1]);
  if (bits(range) < bits(subnet)) errs.push(`invalid ip-range ${range}: CIDR block is bigger than its parent subnet ${subnet}`);
  if (hasHostBits(range)) errs.push(`invalid ip-range ${range}: it should be ${masked(range)}`);
  const overlap = family === 4 ? overlaps(parseCidr(range), parseCidr(subnet)) : overlaps6(parseCidr6(range), parseCidr6(subnet));
  if (!overlap) errs.push(`invalid ip-range ${range}: parent subnet ${subnet} doesn't contain ip-range`);
  return errs;
}

export function validateIpamConfig(entries: IpamConfigEntry[], enableIPv6: boolean): void {
  const errs: string[] = [];
  for (const cfg of entries) {
    const family = familyOf(cfg.Subnet);
    if (family === 6 && !enableIPv6) continue;
    if (hasHostBits(cfg.Subnet)) errs.push(`invalid subnet ${cfg.Subnet}: it should be ${masked(cfg.Subnet)}`);
    errs.push(...rangeErrors(cfg.IPRange, cfg.Subnet, family));
    const gw = addressError(cfg.Gateway, cfg.Subnet, family);
    if (gw) errs.push(`invalid gateway ${cfg.Gateway}: ${gw}`);
    for (const [name, aux] of Object.entries(cfg.AuxiliaryAddresses ?? {})) {
      const e = addressError(aux, cfg.Subnet, family);
      if (e) errs.push(`invalid auxiliary address ${name}: ${e}`);
    }
  }
  if (errs.length === 1) throw new InvalidArgument(`invalid network config:\n${errs[0]}`);
  if (errs.length > 1) throw new InvalidArgument(`invalid network config:\n* ${errs.join('\n* ')}`);
}
