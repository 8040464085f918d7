/**
 * IPv6 address management, the counterpart of ipam.ts for a network's IPv6 pool: CIDR
 * arithmetic on 128-bit integers, the gateway (first address) filled in, addresses handed out
 * lowest free first (the subnet-router anycast address, the gateway and reserved ones skipped),
 * and a unique-local /64 for `--ipv6` without a subnet. Addresses are written as Go writes
 * them (RFC 5952: lowercase, longest zero run compressed). Pure.
 */
import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { InvalidArgument } from '@berth/shared';

export interface Cidr6 { base: bigint; prefix: number }

export const isIPv6 = (s: string) => ipaddr.IPv6.isValid(s) && !s.includes('%');

export function ip6ToBig(ip: string): bigint {
  if (!isIPv6(ip)) throw new InvalidArgument(`invalid IP address: ${ip}`);
  return ipaddr.IPv6.parse(ip).toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

export function bigToIp6(n: bigint): string {
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The canonical spelling of an IPv6 address. */
export const normalizeIp6 = (ip: string) => bigToIp6(ip6ToBig(ip));

const ALL = (1n << 128n) - 1n;
const maskOf = (prefix: number) => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL);

export function parseCidr6(s: string): Cidr6 {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m || Number(m[2]) > 128 || !isIPv6(m[1]!)) throw new InvalidArgument(`invalid CIDR address: ${s}`);
  const prefix = Number(m[2]);
  return { base: ip6ToBig(m[1]!) & maskOf(prefix), prefix };
}

export const formatCidr6 = (c: Cidr6) => `${bigToIp6(c.base)}/${c.prefix}`;
export const lastAddr6 = (c: Cidr6) => c.base | (~maskOf(c.prefix) & ALL);
export const contains6 = (c: Cidr6, ip: bigint) => (ip & maskOf(c.prefix)) === c.base;
export const overlaps6 = (a: Cidr6, b: Cidr6) => contains6(a, b.base) || contains6(b, a.base);

/** A fresh unique-local /64 (fd00::/8 with a random 40-bit global ID and subnet ID, RFC 4193) that overlaps nothing in `used`. */
export function allocateUla(used: Cidr6[]): Cidr6 {
  for (;;) {
    const b = randomBytes(7);
    let base = 0xfdn;
    for (const x of b) base = (base << 8n) | BigInt(x);
    const cand = { base: base << 64n, prefix: 64 };
    if (!used.some((u) => overlaps6(u, cand))) return cand;
  }
}

/** The first address of the subnet: the gateway Docker's default IPAM picks. */
export const firstAddr6 = (c: Cidr6) => bigToIp6(c.base + 1n);

/**
 * An address for a new endpoint: `requested` when given (in the subnet, free), else the lowest
 * free one in IPRange (or the subnet), never the subnet-router anycast address or the gateway.
 */
export function allocateAddress6(cfg: { Subnet: string; Gateway: string; IPRange?: string }, inUse: Set<string>, requested?: string): string {
  const subnet = parseCidr6(cfg.Subnet);
  const gw = normalizeIp6(cfg.Gateway);
  if (requested) {
    const n = ip6ToBig(requested);
    const ip = bigToIp6(n);
    if (!contains6(subnet, n)) throw new InvalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
    if (inUse.has(ip) || ip === gw) throw new InvalidArgument('Address already in use');
    return ip;
  }
  const range = cfg.IPRange ? parseCidr6(cfg.IPRange) : subnet;
  const first = range.base > subnet.base ? range.base : subnet.base + 1n;
  const last = lastAddr6(range);
  // A /64 is too big to walk: the lowest free one is at most inUse.size + 2 steps away.
  for (let n = first, i = 0; n <= last && i <= inUse.size + 2; n++, i++) {
    const ip = bigToIp6(n);
    if (ip !== gw && !inUse.has(ip)) return ip;
  }
  throw new InvalidArgument(`no available IPv6 addresses on this network's address pools: ${cfg.Subnet}`);
}
