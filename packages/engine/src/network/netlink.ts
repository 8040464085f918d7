/** rtnetlink through the native addon (native/berth/src/netlink.cc), typed. `ns` arguments are netns file paths. */
import { nativeAddon } from '../native.js';

export interface LinkInfo { index: number; name: string; kind: string; master: number; mtu: number; mac: string; up: boolean }
export interface RouteInfo { family: 4 | 6; dst: string; prefix: number; gw?: string; oif: number }
export interface AddrInfo { index: number; family: 4 | 6; address: string; prefix: number }

export interface Netlink {
  linkAdd(o: { kind: 'bridge' | 'veth'; name: string; mtu?: number; mac?: string; peer?: string; peerNs?: string; peerMac?: string }, ns?: string): void;
  linkDel(name: string, ns?: string): void;
  linkSet(o: { name: string; up?: boolean; master?: string | null; mtu?: number; mac?: string; newName?: string; netns?: string }, ns?: string): void;
  /** 0 when absent. */
  linkIndex(name: string, ns?: string): number;
  /** IPv4 or IPv6 (added without duplicate address detection). */
  addrAdd(dev: string, ip: string, prefix: number, ns?: string): void;
  routeAdd(o: { dst?: string; prefix?: number; gw?: string; dev?: string }, ns?: string): void;
  links(ns?: string): LinkInfo[];
  /** Main-table unicast routes and addresses of both families. */
  routes(ns?: string): RouteInfo[];
  addrs(ns?: string): AddrInfo[];
  netnsCreate(path: string): void;
  netnsDelete(path: string): void;
}

export const netlink = (): Netlink => nativeAddon<Netlink>();

export const errCode = (e: unknown) => (e as { code?: string }).code;
