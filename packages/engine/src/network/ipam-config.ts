/**
 * dockerd's checks on the IPAM entries of a network create (daemon/network.go validateIpamConfig),
 * with its texts: each address (gateway, auxiliary addresses) of the subnet's family and inside
 * it, an ip-range inside the subnet. IPv6 entries are only checked when IPv6 is enabled (else
 * they are ignored). All errors are reported together.
 */
import { InvalidArgument } from '@berth/shared';
import { contains, ipToInt, isIPv4, parseCidr } from './ipam.js';
import { contains6, ip6ToBig, isIPv6, parseCidr6 } from './ipam6.js';
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

export function validateIpamConfig(entries: IpamConfigEntry[], enableIPv6: boolean): void {
  const errs: string[] = [];
  for (const cfg of entries) {
    const family = familyOf(cfg.Subnet);
    if (family === 6 && !enableIPv6) continue;
    if (family === 4) parseCidr(cfg.Subnet); else parseCidr6(cfg.Subnet); // garbage: invalid CIDR address
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
