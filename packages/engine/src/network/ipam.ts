/**
 * IPv4 address management: CIDR arithmetic, subnets carved from the daemon's
 * default-address-pools (skipping what networks or host routes already use), and
 * addresses handed out inside a subnet (lowest free, gateway and broadcast excluded,
 * optionally within an IPRange). Pure: the service feeds it what is in use.
 */
import { InvalidArgument } from '@berth/shared';

export interface Cidr { base: number; prefix: number }

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new InvalidArgument(`invalid IP address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new InvalidArgument(`invalid IP address: ${ip}`);
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIPv4(s: string): boolean {
  try { ipToInt(s); return true; } catch { return false; }
}

const maskOf = (prefix: number) => (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);

/** "172.17.0.1/16" → base 172.17.0.0 (host bits cleared), prefix 16. */
export function parseCidr(s: string): Cidr {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new InvalidArgument(`invalid CIDR address: ${s}`);
  const prefix = Number(m[2]);
  return { base: (ipToInt(m[1]!) & maskOf(prefix)) >>> 0, prefix };
}

export const formatCidr = (c: Cidr) => `${intToIp(c.base)}/${c.prefix}`;
export const lastAddr = (c: Cidr) => (c.base | (~maskOf(c.prefix) >>> 0)) >>> 0;
export const contains = (c: Cidr, ip: number) => ((ip & maskOf(c.prefix)) >>> 0) === c.base;
export const overlaps = (a: Cidr, b: Cidr) => contains(a, b.base) || contains(b, a.base);

/**
 * The first subnet of `size` bits from the pools that overlaps nothing in `used`
 * (other networks' subnets and the host's routes, the default route excluded).
 */
export function allocateSubnet(pools: { base: string; size: number }[], used: Cidr[]): Cidr | undefined {
  for (const pool of pools) {
    const p = parseCidr(pool.base);
    if (pool.size < p.prefix || pool.size > 32) continue;
    const step = 2 ** (32 - pool.size);
    for (let b = p.base; b <= lastAddr(p); b += step) {
      const cand = { base: b >>> 0, prefix: pool.size };
      if (!used.some((u) => u.prefix > 0 && overlaps(u, cand))) return cand;
    }
  }
  return undefined;
}

export interface IpamConfig { Subnet: string; Gateway?: string; IPRange?: string }

/** Docker's checks on a user-given IPAM config, and the gateway (.1) filled in. */
export function normalizeConfig(cfg: IpamConfig): Required<Pick<IpamConfig, 'Subnet' | 'Gateway'>> & IpamConfig {
  const subnet = parseCidr(cfg.Subnet);
  if (subnet.prefix > 30) throw new InvalidArgument(`invalid subnet ${cfg.Subnet}: not enough addresses`);
  const out: IpamConfig & { Gateway: string } = { Subnet: formatCidr(subnet), Gateway: '' };
  if (cfg.IPRange) {
    const range = parseCidr(cfg.IPRange);
    if (!contains(subnet, range.base) || range.prefix < subnet.prefix) {
      throw new InvalidArgument(`Invalid pool request: ip-range ${cfg.IPRange} is not within subnet ${cfg.Subnet}`);
    }
    out.IPRange = formatCidr(range);
  }
  if (cfg.Gateway) {
    if (!contains(subnet, ipToInt(cfg.Gateway))) throw new InvalidArgument(`Invalid address ${cfg.Gateway}: It does not belong to any of this network's subnets`);
    out.Gateway = cfg.Gateway;
  } else {
    out.Gateway = intToIp(subnet.base + 1);
  }
  return out;
}

/**
 * An address for a new endpoint: `requested` when given (it must be in the subnet and free),
 * else the lowest free one in IPRange (or the subnet), never the network, broadcast or gateway address.
 */
export function allocateAddress(cfg: IpamConfig & { Gateway: string }, inUse: Set<string>, requested?: string): string {
  const subnet = parseCidr(cfg.Subnet);
  const gw = cfg.Gateway;
  if (requested) {
    const n = ipToInt(requested);
    if (!contains(subnet, n)) throw new InvalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
    if (inUse.has(requested) || requested === gw) throw new InvalidArgument(`Address already in use`);
    return requested;
  }
  const range = cfg.IPRange ? parseCidr(cfg.IPRange) : subnet;
  const first = Math.max(range.base, subnet.base + 1);
  const last = Math.min(lastAddr(range), lastAddr(subnet) - 1);
  for (let n = first; n <= last; n++) {
    const ip = intToIp(n >>> 0);
    if (ip !== gw && !inUse.has(ip)) return ip;
  }
  throw new InvalidArgument(`no available IPv4 addresses on this network's address pools: ${cfg.Subnet}`);
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address bytes. */
export function macFromIp(ip: string): string {
  const n = ipToInt(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function isValidMac(mac: string): boolean {
  return /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac);
}
