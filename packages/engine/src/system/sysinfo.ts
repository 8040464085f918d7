/**
 * What the host's cgroups can enforce, read once per daemon (moby's pkg/sysinfo): the checks on
 * container resources turn unsupported settings into warnings and check cpusets against the
 * online CPUs and memory nodes. cgroup v1 (and hybrid): per-controller files under each
 * controller's mount; cgroup v2: the root's enabled controllers.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SysInfo {
  cgroupUnified: boolean;
  memoryLimit: boolean;
  swapLimit: boolean;
  memoryReservation: boolean;
  oomKillDisable: boolean;
  memorySwappiness: boolean;
  cpuShares: boolean;
  cpuCfs: boolean;
  cpuRealtime: boolean;
  cpuset: boolean;
  /** The online CPUs and memory nodes, as the cpuset files list them ("0-1"). */
  cpus: string;
  mems: string;
  blkioWeight: boolean;
  blkioWeightDevice: boolean;
  blkioReadBpsDevice: boolean;
  blkioWriteBpsDevice: boolean;
  blkioReadIOpsDevice: boolean;
  blkioWriteIOpsDevice: boolean;
  pidsLimit: boolean;
}

const V1_CONTROLLERS = ['memory', 'cpu', 'cpuset', 'blkio', 'pids'];

/** Controller → mountpoint of the v1 hierarchy that carries it. */
function v1Mounts(mountsText: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of mountsText.split('\n')) {
    const [, mountpoint, type, options] = line.split(' ');
    if (type !== 'cgroup' || !mountpoint || !options) continue;
    for (const opt of options.split(',')) {
      if (V1_CONTROLLERS.includes(opt) && !out.has(opt)) out.set(opt, mountpoint.replace(/\\040/g, ' '));
    }
  }
  return out;
}

const read = (file: string) => { try { return fs.readFileSync(file, 'utf8').trim(); } catch { return ''; } };

export function probeSysInfo(root = '/sys/fs/cgroup', procSelf = '/proc/self'): SysInfo {
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    const controllers = new Set(read(path.join(root, 'cgroup.controllers')).split(/\s+/).filter(Boolean));
    const own = /^0::(.*)$/m.exec(read(path.join(procSelf, 'cgroup')))?.[1] ?? '';
    const memory = controllers.has('memory');
    const io = controllers.has('io');
    const cpuset = controllers.has('cpuset');
    return {
      cgroupUnified: true,
      memoryLimit: memory,
      swapLimit: memory && own !== '' && fs.existsSync(path.join(root, own, 'memory.swap.max')),
      memoryReservation: memory,
      oomKillDisable: false,
      memorySwappiness: false,
      cpuShares: controllers.has('cpu'),
      cpuCfs: controllers.has('cpu'),
      cpuRealtime: false,
      cpuset,
      cpus: cpuset ? read(path.join(root, 'cpuset.cpus.effective')) : '',
      mems: cpuset ? read(path.join(root, 'cpuset.mems.effective')) : '',
      blkioWeight: io, blkioWeightDevice: io, blkioReadBpsDevice: io, blkioWriteBpsDevice: io,
      blkioReadIOpsDevice: io, blkioWriteIOpsDevice: io,
      pidsLimit: controllers.has('pids'),
    };
  }
  const mounts = v1Mounts(read(path.join(procSelf, 'mounts')));
  const has = (controller: string, file: string) => {
    const mp = mounts.get(controller);
    return mp !== undefined && fs.existsSync(path.join(mp, file));
  };
  const cpusetMount = mounts.get('cpuset');
  return {
    cgroupUnified: false,
    memoryLimit: mounts.has('memory'),
    swapLimit: has('memory', 'memory.memsw.limit_in_bytes'),
    memoryReservation: has('memory', 'memory.soft_limit_in_bytes'),
    oomKillDisable: has('memory', 'memory.oom_control'),
    memorySwappiness: has('memory', 'memory.swappiness'),
    cpuShares: has('cpu', 'cpu.shares'),
    cpuCfs: has('cpu', 'cpu.cfs_quota_us'),
    cpuRealtime: has('cpu', 'cpu.rt_period_us'),
    cpuset: cpusetMount !== undefined,
    cpus: cpusetMount ? read(path.join(cpusetMount, 'cpuset.cpus')) : '',
    mems: cpusetMount ? read(path.join(cpusetMount, 'cpuset.mems')) : '',
    blkioWeight: has('blkio', 'blkio.weight'),
    blkioWeightDevice: has('blkio', 'blkio.weight_device'),
    blkioReadBpsDevice: has('blkio', 'blkio.throttle.read_bps_device'),
    blkioWriteBpsDevice: has('blkio', 'blkio.throttle.write_bps_device'),
    blkioReadIOpsDevice: has('blkio', 'blkio.throttle.read_iops_device'),
    blkioWriteIOpsDevice: has('blkio', 'blkio.throttle.write_iops_device'),
    pidsLimit: mounts.has('pids'),
  };
}

let cached: SysInfo | undefined;

/** The host's capabilities, probed on first use and kept for the daemon's life. */
export function sysInfo(): SysInfo {
  return (cached ??= probeSysInfo());
}
