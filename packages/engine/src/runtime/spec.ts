/**
 * Renders the OCI runtime spec (config.json) berth-monitor runs a container from: Docker's
 * defaults (oci/defaults.go: mounts, masked and read-only paths, device rules, capabilities,
 * seccomp) adjusted by the container's Config and HostConfig. Pure apart from reading the
 * host's rlimits and device nodes (privileged), so it is unit-testable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SystemError } from '@berth/shared';
import { containerCaps } from './caps.js';
import { defaultSeccomp, type OciSeccomp } from './seccomp.js';
import type { ContainerRecord, HostConfig } from '../containers/types.js';
import { logAnnotations } from '../containers/logging.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface OciMount { destination: string; type?: string; source?: string; options?: string[] }

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  linux: Record<string, unknown>;
  annotations: Record<string, string>;
}

export interface OciProcess {
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
  rlimits?: { type: string; soft: number; hard: number }[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
}

/** What the container needs from outside the record to be rendered. */
export interface SpecInputs {
  record: ContainerRecord;
  hostConfig: HostConfig;
  /** Directory holding config.json, the sockets and exit.json. */
  bundle: string;
  /** root.path: the container's rootfs mount point (or, with no overlay, its layer itself). */
  rootfs: string;
  /**
   * The overlay's options as the snapshotter's mounts(key) gives them, "workdir=…,upperdir=…,
   * lowerdir=…" (mounted by the monitor in the container's mount ns); "" for none.
   */
  overlay: string;
  /** Network namespace to join (from the NetworkAttacher); none → a fresh one; host mode → none at all. */
  netnsPath?: string;
  /** Variables of the container's legacy links (the network seam's). */
  linkEnv?: string[];
  /** Extra OCI mounts (volumes, binds) from the mounts seam, already ordered. */
  extraMounts?: OciMount[];
  /** Parent cgroup path (default /berth); HostConfig.CgroupParent wins. */
  cgroupParent?: string;
  /** Where the launcher keeps compiled seccomp filters, keyed by profile: compiled once, not per start. */
  seccompCache?: string;
}

/**
 * Docker's process env (moby's CreateDaemonEnvironment + ReplaceOrAppendEnvValues): PATH default,
 * HOSTNAME, TERM with a tty, legacy links' variables, then the container's, which wins by key;
 * a bare `FOO` unsets FOO.
 */
export function processEnv(env: string[], hostname: string, tty: boolean, linkEnv: string[] = []): string[] {
  const out = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`];
  if (tty) out.push('TERM=xterm');
  out.push(...linkEnv);
  const keyOf = (kv: string) => (kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv);
  for (const kv of env) {
    const i = out.findIndex((e) => keyOf(e) === keyOf(kv));
    if (!kv.includes('=')) { if (i >= 0) out.splice(i, 1); continue; }
    if (i >= 0) out[i] = kv; else out.push(kv);
  }
  return out;
}

/** HostConfig.GroupAdd for berth-monitor, which resolves the names in the container's /etc/group. */
export function groupAddAnnotation(groups: string[]): string {
  return groups.filter((g) => g !== '').join('\n');
}

const rlimitNames: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE', nproc: 'RLIMIT_NPROC',
  rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME', sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK',
};

let nofileHard: number | undefined;
/** The daemon's own RLIMIT_NOFILE hard limit: a container cannot be given more without CAP_SYS_RESOURCE. */
function hostNofileHard(): number {
  if (nofileHard !== undefined) return nofileHard;
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    nofileHard = m && m[1] !== 'unlimited' ? Number(m[1]) : 1048576;
  } catch { nofileHard = 1048576; }
  return nofileHard;
}

export function rlimits(ulimits: { Name: string; Soft: number; Hard: number }[]): OciProcess['rlimits'] {
  const max = hostNofileHard();
  const out = new Map<string, { type: string; soft: number; hard: number }>();
  out.set('RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft: Math.min(1048576, max), hard: Math.min(1048576, max) });
  for (const u of ulimits) {
    const type = rlimitNames[u.Name];
    if (!type) continue;
    out.set(type, { type, soft: u.Soft, hard: u.Hard });
  }
  return [...out.values()];
}

const DEFAULT_DEVICE_RULES = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: false, type: 'c', major: 10, minor: 200, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
];

/** major/minor of a device number as glibc's gnu_dev_major/minor split it. */
function splitRdev(rdev: number): { major: number; minor: number } {
  const r = BigInt(rdev);
  return {
    major: Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn)),
    minor: Number((r & 0xffn) | ((r >> 12n) & ~0xffn)),
  };
}

interface OciDevice { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode: number; uid: number; gid: number }
interface DeviceRule { allow: boolean; type?: string; major?: number; minor?: number; access: string }

class NotADevice extends Error {}

/** containerd's DeviceFromPath: the node at `p` (not following a symlink), or NotADevice. */
function deviceFromPath(p: string): OciDevice {
  const st = fs.lstatSync(p);
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new NotADevice('not a device node');
  return { path: p, type: st.isCharacterDevice() ? 'c' : 'b', ...splitRdev(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

/**
 * moby's DevicesFromPath (--device host[:container[:perms]]): the node, or every node under a
 * directory, at its container path, each with a cgroup rule allowing `perms`.
 */
export function devicesFromPath(onHost: string, inContainer: string, perms: string): { devices: OciDevice[]; rules: DeviceRule[] } {
  let resolved = onHost;
  try { if (fs.lstatSync(onHost).isSymbolicLink()) resolved = fs.realpathSync(onHost); } catch { /* reported below */ }
  const rule = (d: OciDevice): DeviceRule => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: perms });
  let why: string;
  try {
    const d = { ...deviceFromPath(resolved), path: inContainer };
    return { devices: [d], rules: [rule(d)] };
  } catch (e) {
    why = e instanceof NotADevice ? e.message : errnoText(e);
    if (!(e instanceof NotADevice)) throw new SystemError(`error gathering device information while adding custom device "${onHost}": ${why}`);
  }
  const devices: OciDevice[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      try { devices.push({ ...deviceFromPath(p), path: inContainer + p.slice(resolved.length) }); } catch { /* not a device: skipped */ }
    }
  };
  try { if (fs.statSync(resolved).isDirectory()) walk(resolved); } catch { /* not a directory */ }
  if (!devices.length) throw new SystemError(`error gathering device information while adding custom device "${onHost}": ${why}`);
  return { devices, rules: devices.map(rule) };
}

/** Go's text for an errno ("no such file or directory"). */
function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const texts: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory' };
  return (code && texts[code]) ?? (e as Error).message;
}

const DEVICE_CGROUP_RULE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/;

/** moby's AppendDevicePermissionsFromCgroupRules: `c 42:* rmw` → an allow rule. */
export function deviceCgroupRule(rule: string): DeviceRule {
  const m = DEVICE_CGROUP_RULE.exec(rule);
  if (!m) throw new SystemError(`invalid device cgroup rule format: '${rule}'`);
  const num = (v: string) => (v === '*' ? -1 : Number(v));
  const out: DeviceRule = { allow: true, type: m[1]!, access: m[4]! };
  if (num(m[2]!) >= 0) out.major = num(m[2]!);
  if (num(m[3]!) >= 0) out.minor = num(m[3]!);
  return out;
}

/**
 * The device nodes and cgroup rules of a container (moby's WithDevices): privileged gets the
 * host's nodes and every device; otherwise Docker's default rules, then --device, then
 * --device-cgroup-rule.
 */
export function containerDevices(hc: Pick<HostConfig, 'Privileged' | 'Devices' | 'DeviceCgroupRules'>): { devices: object[]; rules: object[] } {
  const mapped = (hc.Devices ?? []).map((d) => ({ onHost: d.PathOnHost ?? '', inContainer: d.PathInContainer || d.PathOnHost || '', perms: d.CgroupPermissions || 'rwm' }));
  if (hc.Privileged) {
    const devices: object[] = hostDevices();
    for (const d of mapped) if (d.onHost !== d.inContainer) devices.push(...devicesFromPath(d.onHost, d.inContainer, 'rwm').devices);
    return { devices, rules: [{ allow: true, access: 'rwm' }] };
  }
  const devices: object[] = [];
  const rules: object[] = [...DEFAULT_DEVICE_RULES];
  for (const d of mapped) {
    const r = devicesFromPath(d.onHost, d.inContainer, d.perms);
    devices.push(...r.devices);
    rules.push(...r.rules);
  }
  for (const rule of hc.DeviceCgroupRules ?? []) rules.push(deviceCgroupRule(rule));
  return { devices, rules };
}

/** Every device node under the host's /dev (for --privileged). */
export function hostDevices(dir = '/dev', out: object[] = []): object[] {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'].includes(e.name)) continue;
      hostDevices(p, out);
    } else if (e.isCharacterDevice() || e.isBlockDevice()) {
      if (p === '/dev/console' || p === '/dev/ptmx' || p === '/dev/tty') continue;
      try {
        const st = fs.statSync(p);
        const rdev = st.rdev;
        out.push({ path: p, type: e.isCharacterDevice() ? 'c' : 'b', major: Math.floor(rdev / 256) & 0xfff, minor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
          fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      } catch { /* vanished */ }
    }
  }
  return out;
}

function securityOpts(hc: HostConfig): { noNewPrivileges: boolean; seccompUnconfined: boolean } {
  let nnp = false;
  let unconfined = false;
  for (const opt of hc.SecurityOpt ?? []) {
    const [k, v] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : opt.split(':');
    if (k === 'no-new-privileges') nnp = v === undefined || v === 'true' || v === '';
    if (k === 'seccomp' && v === 'unconfined') unconfined = true;
  }
  return { noNewPrivileges: nnp, seccompUnconfined: unconfined };
}

function resources(hc: HostConfig, deviceRules: object[]): Record<string, unknown> {
  const r: Record<string, unknown> = { devices: deviceRules };
  const memory: Record<string, unknown> = {};
  if (hc.Memory > 0) memory.limit = hc.Memory;
  if (hc.MemorySwap > 0 || hc.MemorySwap === -1) memory.swap = hc.MemorySwap;
  if (hc.MemoryReservation > 0) memory.reservation = hc.MemoryReservation;
  if (hc.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) r.memory = memory;
  const cpu: Record<string, unknown> = {};
  if (hc.CpuShares > 0) cpu.shares = hc.CpuShares;
  if (hc.NanoCpus > 0) { cpu.period = 100000; cpu.quota = Math.round(hc.NanoCpus * 100000 / 1e9); }
  if (hc.CpuQuota > 0) cpu.quota = hc.CpuQuota;
  if (hc.CpuPeriod > 0) cpu.period = hc.CpuPeriod;
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (hc.PidsLimit && hc.PidsLimit > 0) r.pids = { limit: hc.PidsLimit };
  return r;
}

function namespaces(hc: HostConfig, netnsPath?: string): { type: string; path?: string }[] {
  const ns: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (hc.NetworkMode !== 'host') ns.push(netnsPath ? { type: 'network', path: netnsPath } : { type: 'network' });
  if (hc.PidMode !== 'host') ns.push({ type: 'pid' });
  if (hc.IpcMode !== 'host') ns.push({ type: 'ipc' });
  if (hc.UTSMode !== 'host') ns.push({ type: 'uts' });
  if (hc.CgroupnsMode !== 'host') ns.push({ type: 'cgroup' });
  return ns;
}

function defaultMounts(rec: ContainerRecord, hc: HostConfig): OciMount[] {
  const privileged = hc.Privileged;
  const shmSize = hc.ShmSize > 0 ? hc.ShmSize : 64 * 1024 * 1024;
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  if (hc.IpcMode === 'host') mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  else mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] });
  const ro = hc.ReadonlyRootfs ? ['ro'] : [];
  mounts.push(
    { destination: '/etc/resolv.conf', type: 'bind', source: rec.ResolvConfPath, options: ['rbind', 'rprivate', ...ro] },
    { destination: '/etc/hostname', type: 'bind', source: rec.HostnamePath, options: ['rbind', 'rprivate', ...ro] },
    { destination: '/etc/hosts', type: 'bind', source: rec.HostsPath, options: ['rbind', 'rprivate', ...ro] },
  );
  for (const [dest, opts] of Object.entries(hc.Tmpfs ?? {})) {
    const given = opts ? opts.split(',') : [];
    const defaults = ['noexec', 'nosuid', 'nodev'].filter((o) => !given.includes(o.replace(/^no/, '')) && !given.includes(o));
    mounts.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: [...defaults, ...given] });
  }
  return mounts;
}

/** The seccomp profile for the container, or undefined when unconfined/privileged. */
export function seccompFor(hc: HostConfig, caps: string[]): OciSeccomp | undefined {
  if (hc.Privileged || securityOpts(hc).seccompUnconfined) return undefined;
  return defaultSeccomp(caps);
}

/** linux.cgroupsPath: "<parent>/<id>", the parent from HostConfig.CgroupParent, else the daemon's (default /berth). */
export function cgroupsPath(id: string, containerParent?: string, daemonParent?: string): string {
  return `${('/' + (containerParent || daemonParent || '/berth')).replace(/\/+/g, '/').replace(/\/$/, '')}/${id}`;
}

export function renderSpec(inp: SpecInputs): OciSpec {
  const { record: rec, hostConfig: hc } = inp;
  const cfg = rec.Config;
  const caps = containerCaps(hc.CapAdd ?? [], hc.CapDrop ?? [], hc.Privileged);
  const sec = securityOpts(hc);
  const annotations: Record<string, string> = {
    'berth.rootfs-overlay': inp.overlay,
    ...logAnnotations(rec, hc), // logging driver: berth.log-path, rotation (containers/logging.ts)
  };
  if (cfg.OpenStdin) annotations['berth.open-stdin'] = 'true';
  if (cfg.StdinOnce) annotations['berth.stdin-once'] = 'true';
  if (hc.Init) annotations['berth.init'] = 'true';
  if (cfg.User) annotations['berth.user'] = cfg.User;
  if (hc.GroupAdd?.length) annotations['berth.group-add'] = groupAddAnnotation(hc.GroupAdd);
  if (hc.Privileged) annotations['berth.privileged'] = 'true';
  if (inp.seccompCache) annotations['berth.seccomp-cache'] = inp.seccompCache;

  const process: OciProcess = {
    terminal: cfg.Tty,
    user: { uid: 0, gid: 0 },
    args: [rec.Path, ...rec.Args],
    env: processEnv(cfg.Env, cfg.Hostname, cfg.Tty, inp.linkEnv),
    cwd: cfg.WorkingDir || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    rlimits: rlimits(hc.Ulimits ?? []),
    noNewPrivileges: sec.noNewPrivileges,
    oomScoreAdj: hc.OomScoreAdj ?? 0,
  };
  if (cfg.Tty && hc.ConsoleSize && hc.ConsoleSize[0] > 0) process.consoleSize = { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] };

  const devs = containerDevices(hc);
  const linux: Record<string, unknown> = {
    cgroupsPath: cgroupsPath(rec.Id, hc.CgroupParent, inp.cgroupParent),
    resources: resources(hc, devs.rules),
    namespaces: namespaces(hc, inp.netnsPath),
  };
  if (hc.NetworkMode !== 'host') linux.sysctl = { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' };
  const seccomp = seccompFor(hc, caps);
  if (seccomp) linux.seccomp = seccomp;
  if (!hc.Privileged) {
    linux.maskedPaths = hc.MaskedPaths?.length ? hc.MaskedPaths : MASKED_PATHS;
    linux.readonlyPaths = hc.ReadonlyPaths?.length ? hc.ReadonlyPaths : READONLY_PATHS;
  }
  if (devs.devices.length) linux.devices = devs.devices;

  const spec: OciSpec = {
    ociVersion: '1.2.0',
    process,
    root: { path: inp.rootfs, readonly: hc.ReadonlyRootfs },
    // A user mount at a default's destination replaces it (as Docker lets -v/--tmpfs override /dev/shm …).
    mounts: [...defaultMounts(rec, hc).filter((m) => !(inp.extraMounts ?? []).some((x) => x.destination === m.destination)), ...(inp.extraMounts ?? [])],
    linux,
    annotations,
  };
  if (hc.UTSMode !== 'host') { spec.hostname = cfg.Hostname; if (cfg.Domainname) spec.domainname = cfg.Domainname; }
  return spec;
}
