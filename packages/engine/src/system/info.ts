/** Builds the /info and /version documents from the daemon's real state. */
import os from 'node:os';
import fs from 'node:fs';
import { API_VERSION, MIN_API_VERSION } from '@berth/shared';
import { BERTH_VERSION, GIT_COMMIT } from '../version.js';
import { cgroupVersion, goArch, kernelVersion, osRelease, platformArch } from './host.js';
import type { DaemonConfig } from '../config.js';
import type { SystemInfo, SystemVersion } from '@berth/shared/api/types';
import { below } from '../api/versions.js';

export interface ContainerCounts { total: number; running: number; paused: number; stopped: number }

export interface InfoSources {
  config: DaemonConfig;
  daemonId: string;
  containerCounts(): ContainerCounts;
  imageCount(): number;
  eventListeners(): number;
  storageDriver(): { name: string; status: [string, string][] };
}

export function versionDoc(): SystemVersion {
  const components: NonNullable<SystemVersion['Components']> = [
    { Name: 'Engine', Version: BERTH_VERSION, Details: {
      ApiVersion: API_VERSION, Arch: platformArch(), BuildTime: '', Experimental: 'false', GitCommit: GIT_COMMIT,
      GoVersion: `node${process.versions.node}`, KernelVersion: kernelVersion(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
    } },
    { Name: 'berth-monitor', Version: BERTH_VERSION, Details: { GitCommit: GIT_COMMIT } },
  ];
  return {
    Platform: { Name: 'Berth Engine' },
    Components: components,
    Version: BERTH_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: GIT_COMMIT,
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: platformArch(),
    KernelVersion: kernelVersion(),
    BuildTime: '',
  };
}

function countFds(): number {
  try { return fs.readdirSync('/proc/self/fd').length; } catch { return 0; }
}

function v1Has(file: string): boolean {
  return fs.existsSync(`/sys/fs/cgroup/${file}`);
}

/** /info for a request at API `version`: the fields each version had (api/versions.ts). */
export function infoDoc(src: InfoSources, version: string): SystemInfo {
  const rel = osRelease();
  const counts = src.containerCounts();
  const cg = cgroupVersion();
  const cfg = src.config;
  const v2 = cg === '2';
  const warnings: string[] = [];
  const swap = v2 ? true : v1Has('memory/memory.memsw.limit_in_bytes');
  if (!swap) warnings.push('WARNING: No swap limit support');
  const storage = src.storageDriver();
  let ipForward = false;
  try { ipForward = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() === '1'; } catch { /* not readable */ }
  const doc: SystemInfo = {
    ID: src.daemonId,
    Containers: counts.total,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: src.imageCount(),
    Driver: storage.name,
    DriverStatus: storage.status,
    DockerRootDir: cfg.dataRoot,
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'null'],
      Authorization: null,
      Log: ['json-file', 'local', 'none', 'syslog'],
    },
    MemoryLimit: true,
    SwapLimit: swap,
    KernelMemoryTCP: !v2 && v1Has('memory/memory.kmem.tcp.limit_in_bytes'),
    CpuCfsPeriod: v2 || v1Has('cpu/cpu.cfs_period_us'),
    CpuCfsQuota: v2 || v1Has('cpu/cpu.cfs_quota_us'),
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: !v2,
    IPv4Forwarding: ipForward,
    Debug: cfg.debug,
    NFd: countFds(),
    NGoroutines: 1,
    SystemTime: new Date().toISOString().replace('Z', '000000Z'),
    LoggingDriver: cfg.logDriver,
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cg,
    NEventsListener: src.eventListeners(),
    KernelVersion: kernelVersion(),
    OperatingSystem: rel.prettyName,
    OSVersion: rel.versionId,
    OSType: 'linux',
    Architecture: goArch(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8', ...cfg.insecureRegistries.filter((r) => r.includes('/'))],
      IndexConfigs: Object.fromEntries([
        ['docker.io', { Name: 'docker.io', Mirrors: cfg.registryMirrors, Secure: true, Official: true }],
        ...cfg.insecureRegistries.filter((r) => !r.includes('/')).map((r) => [r, { Name: r, Mirrors: [], Secure: false, Official: false }]),
      ]),
      Mirrors: cfg.registryMirrors,
    },
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    GenericResources: null,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: os.hostname(),
    Labels: cfg.labels,
    ExperimentalBuild: false,
    ServerVersion: versionDoc().Version,
    Runtimes: { 'berth-monitor': { path: 'berth-monitor' } },
    DefaultRuntime: 'berth-monitor',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: cfg.liveRestore,
    Isolation: '',
    InitBinary: 'berth-monitor',
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: '' },
    InitCommit: { ID: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(v2 ? ['name=cgroupns'] : [])],
    DefaultAddressPools: cfg.defaultAddressPools.map((p) => ({ Base: p.base, Size: p.size })),
    FirewallBackend: { Driver: 'iptables' },
    CDISpecDirs: [],
    Warnings: warnings,
  };
  return withLegacyFields(doc, version);
}

/** What older API versions had in /info and newer ones dropped (moby's system router). */
function withLegacyFields(doc: SystemInfo, version: string): SystemInfo {
  const legacy: LegacyInfo = doc;
  if (below(version, 'infoNoNondistributable')) {
    legacy.RegistryConfig = { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, ...doc.RegistryConfig };
  }
  if (below(version, 'infoFirewallBackend')) {
    delete legacy.FirewallBackend;
    for (const k of ['ContainerdCommit', 'RuncCommit', 'InitCommit'] as const) legacy[k] = { ...doc[k], Expected: doc[k]?.ID ?? '' };
  }
  if (below(version, 'infoNoBridgeNf')) {
    legacy.BridgeNfIptables = false;
    legacy.BridgeNfIp6tables = false;
  }
  return legacy as SystemInfo;
}

type LegacyCommit = { ID?: string; Expected?: string };
type LegacyInfo = Omit<SystemInfo, 'ContainerdCommit' | 'RuncCommit' | 'InitCommit'> & {
  ContainerdCommit?: LegacyCommit; RuncCommit?: LegacyCommit; InitCommit?: LegacyCommit;
  BridgeNfIptables?: boolean;
  BridgeNfIp6tables?: boolean;
};
