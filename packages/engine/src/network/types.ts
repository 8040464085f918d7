/**
 * Network records (Docker's network inspect shape, persisted as is), endpoint settings and
 * NetworkSettings as inspect shows them. NetworkService implements ContainerService's
 * NetworkAttacher seam (containers/seams.ts):
 *   create → register(c, NetworkingConfig)  validate --network/--ip/--alias…, remember endpoint configs
 *   start  → prepare(c)   netns, veths, addresses, ports, DNS; /etc/hosts + resolv.conf written
 *   stop   → release(c)   endpoints, ports, netns and IPs released (as Docker does)
 *   rm     → forget(c)    the container's network state dropped
 *   inspect/ps → settings(c)
 */
import type { ContainerRef } from '../containers/seams.js';
import type { PortBinding } from './ports.js';

export interface IpamConfigEntry { Subnet: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: Record<string, string> }

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamConfigEntry[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** Docker's EndpointSettings (NetworkSettings.Networks[name], NetworkingConfig.EndpointsConfig[name]). */
export interface EndpointSettings {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links: string[] | null;
  MacAddress: string;
  Aliases: string[] | null;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export type NetworkSettings = {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: Record<string, PortBinding[] | null>;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
};

/** Given to NetworkService by the composition: containers by full ID, name or unique ID prefix. */
export interface ContainerLookup {
  find(idOrName: string): ContainerRef | undefined;
}
