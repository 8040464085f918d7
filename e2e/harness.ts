/**
 * e2e harness: a real berthd as root with its own data root, exec root and socket in a temp
 * dir, inside its own network namespace (so bridges and iptables rules live and die with the
 * test), plus helpers that run `berth` and the real docker CLI against it. Teardown happens on
 * success and failure: containers removed through the API, the daemon stopped by PID, leftover
 * processes in the namespace killed by PID, mounts under the temp dir unmounted, the netns deleted.
 * A daemon that logged berthd's last-resort marker (an error no request path handled) fails
 * its test file at teardown, even when every test passed.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';

export const repo = process.env.BERTH_REPO ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const berthBin = path.join(repo, 'packages/cli/bin/berth');
export const berthdBin = path.join(repo, 'packages/engine/bin/berthd');
export const dockerBin = '/usr/local/bin/docker';

export interface RunResult { code: number; stdout: string; stderr: string }

export interface DaemonOptions {
  /** Extra berthd flags. */
  args?: string[];
  /** daemon.json contents. */
  config?: Record<string, unknown>;
  /** Extra environment of the berthd process. */
  env?: Record<string, string>;
  /** Put the data root on a tmpfs of this size (`8m`): full-disk tests. Unmounted at teardown. */
  dataRootSize?: string;
}

/** What berthd logs for an error that no request path handled (main.ts). */
export const UNHANDLED_MARKER = 'unhandled error:';

export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly host: string;
  readonly netns: string;
  proc?: ChildProcess;
  log = '';
  private readonly opts: DaemonOptions;

  constructor(opts: DaemonOptions = {}) {
    this.opts = opts;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-'));
    this.socket = path.join(this.dir, 'berth.sock');
    this.host = `unix://${this.socket}`;
    // Always in a network namespace of its own: berthd creates its bridge and iptables chains
    // at start, and those must never land in the host's namespace.
    this.netns = `berth-e2e-${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', this.netns]);
    execFileSync('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
    this.cgroupParent = `berth-e2e-${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(path.join(this.dir, 'daemon.json'), JSON.stringify({ 'cgroup-parent': this.cgroupParent, ...opts.config }));
    if (opts.dataRootSize) {
      fs.mkdirSync(this.dataRoot);
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${opts.dataRootSize},mode=0710`, 'berth-e2e-data', this.dataRoot]);
    }
  }

  /** Every container of this daemon lives under this cgroup: teardown kills what is left there. */
  readonly cgroupParent: string;

  get dataRoot() { return path.join(this.dir, 'data'); }
  get execRoot() { return path.join(this.dir, 'exec'); }
  get pidfile() { return path.join(this.dir, 'berthd.pid'); }

  /** Run a command inside the daemon's network namespace. */
  nsArgv(argv: string[]): string[] {
    return ['nsenter', `--net=/run/netns/${this.netns}`, '--', ...argv];
  }

  async start(): Promise<void> {
    const argv = this.nsArgv([process.execPath, berthdBin, '-H', this.host, '--data-root', this.dataRoot,
      '--exec-root', this.execRoot, '--pidfile', this.pidfile, '--config-file', path.join(this.dir, 'daemon.json'),
      ...(this.opts.args ?? [])]);
    this.proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.opts.env } });
    this.proc.stdout!.on('data', (c) => { this.log += c; });
    this.proc.stderr!.on('data', (c) => { this.log += c; });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`berthd exited with ${this.proc.exitCode}:\n${this.log}`);
      if (await ping(this.socket)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`berthd did not answer /_ping within 15 s:\n${this.log}`);
  }

  /** Stop berthd with SIGTERM (SIGKILL after 30 s) and wait for it. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill(signal);
    // dockerd's shutdown-timeout is 15 s: berthd may take that long to stop its containers.
    const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  berth(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; timeout?: number } = {}): RunResult {
    return runSync(process.execPath, [berthBin, '-H', this.host, ...args], {
      ...opts, env: { BERTH_CONFIG: path.join(this.dir, 'berth-config'), ...opts.env },
    });
  }

  docker(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; timeout?: number } = {}): RunResult {
    return runSync(dockerBin, ['-H', this.host, ...args], {
      ...opts, env: { DOCKER_CONFIG: path.join(this.dir, 'docker-config'), ...opts.env },
    });
  }

  /** Run a command in the daemon's network namespace (curl/wget against published ports). */
  inNetns(argv: string[], opts: { input?: string; timeout?: number } = {}): RunResult {
    const full = this.nsArgv(argv);
    return runSync(full[0]!, full.slice(1), opts);
  }

  /** Lines of the daemon's log that carry the last-resort marker. */
  unhandledErrors(): string[] {
    return this.log.split('\n').filter((l) => l.includes(UNHANDLED_MARKER));
  }

  async teardown(): Promise<void> {
    // Remove containers through the API while the daemon still runs.
    if (this.proc && this.proc.exitCode === null) {
      const ids = this.berth(['ps', '-aq']).stdout.split('\n').filter(Boolean);
      if (ids.length) this.berth(['rm', '-f', ...ids], { timeout: 60000 });
    }
    await this.stop();
    // Anything still alive in our namespace was started by this daemon: kill it by PID.
    {
      const pids = spawnSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const pid of pids) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    }
    killCgroupTree(this.cgroupParent);
    unmountUnder(this.dir);
    spawnSync('ip', ['netns', 'del', this.netns]);
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    const missed = this.unhandledErrors();
    if (missed.length) throw new Error(`berthd logged errors no request path handled:\n${missed.join('\n')}`);
  }
}

/** Kill every process under a cgroup name in each hierarchy (v1 controllers and v2), then remove the dirs. */
export function killCgroupTree(name: string): void {
  const roots = fs.existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? ['/sys/fs/cgroup']
    : fs.readdirSync('/sys/fs/cgroup').map((c) => path.join('/sys/fs/cgroup', c)).filter((c) => c !== '/sys/fs/cgroup/unified');
  const dirs: string[] = [];
  const walk = (dir: string) => {
    dirs.push(dir);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  for (const root of roots) {
    const top = path.join(root, name);
    if (fs.existsSync(top)) walk(top);
  }
  for (let round = 0; round < 50; round++) {
    let alive = 0;
    for (const dir of dirs) {
      let procs: string[] = [];
      try { procs = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean); } catch { continue; }
      for (const pid of procs) { alive++; try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    }
    if (!alive) break;
    spawnSync('sleep', ['0.05']);
  }
  for (const dir of dirs.sort((a, b) => b.length - a.length)) { try { fs.rmdirSync(dir); } catch { /* busy or gone */ } }
}

export function unmountUnder(dir: string): void {
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

export function runSync(cmd: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; timeout?: number } = {}): RunResult {
  const r = spawnSync(cmd, args, {
    input: opts.input, encoding: 'utf8', timeout: opts.timeout ?? 60000, maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...opts.env },
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { code: -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}\n[timed out after ${opts.timeout ?? 60000} ms]` };
  }
  return { code: r.status ?? (r.signal ? 128 : -1), stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:http').then(({ request }) => {
      const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => { req.destroy(); resolve(false); });
      req.end();
    });
  });
}

// Daemons started through useDaemon are torn down when the test file ends, whatever happens.
// Registered at import, on the file's root: an after() called inside a before() hook would run
// right after that hook.
const live = new Set<TestDaemon>();
after(async () => {
  const errors: unknown[] = [];
  for (const d of live) await d.teardown().catch((e: unknown) => errors.push(e));
  if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(String).join('\n'));
});

/** A started daemon for one test file (call it from before() or at top level). */
export async function useDaemon(opts: DaemonOptions = {}): Promise<TestDaemon> {
  const d = new TestDaemon(opts);
  live.add(d);
  await d.start();
  return d;
}
