/**
 * The seams ContainerService reaches networking and mounts through, at fixed points of the
 * lifecycle: NetworkService and volumes/provider.ts implement them. The defaults below (unit
 * tests, tools) give a container its own netns with lo only and no extra mounts.
 */
import type { OciMount } from '../runtime/spec.js';
import type { PortForward } from '../runtime/monitor.js';
import type { MountPoint, NetworkSettings } from '@berth/shared/api/types';
import type { ContainerRecord, HostConfig } from './types.js';

export interface ContainerRef { rec: ContainerRecord; hc: HostConfig }

export interface NetworkAttacher {
  /**
   * Before start: create/attach the container's netns. `netnsPath` to join, or none for a fresh one.
   * `forwards`: published ports' host sockets, for the monitor; the caller closes them after launch.
   * `env`: variables of the container's legacy links, before its own Env (which wins).
   */
  prepare(c: ContainerRef): Promise<{ netnsPath?: string; hostsEntries?: string[]; forwards?: PortForward[]; env?: string[] }>;
  /** After the container stopped (or failed to start): release addresses, veths, port mappings. */
  release(c: ContainerRef): Promise<void>;
  /** NetworkSettings for inspect / ps. */
  settings(c: ContainerRef): NetworkSettings & Required<Pick<NetworkSettings, 'Networks' | 'Ports'>>;
  /** On create (networking): validate --network/--ip/--alias, remember NetworkingConfig; warnings for the response. */
  register?(c: ContainerRef, networking?: unknown): { warnings: string[] };
  /** The variables of the container's legacy links, for an exec (throws while a linked container is not running). */
  linkEnv?(c: ContainerRef): string[];
  /** After HostConfig.Links changed (rm --link): rewrite a running container's /etc/hosts. */
  refreshHosts?(c: ContainerRef): void;
  /** On rm (networking): drop what the network side keeps for the container. */
  forget?(c: ContainerRef): Promise<void>;
}

export interface MountProvider {
  /** On create: create anonymous/named volumes the container needs (Config.Volumes, HostConfig.Binds/Mounts). */
  create(c: ContainerRef): Promise<void>;
  /** Before start: the OCI mounts to add after Docker's defaults. */
  mounts(c: ContainerRef): Promise<OciMount[]>;
  /** On rm: drop references; remove anonymous volumes when `removeVolumes`. */
  release(c: ContainerRef, removeVolumes: boolean): Promise<void>;
  /** Mounts for inspect / ps. */
  inspect(c: ContainerRef): MountPoint[];
  /** Names of the volumes the container uses (ps --filter volume=). */
  volumeNames(c: ContainerRef): string[];
}

export const noNetwork: NetworkAttacher = {
  async prepare() { return {}; },
  async release() {},
  settings(c) {
    const mode = c.hc.NetworkMode;
    const name = mode === 'bridge' ? 'bridge' : mode;
    return {
      Bridge: '', SandboxID: '', SandboxKey: '', Ports: {}, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: { [name]: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0,
        NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0, DNSNames: null } },
    };
  },
};

export const noMounts: MountProvider = {
  async create() {},
  async mounts() { return []; },
  async release() {},
  inspect() { return []; },
  volumeNames() { return []; },
};
