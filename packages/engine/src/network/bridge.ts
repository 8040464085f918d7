/**
 * The bridge driver through netlink: a Linux bridge per network with the gateway address,
 * and per endpoint a veth pair whose container end is created directly inside the
 * container's netns, addressed, brought up and given the default route there.
 */
import { randomBytes } from 'node:crypto';
import { errCode, netlink } from './netlink.js';

/**
 * The bridge with the gateway address, up. Its MAC address is set explicitly (a random one at
 * creation, as libnetwork does; an existing bridge's own pinned): a bridge whose address the
 * kernel chose takes the lowest MAC of its ports, so a container joining with a lower one would
 * change the gateway's MAC under the others' ARP caches, and their packets to the gateway (the
 * embedded DNS server) would go nowhere until those entries expired.
 */
export function ensureBridge(name: string, addrs: { ip: string; prefix: number }[], mtu: number): void {
  const nl = netlink();
  if (!nl.linkIndex(name)) {
    try { nl.linkAdd({ kind: 'bridge', name, mac: randomMac(), mtu: mtu !== 1500 ? mtu : undefined }); } catch (e) { if (errCode(e) !== 'EEXIST') throw e; }
  } else {
    const mac = nl.links().find((l) => l.name === name)?.mac;
    if (mac) nl.linkSet({ name, mac });
  }
  const idx = nl.linkIndex(name);
  const have = nl.addrs().filter((a) => a.index === idx).map((a) => a.address);
  for (const a of addrs) {
    if (have.includes(a.ip)) continue;
    try { nl.addrAdd(name, a.ip, a.prefix); } catch (e) { if (errCode(e) !== 'EEXIST') throw e; }
  }
  nl.linkSet({ name, up: true });
}

export function deleteLink(name: string, ns?: string): void {
  try { netlink().linkDel(name, ns); } catch (e) { if (errCode(e) !== 'ENODEV' && errCode(e) !== 'ENOENT') throw e; }
}

export interface VethEndpoint {
  bridge: string;
  netns: string;
  ifName: string;
  ip: string;
  prefix: number;
  mac: string;
  mtu: number;
  /** Default route via this gateway (the container's first network). */
  defaultGateway?: string;
  /** The IPv6 address on a network with IPv6 enabled, and the IPv6 default route's gateway. */
  ip6?: string;
  prefix6?: number;
  defaultGateway6?: string;
}

/** Creates the pair and configures both ends; returns the host end's name. Nothing is left on failure. */
export function createVeth(ep: VethEndpoint): string {
  const nl = netlink();
  const host = `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
  nl.linkAdd({ kind: 'veth', name: host, peer: ep.ifName, peerNs: ep.netns, peerMac: ep.mac, mtu: ep.mtu !== 1500 ? ep.mtu : undefined });
  try {
    nl.linkSet({ name: host, master: ep.bridge, up: true });
    nl.addrAdd(ep.ifName, ep.ip, ep.prefix, ep.netns);
    if (ep.ip6) nl.addrAdd(ep.ifName, ep.ip6, ep.prefix6 ?? 64, ep.netns);
    nl.linkSet({ name: ep.ifName, up: true }, ep.netns);
    if (ep.defaultGateway) nl.routeAdd({ gw: ep.defaultGateway }, ep.netns);
    if (ep.defaultGateway6) nl.routeAdd({ gw: ep.defaultGateway6 }, ep.netns);
  } catch (e) {
    deleteLink(host);
    throw e;
  }
  return host;
}

/** A random unicast, locally administered MAC address (libnetwork's GenerateRandomMAC). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The next free ethN inside a netns. */
export function nextIfName(netns: string): string {
  const names = new Set(netlink().links(netns).map((l) => l.name));
  for (let i = 0; ; i++) if (!names.has(`eth${i}`)) return `eth${i}`;
}
