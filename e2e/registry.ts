/**
 * A local distribution registry for e2e tests: Debian's `docker-registry` (CNCF distribution v2)
 * with filesystem storage in a temp dir, listening on 127.0.0.1 inside the daemon's network
 * namespace (berthd runs there), optionally behind htpasswd basic auth. Started and stopped by PID.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { TestDaemon, RunResult } from './harness.js';

export interface RegistryOptions {
  /** htpasswd basic auth with this user. */
  auth?: { username: string; password: string };
  /** Listen on this port (default: a random one). */
  port?: number;
}

export class TestRegistry {
  readonly dir: string;
  readonly port: number;
  proc?: ChildProcess;
  log = '';

  constructor(readonly daemon: TestDaemon, readonly opts: RegistryOptions = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
    // A fresh network namespace: any port is free there; outside one a clash only fails the start.
    this.port = opts.port ?? 20000 + Math.floor(Math.random() * 30000);
  }

  /** `127.0.0.1:<port>`: the registry part of image names. */
  get host(): string { return `127.0.0.1:${this.port}`; }

  async start(): Promise<void> {
    const lines = [
      'version: 0.1',
      'log:', '  level: warn', '  accesslog:', '    disabled: true',
      'storage:', '  filesystem:', `    rootdirectory: ${path.join(this.dir, 'data')}`, '  delete:', '    enabled: true',
      'http:', `  addr: ${this.host}`,
    ];
    if (this.opts.auth) {
      const entry = execFileSync('htpasswd', ['-Bbn', this.opts.auth.username, this.opts.auth.password], { encoding: 'utf8' });
      fs.writeFileSync(path.join(this.dir, 'htpasswd'), entry.trim() + '\n');
      lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${path.join(this.dir, 'htpasswd')}`);
    }
    fs.writeFileSync(path.join(this.dir, 'config.yml'), lines.join('\n') + '\n');
    const argv = this.daemon.nsArgv(['docker-registry', 'serve', path.join(this.dir, 'config.yml')]);
    this.proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (c) => { this.log += c; });
    this.proc.stderr!.on('data', (c) => { this.log += c; });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`docker-registry exited with ${this.proc.exitCode}:\n${this.log}`);
      const r = this.curl(['-o', '/dev/null', '-w', '%{http_code}', `http://${this.host}/v2/`]);
      if (r.stdout === '200' || r.stdout === '401') return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`docker-registry did not answer within 15 s:\n${this.log}`);
  }

  /** curl inside the daemon's namespace (with the registry's credentials when it has auth). */
  curl(args: string[]): RunResult {
    const auth = this.opts.auth ? ['-u', `${this.opts.auth.username}:${this.opts.auth.password}`] : [];
    return this.daemon.inNetns(['curl', '-sS', ...auth, ...args], { timeout: 30000 });
  }

  /** Docker-Content-Digest of a manifest as the registry reports it. */
  manifestDigest(repo: string, tag: string): string {
    const r = this.curl(['-I', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json',
      `http://${this.host}/v2/${repo}/manifests/${tag}`]);
    const m = /^docker-content-digest:\s*(\S+)/im.exec(r.stdout);
    if (!m) throw new Error(`no Docker-Content-Digest for ${repo}:${tag}: ${r.stdout}${r.stderr}`);
    return m[1]!;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Registries stopped after the test file whatever happens. Call at module scope: node:test binds
 * an `after` registered inside a `before` hook (past its first await) to that hook, not the file.
 */
export function registryPool(): { start(d: TestDaemon, opts?: RegistryOptions): Promise<TestRegistry> } {
  const started: TestRegistry[] = [];
  after(async () => { for (const r of started) await r.stop(); });
  return {
    async start(d, opts = {}) {
      const r = new TestRegistry(d, opts);
      started.push(r);
      await r.start();
      return r;
    },
  };
}
