/**
 * dockerd's checks on a container's resources and host settings, made at create and update
 * before anything is written (moby: runconfig's validateQoS/validateResources at decode,
 * daemon's verifyPlatformContainerResources and verifyPlatformContainerSettings). What the host
 * cannot enforce is dropped with a warning (returned in `Warnings`); out-of-range values are
 * 400s with Docker's texts. The host's capabilities come from system/sysinfo.ts.
 */
import os from 'node:os';
import { InvalidArgument } from '@berth/shared';
import type { SysInfo } from '../system/sysinfo.js';

/** The Resources fields the checks read (and clear when the host cannot enforce them). */
export interface ResourceSettings {
  Memory?: number; MemorySwap?: number; MemorySwappiness?: number | null; MemoryReservation?: number;
  OomKillDisable?: boolean | null; PidsLimit?: number | null;
  NanoCpus?: number; CpuPeriod?: number; CpuQuota?: number; CpuShares?: number; CpuPercent?: number;
  CpuRealtimePeriod?: number; CpuRealtimeRuntime?: number; CpusetCpus?: string; CpusetMems?: string;
  BlkioWeight?: number; BlkioWeightDevice?: unknown[] | null; BlkioDeviceReadBps?: unknown[] | null; BlkioDeviceWriteBps?: unknown[] | null;
  BlkioDeviceReadIOps?: unknown[] | null; BlkioDeviceWriteIOps?: unknown[] | null; IOMaximumBandwidth?: number; IOMaximumIOps?: number;
}

const LINUX_MIN_MEMORY = 6291456;
const DEFAULT_MAX_CPUS = 8192;

/** moby's parseUintList: "0-2,4" → {0,1,2,4}; duplicates allowed; values above `maximum` refused. */
export function parseUintList(val: string, maximum = 0): Set<number> {
  const out = new Set<number>();
  if (val === '') return out;
  const invalid = () => new Error(`invalid format: ${val}`);
  const atoi = (s: string) => {
    if (!/^[+-]?\d+$/.test(s)) throw invalid();
    const n = BigInt(s);
    if (n > 9223372036854775807n || n < -9223372036854775808n) throw invalid();
    return Number(n);
  };
  const check = (v: number) => { if (maximum !== 0 && v > maximum) throw new Error(`value of out range, maximum is ${maximum}`); };
  for (const r of val.split(',')) {
    if (!r.includes('-')) {
      const v = atoi(r);
      check(v);
      out.add(v);
      continue;
    }
    const i = r.indexOf('-');
    const min = atoi(r.slice(0, i));
    const max = atoi(r.slice(i + 1));
    if (max < min) throw invalid();
    check(max);
    for (let v = min; v <= max; v++) out.add(v);
  }
  return out;
}

/** Whether every CPU (or node) in `requested` is in `available`; throws on a malformed list. */
function listAvailable(requested: string, available: string): boolean {
  let have: Set<number>;
  try { have = parseUintList(available); } catch { have = new Set(); }
  const maxCpus = Math.max(DEFAULT_MAX_CPUS, ...have);
  for (const v of parseUintList(requested, maxCpus)) if (!have.has(v)) return false;
  return true;
}

/**
 * verifyPlatformContainerResources: warnings for what the host drops, InvalidArgument for the
 * rest. `update` relaxes the check that wants a memory limit with a swap limit.
 */
export function verifyResources(r: ResourceSettings, si: SysInfo, update: boolean, cpuCount = os.availableParallelism()): string[] {
  const warnings: string[] = [];
  const fail = (msg: string): never => { throw new InvalidArgument(msg); };
  if (r.MemorySwappiness === -1) r.MemorySwappiness = null;
  const n = (v: number | undefined) => v ?? 0;

  // memory
  if (n(r.Memory) !== 0 && n(r.Memory) < LINUX_MIN_MEMORY) fail('Minimum memory limit allowed is 6MB');
  if (n(r.Memory) > 0 && !si.memoryLimit) {
    warnings.push('Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.');
    r.Memory = 0;
    r.MemorySwap = -1;
  }
  if (n(r.Memory) > 0 && r.MemorySwap !== -1 && !si.swapLimit) {
    warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    r.MemorySwap = -1;
  }
  if (n(r.Memory) > 0 && n(r.MemorySwap) > 0 && n(r.MemorySwap) < n(r.Memory)) fail('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (n(r.Memory) === 0 && n(r.MemorySwap) > 0 && !update) fail('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (r.MemorySwappiness != null && !si.memorySwappiness) {
    warnings.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.');
    r.MemorySwappiness = null;
  }
  if (r.MemorySwappiness != null && (r.MemorySwappiness < 0 || r.MemorySwappiness > 100)) {
    fail(`Invalid value: ${r.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  if (n(r.MemoryReservation) > 0 && !si.memoryReservation) {
    warnings.push('Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.');
    r.MemoryReservation = 0;
  }
  if (n(r.MemoryReservation) > 0 && n(r.MemoryReservation) < LINUX_MIN_MEMORY) fail('Minimum memory reservation allowed is 6MB');
  if (n(r.Memory) > 0 && n(r.MemoryReservation) > 0 && n(r.Memory) < n(r.MemoryReservation)) {
    fail('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (r.OomKillDisable != null && !si.oomKillDisable) {
    if (r.OomKillDisable) warnings.push('Your kernel does not support OomKillDisable. OomKillDisable discarded.');
    r.OomKillDisable = null;
  }
  if (r.OomKillDisable && n(r.Memory) === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  if (r.PidsLimit != null && !si.pidsLimit) {
    if (r.PidsLimit > 0) warnings.push('Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.');
    r.PidsLimit = null;
  }

  // cpu
  if (n(r.NanoCpus) > 0 && n(r.CpuPeriod) > 0) fail('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (n(r.NanoCpus) > 0 && n(r.CpuQuota) > 0) fail('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (n(r.NanoCpus) > 0 && !si.cpuCfs) fail('NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted');
  if (n(r.NanoCpus) !== 0 && (n(r.NanoCpus) < 0 || n(r.NanoCpus) > cpuCount * 1e9)) {
    fail(`Range of CPUs is from 0.01 to ${cpuCount}.00, as there are only ${cpuCount} CPUs available`);
  }
  if (n(r.CpuShares) > 0 && !si.cpuShares) {
    warnings.push('Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.');
    r.CpuShares = 0;
  }
  if ((n(r.CpuPeriod) !== 0 || n(r.CpuQuota) !== 0) && !si.cpuCfs) {
    warnings.push('Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.');
    r.CpuPeriod = 0;
    r.CpuQuota = 0;
  }
  if (n(r.CpuPeriod) !== 0 && (n(r.CpuPeriod) < 1000 || n(r.CpuPeriod) > 1000000)) {
    fail('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (n(r.CpuQuota) > 0 && n(r.CpuQuota) < 1000) fail('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (n(r.CpuPercent) > 0) {
    warnings.push('linux does not support CPU percent. Percent discarded.');
    r.CpuPercent = 0;
  }

  // cpuset
  if ((r.CpusetCpus || r.CpusetMems) && !si.cpuset) {
    warnings.push('Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.');
    r.CpusetCpus = '';
    r.CpusetMems = '';
  }
  for (const [value, available, what, missing] of [
    [r.CpusetCpus ?? '', si.cpus, 'cpuset cpus', 'Requested CPUs are not available'],
    [r.CpusetMems ?? '', si.mems, 'cpuset mems', 'Requested memory nodes are not available'],
  ] as const) {
    let ok: boolean;
    try { ok = listAvailable(value, available); } catch (e) { return fail(`Invalid value ${value} for ${what}: ${(e as Error).message}`); }
    if (!ok) fail(`${missing} - requested ${value}, available: ${available}`);
  }

  // blkio
  if (n(r.BlkioWeight) > 0 && !si.blkioWeight) {
    warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    r.BlkioWeight = 0;
  }
  if (n(r.BlkioWeight) > 0 && (n(r.BlkioWeight) < 10 || n(r.BlkioWeight) > 1000)) fail('Range of blkio weight is from 10 to 1000');
  if (n(r.IOMaximumBandwidth) !== 0 || n(r.IOMaximumIOps) !== 0) fail('Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps');
  const devices: [keyof ResourceSettings, boolean, string][] = [
    ['BlkioWeightDevice', si.blkioWeightDevice, 'Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.'],
    ['BlkioDeviceReadBps', si.blkioReadBpsDevice, 'Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded.'],
    ['BlkioDeviceWriteBps', si.blkioWriteBpsDevice, 'Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. Block I/O BPS write limit discarded.'],
    ['BlkioDeviceReadIOps', si.blkioReadIOpsDevice, 'Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block I/O IOPS read limit discarded.'],
    ['BlkioDeviceWriteIOps', si.blkioWriteIOpsDevice, 'Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit discarded.'],
  ];
  for (const [key, supported, warning] of devices) {
    const list = r[key] as unknown[] | null | undefined;
    if (list?.length && !supported) {
      warnings.push(warning);
      (r as Record<string, unknown>)[key] = [];
    }
  }
  return warnings;
}

/** runconfig's decode-time checks of a create body's resources (validateQoS, validateResources). */
export function verifyCreateResources(r: ResourceSettings, si: SysInfo): void {
  if (n0(r.IOMaximumBandwidth) !== 0) throw new InvalidArgument('invalid option: QoS maximum bandwidth configuration is not supported on linux');
  if (n0(r.IOMaximumIOps) !== 0) throw new InvalidArgument('invalid option: QoS maximum IOPs configuration is not supported on linux');
  const period = n0(r.CpuRealtimePeriod);
  const runtime = n0(r.CpuRealtimeRuntime);
  if ((period !== 0 || runtime !== 0) && !si.cpuRealtime) throw new InvalidArgument('Your kernel does not support CPU real-time scheduler');
  if (period !== 0 && runtime !== 0 && runtime > period) throw new InvalidArgument('cpu real-time runtime cannot be higher than cpu real-time period');
  if (si.cpuShares && n0(r.CpuShares) < 0) throw new InvalidArgument(`invalid CPU shares (${r.CpuShares}): value must be a positive integer`);
}

const n0 = (v: number | undefined) => v ?? 0;

/** The namespace modes and limits verifyPlatformContainerSettings checks after the resources. */
export interface HostSettings { IpcMode?: string; PidMode?: string; UTSMode?: string; CgroupnsMode?: string; ShmSize?: number; OomScoreAdj?: number }

/** container.ValidateRestartPolicy. */
export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure' | '';

export function validateRestartPolicy(p: { Name?: string; MaximumRetryCount?: number } | undefined): asserts p is { Name?: RestartPolicyName; MaximumRetryCount?: number } | undefined {
  const name = p?.Name ?? '';
  const max = p?.MaximumRetryCount ?? 0;
  switch (name) {
    case 'always': case 'unless-stopped': case 'no':
      if (max !== 0) {
        throw new InvalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'${max < 0 ? ' and cannot be negative' : ''}`);
      }
      return;
    case 'on-failure':
      if (max < 0) throw new InvalidArgument('invalid restart policy: maximum retry count cannot be negative');
      return;
    case '':
      return;
    default:
      throw new InvalidArgument(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
}

const isContainerRef = (m: string) => m.startsWith('container:') && m.length > 'container:'.length;

export function verifyHostSettings(hc: HostSettings): void {
  const ipc = hc.IpcMode ?? '';
  if (!['', 'none', 'private', 'host', 'shareable'].includes(ipc) && !isContainerRef(ipc)) throw new InvalidArgument(`invalid IPC mode: ${ipc}`);
  const pid = hc.PidMode ?? '';
  if (pid !== '' && pid !== 'host' && !isContainerRef(pid)) throw new InvalidArgument(`invalid PID mode: ${pid}`);
  if (n0(hc.ShmSize) < 0) throw new InvalidArgument('SHM size can not be less than 0');
  const uts = hc.UTSMode ?? '';
  if (uts !== '' && uts !== 'host') throw new InvalidArgument(`invalid UTS mode: ${uts}`);
  const oom = n0(hc.OomScoreAdj);
  if (oom < -1000 || oom > 1000) throw new InvalidArgument(`Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
  const cgns = hc.CgroupnsMode ?? '';
  if (!['', 'host', 'private'].includes(cgns)) throw new InvalidArgument(`invalid cgroup namespace mode: ${cgns}`);
}
