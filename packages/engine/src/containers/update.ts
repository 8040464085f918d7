/**
 * POST /containers/{id}/update: the new resources and restart policy validated as dockerd does,
 * and written to a running container's cgroup (ContainerService.update persists them).
 */
import { InvalidArgument } from '@berth/shared';
import type { CgroupFiles } from './cgroup-files.js';
import type { HostConfig } from './types.js';
import { validateRestartPolicy, verifyResources, type ResourceSettings, type RestartPolicyName } from './verify.js';
import type { SysInfo } from '../system/sysinfo.js';

export interface UpdateBody extends ResourceSettings {
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
}

/** The new HostConfig resources, validated with Docker's messages. */
export function mergeUpdate(hc: HostConfig, b: UpdateBody): Partial<HostConfig> {
  const next: Partial<HostConfig> = {};
  if (b.NanoCpus && (b.CpuQuota || b.CpuPeriod)) throw new InvalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (b.NanoCpus && (hc.CpuQuota || hc.CpuPeriod) && !b.CpuQuota && !b.CpuPeriod) {
    throw new InvalidArgument('Conflicting options: CPU Quota or CPU Period cannot be updated when NanoCPUs is already set');
  }
  if ((b.CpuQuota || b.CpuPeriod) && hc.NanoCpus && !b.NanoCpus) {
    throw new InvalidArgument('Conflicting options: Nano CPUs cannot be updated as CPU Period/Quota has already been set');
  }
  if (b.NanoCpus) next.NanoCpus = b.NanoCpus;
  if (b.Memory) {
    if (b.Memory < 6 * 1024 * 1024) throw new InvalidArgument('Minimum memory limit allowed is 6MB');
    if (!b.MemorySwap && b.Memory > hc.MemorySwap) {
      throw new InvalidArgument('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    next.Memory = b.Memory;
  }
  if (b.MemorySwap) {
    const mem = next.Memory ?? hc.Memory;
    if (b.MemorySwap > 0 && mem > 0 && b.MemorySwap < mem) throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
    if (b.MemorySwap > 0 && !mem) throw new InvalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
    next.MemorySwap = b.MemorySwap;
  }
  if (b.MemoryReservation) next.MemoryReservation = b.MemoryReservation;
  if (b.CpuShares) next.CpuShares = b.CpuShares;
  if (b.CpuQuota) next.CpuQuota = b.CpuQuota;
  if (b.CpuPeriod) next.CpuPeriod = b.CpuPeriod;
  if (b.CpusetCpus) next.CpusetCpus = b.CpusetCpus;
  if (b.CpusetMems) next.CpusetMems = b.CpusetMems;
  if (b.BlkioWeight) next.BlkioWeight = b.BlkioWeight;
  if (b.PidsLimit !== undefined && b.PidsLimit !== null && b.PidsLimit !== 0) next.PidsLimit = b.PidsLimit > 0 ? b.PidsLimit : 0;
  if (b.RestartPolicy && (b.RestartPolicy.Name !== undefined || b.RestartPolicy.MaximumRetryCount)) {
    const name = b.RestartPolicy.Name ?? '';
    const max = b.RestartPolicy.MaximumRetryCount ?? 0;
    if (hc.AutoRemove && name && name !== 'no') throw new InvalidArgument('Restart policy cannot be updated because AutoRemove is enabled for the container');
    next.RestartPolicy = { Name: name as RestartPolicyName, MaximumRetryCount: max }; // verifyUpdate checked the name
  }
  return next;
}

/** Write the changed resources to a running container's cgroup (v1 or v2). */
export function applyToCgroup(cg: CgroupFiles, hc: HostConfig, changed: Partial<HostConfig>): void {
  const period = hc.NanoCpus > 0 ? 100000 : hc.CpuPeriod || 100000;
  const quota = hc.NanoCpus > 0 ? Math.round(hc.NanoCpus * 100000 / 1e9) : hc.CpuQuota > 0 ? hc.CpuQuota : -1;
  if (cg.v2) {
    if (changed.Memory !== undefined || changed.MemorySwap !== undefined) {
      cg.write('', 'memory.max', hc.Memory > 0 ? hc.Memory : 'max');
      if (cg.has('', 'memory.swap.max') && hc.MemorySwap) cg.write('', 'memory.swap.max', hc.MemorySwap < 0 ? 'max' : Math.max(0, hc.MemorySwap - hc.Memory));
    }
    if (changed.MemoryReservation !== undefined) cg.write('', 'memory.low', hc.MemoryReservation);
    if (changed.CpuShares !== undefined) cg.write('', 'cpu.weight', 1 + Math.floor(((Math.min(262144, Math.max(2, hc.CpuShares)) - 2) * 9999) / 262142));
    if (changed.NanoCpus !== undefined || changed.CpuQuota !== undefined || changed.CpuPeriod !== undefined) cg.write('', 'cpu.max', `${quota > 0 ? quota : 'max'} ${period}`);
    if (changed.CpusetCpus !== undefined) cg.write('', 'cpuset.cpus', hc.CpusetCpus);
    if (changed.CpusetMems !== undefined) cg.write('', 'cpuset.mems', hc.CpusetMems);
    if (changed.PidsLimit !== undefined) cg.write('', 'pids.max', hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : 'max');
    return;
  }
  if (changed.Memory !== undefined || changed.MemorySwap !== undefined) {
    const memsw = cg.has('memory', 'memory.memsw.limit_in_bytes');
    const cur = cg.readInt('memory', 'memory.limit_in_bytes') ?? 0;
    const swap = hc.MemorySwap !== 0 ? hc.MemorySwap : -1;
    // raising: memsw first (it must stay >= the limit); lowering: the limit first
    if (memsw && hc.Memory > cur) cg.write('memory', 'memory.memsw.limit_in_bytes', swap);
    cg.write('memory', 'memory.limit_in_bytes', hc.Memory > 0 ? hc.Memory : -1);
    if (memsw && hc.Memory <= cur) cg.write('memory', 'memory.memsw.limit_in_bytes', swap);
  }
  if (changed.MemoryReservation !== undefined) cg.write('memory', 'memory.soft_limit_in_bytes', hc.MemoryReservation);
  if (changed.CpuShares !== undefined) cg.write('cpu', 'cpu.shares', hc.CpuShares);
  if (changed.NanoCpus !== undefined || changed.CpuQuota !== undefined || changed.CpuPeriod !== undefined) {
    cg.write('cpu', 'cpu.cfs_period_us', period);
    cg.write('cpu', 'cpu.cfs_quota_us', quota);
  }
  if (changed.CpusetCpus !== undefined) cg.write('cpuset', 'cpuset.cpus', hc.CpusetCpus);
  if (changed.CpusetMems !== undefined) cg.write('cpuset', 'cpuset.mems', hc.CpusetMems);
  if (changed.PidsLimit !== undefined) cg.write('pids', 'pids.max', hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : 'max');
  if (changed.BlkioWeight !== undefined && cg.has('blkio', 'blkio.weight')) cg.write('blkio', 'blkio.weight', hc.BlkioWeight);
}

/** dockerd's verifyContainerSettings for an update: the new values alone, before the container is looked up. */
export function verifyUpdate(body: UpdateBody, si: SysInfo): string[] {
  validateRestartPolicy(body.RestartPolicy);
  return verifyResources(body, si, true);
}
