/**
 * A container as Berth keeps it. The persisted record (config.v2.json + hostconfig.json) keeps
 * Docker's field names so inspect is mostly a projection of it; runtime state that only lives
 * while berthd runs (monitor connections, waiters) is kept apart in the service.
 */
import type { HostConfig as WireHostConfig, ContainerConfig as WireConfig } from '@berth/shared/api/types';

type Wire<K extends keyof WireHostConfig> = NonNullable<WireHostConfig[K]>;

/** Docker's container Config (the `Config` of create and inspect). */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Healthcheck?: WireConfig['Healthcheck'];
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
}

export interface Ulimit { Name: string; Soft: number; Hard: number }

/** Docker's HostConfig: what the client gave, with Docker's defaults filled in. */
export interface HostConfig {
  Binds: string[] | null;
  ContainerIDFile: string;
  LogConfig: { Type: string; Config: Record<string, string> };
  NetworkMode: string;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  RestartPolicy: { Name: NonNullable<Wire<'RestartPolicy'>['Name']>; MaximumRetryCount: number };
  AutoRemove: boolean;
  VolumeDriver: string;
  VolumesFrom: string[] | null;
  ConsoleSize: [number, number];
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  CgroupnsMode: NonNullable<Wire<'CgroupnsMode'>>;
  Dns: string[];
  DnsOptions: string[];
  DnsSearch: string[];
  ExtraHosts: string[] | null;
  GroupAdd: string[] | null;
  IpcMode: string;
  Cgroup: string;
  Links: string[] | null;
  OomScoreAdj: number;
  PidMode: string;
  Privileged: boolean;
  PublishAllPorts: boolean;
  ReadonlyRootfs: boolean;
  SecurityOpt: string[] | null;
  Tmpfs?: Record<string, string>;
  UTSMode: string;
  UsernsMode: string;
  ShmSize: number;
  Runtime: string;
  Isolation: NonNullable<Wire<'Isolation'>>;
  CpuShares: number;
  Memory: number;
  NanoCpus: number;
  CgroupParent: string;
  BlkioWeight: number;
  BlkioWeightDevice: Wire<'BlkioWeightDevice'>;
  BlkioDeviceReadBps: Wire<'BlkioDeviceReadBps'>;
  BlkioDeviceWriteBps: Wire<'BlkioDeviceWriteBps'>;
  BlkioDeviceReadIOps: Wire<'BlkioDeviceReadIOps'>;
  BlkioDeviceWriteIOps: Wire<'BlkioDeviceWriteIOps'>;
  CpuPeriod: number;
  CpuQuota: number;
  CpuRealtimePeriod: number;
  CpuRealtimeRuntime: number;
  CpusetCpus: string;
  CpusetMems: string;
  Devices: Wire<'Devices'>;
  DeviceCgroupRules: string[] | null;
  DeviceRequests: Wire<'DeviceRequests'> | null;
  MemoryReservation: number;
  MemorySwap: number;
  MemorySwappiness: number | null;
  OomKillDisable: boolean | null;
  PidsLimit: number | null;
  Ulimits: Ulimit[];
  CpuCount: number;
  CpuPercent: number;
  IOMaximumIOps: number;
  IOMaximumBandwidth: number;
  Mounts?: Wire<'Mounts'>;
  MaskedPaths: string[];
  ReadonlyPaths: string[];
  Init?: boolean | null;
  [k: string]: unknown;
}

export type StateStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: StateStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

/** config.v2.json */
export interface ContainerRecord {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  State: ContainerState;
  /** "sha256:…" */
  Image: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  HasBeenStartedBefore: boolean;
  /** Exec IDs currently known for this container. */
  ExecIDs: string[];
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
