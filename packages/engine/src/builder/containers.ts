/**
 * The build's intermediate containers, through ContainerService: created from the step's
 * parent image with the step's config ("Running in …"), started for RUN with the output
 * streamed back, their upperdir committed as the layer, and removed ("Removing intermediate
 * container …"). A container that fails is removed as well, so a failed build leaves none.
 */
import { Duplex } from 'node:stream';
import { FrameDecoder, StdStream } from '@berth/shared';
import type { ContainerService } from '../containers/service.js';
import type { ContainerConfigSpec } from '../images/types.js';

/** What a build does with containers. */
export type BuildContainers = Pick<ContainerService, 'create' | 'attach' | 'wait' | 'start' | 'kill' | 'remove' | 'get' | 'layer'>;

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
   * The stopped container's upperdir, to become the step's layer: only the step's changes (the
   * runtime's mountpoints, /etc/hosts and the like, are in its init layer below).
   */
  upperDir(id: string): string {
    return this.containers.layer(this.containers.get(id)).upper;
  }

  /** Start the container and stream its output (each chunk with its stream); resolves with the exit code. `signal` kills it. */
  async run(id: string, onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void, signal?: AbortSignal): Promise<number> {
    const decoder = new FrameDecoder();
    decoder.on('data', (f: { stream: StdStream; payload: Buffer }) => onOutput(Buffer.from(f.payload), f.stream === StdStream.Stderr ? 'stderr' : 'stdout'));
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
