/**
 * The build's intermediate containers, through ContainerService: created from the step's
 * parent image with the step's config ("Running in …"), started for RUN with the output
 * streamed back, their upperdir committed as the layer, and removed ("Removing intermediate
 * container …"). A container that fails is removed as well, so a failed build leaves none.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { FrameDecoder } from '@berth/shared';
import { INIT_PATHS } from '../storage/diff.js';
import type { ContainerService } from '../containers/service.js';

/** What a build does with containers. */
export type BuildContainers = Pick<ContainerService, 'create' | 'attach' | 'wait' | 'start' | 'kill' | 'remove' | 'get' | 'layer'>;
import type { ContainerConfigSpec } from '../images/types.js';

export interface StepHost {
  NetworkMode: string;
  ExtraHosts?: string[];
  Memory?: number;
  MemorySwap?: number;
  CpusetCpus?: string;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  ShmSize?: number;
  CgroupParent?: string;
}

export class StepContainers {
  constructor(private readonly containers: BuildContainers) {}

  async create(image: string, cfg: ContainerConfigSpec, cmd: string[], env: string[], host: StepHost): Promise<string> {
    const { Id } = await this.containers.create({
      Image: image,
      Cmd: cmd,
      Entrypoint: [''],
      Env: env,
      WorkingDir: cfg.WorkingDir ?? '',
      User: cfg.User ?? '',
      Labels: {},
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { ...host, NetworkMode: host.NetworkMode || 'bridge', AutoRemove: false },
    });
    return Id;
  }

  /**
   * The stopped container's upperdir, ready to become the step's layer: the runtime's
   * mountpoints (/etc/hosts, /dev, …) removed with the directories copied up only to hold them,
   * as if they had lived in Docker's init layer.
   */
  async upperDir(id: string): Promise<string> {
    const c = this.containers.get(id);
    const upper = this.containers.layer(c).diff;
    const lowers = c.rec.LowerDirs;
    const parents = new Set<string>();
    for (const p of INIT_PATHS) {
      await fs.promises.rm(path.join(upper, p), { recursive: true, force: true });
      for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) parents.add(d);
    }
    for (const d of [...parents].sort().reverse()) await dropCopiedUpDir(upper, lowers, d);
    return upper;
  }

  /** Start the container and stream its output; resolves with the exit code. `signal` kills it. */
  async run(id: string, onOutput: (chunk: Buffer) => void, signal?: AbortSignal): Promise<number> {
    const decoder = new FrameDecoder();
    decoder.on('data', (f: { payload: Buffer }) => onOutput(Buffer.from(f.payload)));
    let outputDone!: () => void;
    const finished = new Promise<void>((r) => { outputDone = r; });
    const client = new Duplex({
      read() {},
      write(chunk: Buffer, _e, cb) { decoder.write(chunk); cb(); },
      final(cb) { outputDone(); cb(); },
    });
    client.on('close', () => outputDone());
    await this.containers.attach(id, { stream: true, stdin: false, stdout: true, stderr: true, logs: false }, () => client);
    const waiter = this.containers.wait(id, 'next-exit');
    try {
      await this.containers.start(id);
    } catch (e) {
      waiter.cancel();
      client.destroy();
      throw e;
    }
    const kill = () => { this.containers.kill(id, 'SIGKILL').catch(() => undefined); };
    signal?.addEventListener('abort', kill, { once: true });
    if (signal?.aborted) kill();
    try {
      const { StatusCode } = await waiter.result;
      await Promise.race([finished, new Promise((r) => setTimeout(r, 2000))]);
      return StatusCode;
    } finally {
      signal?.removeEventListener('abort', kill);
    }
  }

  async remove(id: string): Promise<void> {
    await this.containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
  }
}

const run = promisify(execFile);

/** Remove `dir` from the upperdir when it is empty there and only a copy-up of the same dir below. */
async function dropCopiedUpDir(upper: string, lowers: string[], dir: string): Promise<void> {
  const u = path.join(upper, dir);
  let st: fs.Stats;
  try { st = await fs.promises.lstat(u); } catch { return; }
  if (!st.isDirectory() || (await fs.promises.readdir(u)).length) return;
  const low = lowers.map((l) => { try { return fs.lstatSync(path.join(l, dir)); } catch { return undefined; } }).find(Boolean);
  if (!low?.isDirectory() || low.mode !== st.mode || low.uid !== st.uid || low.gid !== st.gid) return;
  const opaque = await run('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', u]).then((r) => r.stdout.trim() === 'y', () => false);
  if (!opaque) await fs.promises.rmdir(u);
}
