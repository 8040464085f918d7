// Fixture code for monitor.test.ts: builds berth-monitor and the busybox rootfs, writes OCI
// bundles, spawns the monitor with a socketpair on fd 3 and speaks its protocol (fd-3 JSON
// lines, attach.sock frames, monitor.sock JSON lines). Node built-ins only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = process.env.BERTH_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MONITOR = process.env.BERTH_TEST_MONITOR ?? path.join(REPO, 'packages/engine/native/build/berth-monitor');

/** Docker's default capability set. */
export const DOCKER_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

export const CGROUP_V2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids',
  'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc'];

/** Paths of a cgroup (relative to the hierarchy roots) in every hierarchy the monitor uses. */
export function cgroupDirs(rel: string): string[] {
  rel = rel.replace(/^\/+/, '');
  if (CGROUP_V2) return [path.join('/sys/fs/cgroup', rel)];
  return V1_CONTROLLERS.map((c) => path.join('/sys/fs/cgroup', c))
    .filter((d) => { try { return fs.statSync(path.join(d, 'cgroup.procs')).isFile(); } catch { return false; } })
    .map((d) => path.join(d, rel));
}

export function memoryCgroupDir(rel: string): string {
  rel = rel.replace(/^\/+/, '');
  return CGROUP_V2 ? path.join('/sys/fs/cgroup', rel) : path.join('/sys/fs/cgroup/memory', rel);
}

export function buildMonitor(): void {
  execFileSync('make', ['-s', '-C', path.join(REPO, 'packages/engine/native/monitor')], { stdio: 'inherit' });
}

export type Msg = { t: string; [k: string]: unknown };

export interface ProcessOpts {
  args: string[];
  env?: string[];
  cwd?: string;
  tty?: boolean;
  consoleSize?: { height: number; width: number };
  uid?: number;
  gid?: number;
  user?: string; // berth.user
  caps?: string[];
  noNewPrivileges?: boolean;
  openStdin?: boolean;
  stdinOnce?: boolean;
  rlimits?: { type: string; soft: number; hard: number }[];
  oomScoreAdj?: number;
  privileged?: boolean; // exec only: process.json "privileged"
}

export interface ContainerOpts extends ProcessOpts {
  hostname?: string;
  init?: boolean;
  resources?: Record<string, unknown>;
  seccomp?: Record<string, unknown>;
  extraMounts?: Record<string, unknown>[];
  readonlyRoot?: boolean;
  sysctl?: Record<string, string>;
  namespaces?: { type: string; path?: string }[];
  /** replaces the default berth.rootfs-overlay (the busybox lower + this bundle's upper/work) */
  overlay?: (dirs: { upper: string; work: string; lower: string }) => string;
  annotations?: Record<string, string>;
  /** put files into the upper layer before the container starts */
  prepareUpper?: (upper: string) => void;
}

const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

function processSpec(o: ProcessOpts) {
  const caps = o.caps ?? DOCKER_CAPS;
  return {
    terminal: o.tty ?? false,
    ...(o.tty ? { consoleSize: o.consoleSize ?? { height: 24, width: 80 } } : {}),
    user: { uid: o.uid ?? 0, gid: o.gid ?? 0 },
    args: o.args,
    env: o.env ?? DEFAULT_ENV,
    cwd: o.cwd ?? '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    noNewPrivileges: o.noNewPrivileges ?? false,
    ...(o.rlimits ? { rlimits: o.rlimits } : {}),
    ...(o.oomScoreAdj !== undefined ? { oomScoreAdj: o.oomScoreAdj } : {}),
  };
}

function processAnnotations(o: ProcessOpts & { init?: boolean }): Record<string, string> {
  const a: Record<string, string> = {};
  if (o.user) a['berth.user'] = o.user;
  if (o.openStdin) a['berth.open-stdin'] = 'true';
  if (o.stdinOnce) a['berth.stdin-once'] = 'true';
  if (o.init) a['berth.init'] = 'true';
  return a;
}

/** A temp dir holding the extracted busybox rootfs (the overlay lowerdir) and one dir per container. */
export class Fixture {
  readonly root: string;
  readonly lower: string;
  readonly cgroupParent: string;
  private seq = 0;
  private pids = new Set<number>();

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-monitor-test-'));
    this.lower = path.join(this.root, 'lower');
    this.cgroupParent = `berth-test-${process.pid}`;
    const tar = path.join(this.root, 'busybox.tar');
    execFileSync(path.join(REPO, 'scripts/make-busybox-rootfs.sh'), [tar], { stdio: 'inherit' });
    fs.mkdirSync(this.lower);
    execFileSync('tar', ['-xf', tar, '-C', this.lower, '--numeric-owner']);
  }

  /** Write a bundle (config.json + overlay dirs) and return its directory. */
  bundle(opts: ContainerOpts): { dir: string; id: string; cgroupsPath: string; logPath: string } {
    const id = `c${++this.seq}`;
    const dir = path.join(this.root, id);
    for (const d of ['upper', 'work', 'rootfs']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    opts.prepareUpper?.(path.join(dir, 'upper'));
    const cgroupsPath = `/${this.cgroupParent}/${id}`;
    const logPath = path.join(dir, 'json.log');
    const config = {
      ociVersion: '1.0.2',
      process: processSpec(opts),
      root: { path: path.join(dir, 'rootfs'), readonly: opts.readonlyRoot ?? false },
      hostname: opts.hostname ?? id,
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
        { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
        { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
        { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
        { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev', 'relatime'] },
        { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
        { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
        ...(opts.extraMounts ?? []),
      ],
      linux: {
        namespaces: opts.namespaces ?? ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({ type })),
        cgroupsPath,
        resources: opts.resources ?? {},
        ...(opts.seccomp ? { seccomp: opts.seccomp } : {}),
        ...(opts.sysctl ? { sysctl: opts.sysctl } : {}),
        maskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
          '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
          '/sys/devices/virtual/powercap'],
        readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      },
      annotations: {
        'berth.rootfs-overlay': opts.overlay
          ? opts.overlay({ upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), lower: this.lower })
          : `lowerdir=${this.lower},upperdir=${path.join(dir, 'upper')},workdir=${path.join(dir, 'work')}`,
        'berth.log-path': logPath,
        ...processAnnotations(opts),
        ...opts.annotations,
      },
    };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    return { dir, id, cgroupsPath, logPath };
  }

  /** Write <bundle>/exec-N/process.json for `berth-monitor exec`. */
  execDir(bundleDir: string, opts: ProcessOpts): string {
    const dir = path.join(bundleDir, `exec-${++this.seq}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'process.json'),
      JSON.stringify({ ...processSpec(opts), annotations: processAnnotations(opts), ...(opts.privileged ? { privileged: true } : {}) }, null, 2));
    return dir;
  }

  track(pid: number): void {
    this.pids.add(pid);
  }

  /** Kill whatever is still running (by PID), remove cgroups and the temp dir. */
  cleanup(): void {
    for (const pid of this.pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    for (const d of [...cgroupDirs(this.cgroupParent), path.join('/sys/fs/cgroup/unified', this.cgroupParent)]) {
      if (!fs.existsSync(d)) continue;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) try { fs.rmdirSync(path.join(d, e.name)); } catch { /* busy */ }
      }
      try { fs.rmdirSync(d); } catch { /* busy */ }
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Lines of JSON from a stream. */
class LineReader {
  private buf = '';
  private queue: Msg[] = [];
  private waiters: ((m: Msg | null) => void)[] = [];
  private ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding?.('utf8');
    stream.on('data', (d: string | Buffer) => {
      this.buf += d.toString();
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (line.trim()) this.push(JSON.parse(line) as Msg);
      }
    });
    const end = () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  private push(m: Msg) {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.queue.push(m);
  }

  /** Next message, or null at EOF. */
  next(timeoutMs = 10000): Promise<Msg | null> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      this.waiters.push((x) => { clearTimeout(t); resolve(x); });
    });
  }
}

/** A berth-monitor process and its fd-3 channel. */
export class MonitorProc {
  readonly child: ChildProcess;
  readonly ctl: net.Socket;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly spawnedAt: bigint;
  stderr = '';
  private reader: LineReader;

  private constructor(args: string[], cmd = MONITOR) {
    this.spawnedAt = process.hrtime.bigint();
    this.child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    this.child.stderr!.on('data', (d) => { this.stderr += d.toString(); });
    this.ctl = this.child.stdio[3] as net.Socket;
    this.reader = new LineReader(this.ctl);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static run(fx: Fixture, bundleDir: string, opts: { unifiedAsV2?: boolean } = {}): MonitorProc {
    const m = opts.unifiedAsV2
      // a private mount namespace where the hybrid host's cgroup2 mount is /sys/fs/cgroup:
      // the monitor then takes its cgroup v2 code path (controllers there: whatever the host gave it)
      ? new MonitorProc(['-m', 'sh', '-c',
        'mount --make-rprivate / && mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$0" "$@"',
        MONITOR, 'run', bundleDir], 'unshare')
      : new MonitorProc(['run', bundleDir]);
    if (m.child.pid) fx.track(m.child.pid);
    return m;
  }

  static exec(fx: Fixture, pid: number, bundleDir: string, execDir: string): MonitorProc {
    const m = new MonitorProc(['exec', '--pid', String(pid), bundleDir, execDir]);
    if (m.child.pid) fx.track(m.child.pid);
    return m;
  }

  next(timeoutMs?: number): Promise<Msg | null> {
    return this.reader.next(timeoutMs);
  }

  start(): void {
    this.ctl.write('{"t":"start"}\n');
  }

  closeCtl(): void {
    this.ctl.destroy();
  }
}

export interface ExitRecord {
  code: number;
  signal: number;
  oom: boolean;
  finishedAt: string;
}

export function readExit(dir: string): ExitRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, 'exit.json'), 'utf8')) as ExitRecord;
}

export interface LogEntry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export function readLog(file: string): LogEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry);
}

export function logText(entries: LogEntry[], stream?: 'stdout' | 'stderr'): string {
  return entries.filter((e) => !stream || e.stream === stream).map((e) => e.log).join('');
}

function connect(sock: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(sock);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** attach.sock client: collects output frames, sends stdin frames. */
export class AttachClient {
  stdout = Buffer.alloc(0);
  stderr = Buffer.alloc(0);
  frames: { stream: number; data: Buffer }[] = [];
  readonly closed: Promise<void>;
  private pending = Buffer.alloc(0);

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 8) {
        const len = this.pending.readUInt32BE(4);
        if (this.pending.length < 8 + len) break;
        const stream = this.pending[0];
        const data = this.pending.subarray(8, 8 + len);
        this.pending = this.pending.subarray(8 + len);
        this.frames.push({ stream, data });
        if (stream === 1) this.stdout = Buffer.concat([this.stdout, data]);
        else if (stream === 2) this.stderr = Buffer.concat([this.stderr, data]);
      }
    });
    this.closed = new Promise((resolve) => { sock.on('close', () => resolve()); sock.on('error', () => resolve()); });
  }

  static async connect(dir: string): Promise<AttachClient> {
    return new AttachClient(await connect(path.join(dir, 'attach.sock')));
  }

  sendStdin(data: string | Buffer): void {
    const b = Buffer.from(data);
    const h = Buffer.alloc(8);
    h.writeUInt32BE(b.length, 4);
    this.sock.write(Buffer.concat([h, b]));
  }

  sendEof(): void {
    this.sock.write(Buffer.alloc(8));
  }
}

/** monitor.sock client. */
export class ControlClient {
  private reader: LineReader;
  private constructor(readonly sock: net.Socket) {
    this.reader = new LineReader(sock);
  }

  static async connect(dir: string): Promise<ControlClient> {
    return new ControlClient(await connect(path.join(dir, 'monitor.sock')));
  }

  next(timeoutMs?: number): Promise<Msg | null> {
    return this.reader.next(timeoutMs);
  }

  send(m: Msg): void {
    this.sock.write(JSON.stringify(m) + '\n');
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface RunResult {
  created: Msg;
  started: Msg | null; // "started", "exec-failed" or "error"
  exit?: ExitRecord;
  log: LogEntry[];
  monitorExit: { code: number | null; signal: NodeJS.Signals | null };
  bundle: ReturnType<Fixture['bundle']>;
  startupMs: number; // spawn → "started"
  createMs: number; // spawn → "created"
  startMs: number; // {"t":"start"} sent → "started"
  stderr: string;
}

/** Create, start and wait for a container; the usual shape of a test. */
export async function runContainer(fx: Fixture, opts: ContainerOpts,
  hooks: {
    beforeStart?: (dir: string) => Promise<void> | void;
    afterStart?: (m: MonitorProc, pid: number, dir: string) => Promise<void> | void;
    unifiedAsV2?: boolean;
  } = {}): Promise<RunResult> {
  const bundle = fx.bundle(opts);
  const m = MonitorProc.run(fx, bundle.dir, { unifiedAsV2: hooks.unifiedAsV2 });
  const created = await m.next();
  if (!created) throw new Error(`monitor closed fd 3 before "created": ${m.stderr}`);
  const createMs = Number(process.hrtime.bigint() - m.spawnedAt) / 1e6;
  let started: Msg | null = null;
  let startupMs = 0;
  let startMs = 0;
  if (created.t === 'created') {
    fx.track(created.pid as number);
    await hooks.beforeStart?.(bundle.dir);
    const t0 = process.hrtime.bigint();
    m.start();
    started = await m.next();
    startupMs = Number(process.hrtime.bigint() - m.spawnedAt) / 1e6;
    startMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (started?.t === 'started') await hooks.afterStart?.(m, created.pid as number, bundle.dir);
  }
  const monitorExit = await m.exited;
  const exitFile = path.join(bundle.dir, 'exit.json');
  return {
    created,
    started,
    exit: fs.existsSync(exitFile) ? readExit(bundle.dir) : undefined,
    log: readLog(bundle.logPath),
    monitorExit,
    bundle,
    startupMs,
    createMs,
    startMs,
    stderr: m.stderr,
  };
}

export function exists(p: string): boolean {
  return fs.existsSync(p);
}

export function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
