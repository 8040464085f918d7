/**
 * ContainerService: the container lifecycle (create, start, stop, kill, restart, rm, wait,
 * attach, resize, logs, pause, update, rename, commit, cp, export, top, stats) over its private
 * store and name registry, the runtime seam (berth-monitor; a fake in the unit tests) and the
 * seams for networking and mounts. Each action logs its Docker event where it happens, and
 * tells the in-process helpers (restart policies, healthchecks, syslog, execs) through the
 * typed `lifecycle` emitter. Exits arrive from each monitor; after a berthd restart
 * `restore()` reconnects to every monitor still running and records the exits that happened
 * meanwhile (exit.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex, Readable, Writable } from 'node:stream';
import { Conflict, InvalidArgument, NotFound, NotModified, SystemError, generateId } from '@berth/shared';
import type { ContainerConfig, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse, ContainerSummary, ContainerWaitResponse, IdResponse, MountPoint } from '@berth/shared/api/types';
import type { PortForward } from '../runtime/monitor.js';
import { SpecError, StartError, type ExitStatus } from '../runtime/protocol.js';
import { monitorRuntime, type ContainerRuntime, type MonitorHandle } from '../runtime/runtime.js';
import { cgroupsPath, renderSpec } from '../runtime/spec.js';
import { parseSignal } from '../runtime/signals.js';
import { log } from '../log.js';
import { ContainerStore } from './store.js';
import { writeAtomicSync } from '../storage/atomic.js';
import { NameRegistry, resolveContainer } from './names.js';
import { defaultHostConfig, mergeConfig, validateHostConfig, type CreateBody } from './create-config.js';
import { sysInfo } from '../system/sysinfo.js';
import { writeContainerFiles } from './files.js';
import { attachToMonitor, parseDetachKeys } from './attach.js';
import { streamLogs, type LogOptions } from './logs.js';
import { noMounts, noNetwork, type MountProvider, type NetworkAttacher } from './seams.js';
import { ZERO_TIME, type ContainerRecord, type HostConfig, type ContainerState, type Ulimit } from './types.js';
import { cgroupOf, setFrozen, thawAfterSignal } from './freezer.js';
import { noEvents, type Actions, type Attributes, type EventSink } from '../events/types.js';
import { assertReadable, logPathFor, withLogDefaults, type LogDefaults } from './logging.js';
import { withDefaultUlimits } from '../config-reload.js';
import { rootfsIdle } from './rootfs.js';
import { TypedEmitter, type Listenable } from '../typed-emitter.js';
import { containerAttrs, type Container, type Lifecycle, type PendingAttach } from './container.js';
import { CgroupFiles } from './cgroup-files.js';
import { applyToCgroup, mergeUpdate, verifyUpdate, type UpdateBody } from './update.js';
import { listContainers, pruneContainers, type ListOptions } from './list.js';
import { inspectView } from './view.js';
import { topContainer, type TopResult } from './top.js';
import { streamStats } from './stats.js';
import { exportContainer, getContainerArchive, putContainerArchive, statContainerPath } from './archive.js';
import { commitContainer, containerChanges, type CommitQuery, type ImageCommitter } from './commit.js';
import type { ImageLookup } from '../images/types.js';
import type { Change } from '../storage/diff.js';
import type { PathStat } from '@berth/shared/file-mode';
import type { ContainerFiles, ContainerLookup, ContainerViewSource, ExecHost, HealthHost, RestartHost, SyslogHost } from './backend.js';
import type { ContainerLayerStore, ContainerLayerPaths } from '../storage/container-layers.js';

export type { Container } from './container.js';

export interface AttachOptions {
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  detachKeys?: string;
}

/** The body of POST /containers/{id}/wait, in Docker's field order. */
export type WaitStatus = Required<ContainerWaitResponse>;

/** What the container side needs from images: lookups for create, and commit. */
export type ContainerImages = ImageLookup & ImageCommitter;

export interface ContainerServiceDeps {
  dataRoot: string;
  execRoot: string;
  images: ContainerImages;
  /** The containers' writable layers on their images' init layers (storage/container-layers.ts). */
  layers: ContainerLayerStore;
  /** Starts and reconnects to containers' monitors (berth-monitor unless a test fakes it). */
  runtime?: ContainerRuntime;
  network?: NetworkAttacher;
  mounts?: MountProvider;
  /** Parent cgroup of every container (daemon.json cgroup-parent); HostConfig.CgroupParent overrides. */
  cgroupParent?: string;
  /** Docker's container events, logged where each action happens. */
  events?: EventSink;
  /** Daemon defaults for HostConfig.LogConfig (daemon.json log-driver/log-opts). */
  logDefaults?: LogDefaults;
  /** daemon.json default-ulimits (reloadable), applied under the container's own at start. */
  defaultUlimits?: () => Record<string, Ulimit>;
}

const now = () => new Date().toISOString().replace(/\.(\d{3})Z$/, (_m, ms) => `.${ms}${String(process.hrtime()[1] % 1000000).padStart(6, '0')}Z`);

function familiarRef(ref: string): string {
  const bare = ref.replace(/^docker\.io\/(library\/)?/, '');
  if (bare.includes('@') || /^(sha256:)?[0-9a-f]{12,64}$/.test(bare)) return bare;
  const slash = bare.lastIndexOf('/');
  return bare.slice(slash + 1).includes(':') ? bare : `${bare}:latest`;
}

export class ContainerService implements ContainerLookup, ContainerViewSource, ExecHost, HealthHost, RestartHost, SyslogHost {
  private readonly store: ContainerStore;
  private readonly layers: ContainerLayerStore;
  private readonly names = new NameRegistry();
  private readonly containers = new Map<string, Container>();
  private readonly network: NetworkAttacher;
  private readonly mounts: MountProvider;
  private readonly runtime: ContainerRuntime;
  private readonly events: EventSink;
  private readonly bus = new TypedEmitter<Lifecycle>();
  /** Restart policies, healthchecks, syslog and execs follow the containers through it. */
  readonly lifecycle: Listenable<Lifecycle> = this.bus;
  /** Set while berthd stops its containers on shutdown: exits then restart nothing. */
  shuttingDown = false;

  constructor(private readonly deps: ContainerServiceDeps) {
    this.store = new ContainerStore(deps.dataRoot, deps.execRoot);
    this.layers = deps.layers;
    this.network = deps.network ?? noNetwork;
    this.mounts = deps.mounts ?? noMounts;
    this.runtime = deps.runtime ?? monitorRuntime;
    this.events = deps.events ?? noEvents;
    fs.mkdirSync(path.join(deps.execRoot, 'seccomp'), { recursive: true, mode: 0o700 });
  }

  /** Log a container event with Docker's attributes (labels, image, name). */
  private log(c: Container, action: Actions['container'], extra?: Attributes): void {
    this.events.emit('container', action, c.rec.Id, containerAttrs(c, extra));
  }

  // ── lookup ────────────────────────────────────────────────────────────────
  get(ref: string): Container {
    if (!ref) throw new NotFound('No such container: ');
    const id = resolveContainer(ref, this.containers.keys(), this.names);
    const c = this.containers.get(id);
    if (!c || c.removed) throw new NotFound(`No such container: ${ref}`);
    return c;
  }

  all(): Container[] { return [...this.containers.values()].filter((c) => !c.removed); }

  counts() {
    const all = this.all();
    const running = all.filter((c) => c.rec.State.Running && !c.rec.State.Paused).length;
    const paused = all.filter((c) => c.rec.State.Paused).length;
    return { total: all.length, running, paused, stopped: all.length - running - paused };
  }

  bundle(c: Container): string { return this.store.bundle(c.rec.Id); }
  layer(c: Container): ContainerLayerPaths { return this.layers.paths(c.rec.Id); }
  hasInitLayer(c: Container): boolean { return this.layers.hasInitLayer(c.rec.Id); }
  mountRootfs(c: Container): Promise<{ target: string; release(): Promise<void> }> { return this.layers.mountRootfs(c.rec.Id); }
  mountsOf(c: Container): MountPoint[] { return this.mounts.inspect(c); }
  volumeNames(c: Container): string[] { return this.mounts.volumeNames(c); }
  networkSettings(c: Container): ReturnType<NetworkAttacher['settings']> { return this.network.settings(c); }
  linkEnv(c: Container): string[] { return this.network.linkEnv?.(c) ?? []; }

  /** Containers whose last state change is not on disk yet (a full disk): id → with the HostConfig. */
  private readonly unsaved = new Map<string, boolean>();
  private retryTimer?: NodeJS.Timeout;

  /**
   * Record a state change that has already happened (an exit, a start, a health result): the
   * in-memory state is the truth, so a write that fails (a full disk, an I/O error) is logged
   * and retried every few seconds and at the next change, never thrown at whoever noticed the
   * change. The previous state stays whole on disk meanwhile (atomic writes).
   */
  persist(c: Container, withHost = false): void {
    if (c.removed) { this.unsaved.delete(c.rec.Id); return; }
    const host = withHost || !!this.unsaved.get(c.rec.Id);
    try {
      this.store.save(c.rec, host ? c.hc : undefined);
      this.unsaved.delete(c.rec.Id);
    } catch (e) {
      if (!this.unsaved.has(c.rec.Id)) log.error('container state not saved, will retry', { id: c.rec.Id, error: String(e) });
      this.unsaved.set(c.rec.Id, host);
      this.retryTimer ??= setInterval(() => this.retryUnsaved(), 5000).unref();
    }
  }

  private retryUnsaved(): void {
    for (const id of [...this.unsaved.keys()]) {
      const c = this.containers.get(id);
      if (c) this.persist(c); else this.unsaved.delete(id);
    }
    if (!this.unsaved.size) { clearInterval(this.retryTimer); this.retryTimer = undefined; }
  }

  private serialize<T>(c: Container, fn: () => Promise<T>): Promise<T> {
    const run = c.lock.then(fn, fn);
    c.lock = run.catch(() => undefined);
    return run;
  }

  // ── create ────────────────────────────────────────────────────────────────
  async create(body: CreateBody, name?: string | null): Promise<ContainerCreateResponse> {
    if (!body.Image) throw new InvalidArgument('Config cannot be empty in order to create a container');
    const hc = defaultHostConfig(withLogDefaults(body.HostConfig, this.deps.logDefaults));
    const warnings = validateHostConfig(hc, sysInfo());
    let image;
    try {
      image = await this.deps.images.get(body.Image);
    } catch (e) {
      if (e instanceof NotFound) throw new NotFound(`No such image: ${familiarRef(body.Image)}`);
      throw e;
    }
    const id = generateId();
    const config = mergeConfig(body, image, id);
    const fullName = name ? this.names.reserve(name, id) : this.names.generate(id);
    const dir = this.store.dir(id);
    let created: Container | undefined;
    try {
      await Promise.all([fs.promises.mkdir(dir, { mode: 0o710 }), this.layers.create(id, image.chainIDs[image.chainIDs.length - 1] ?? null)]);
      const [cmd0, ...rest] = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
      const rec: ContainerRecord = {
        Id: id, Created: now(), Path: cmd0!, Args: rest, Config: config,
        State: { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0,
          ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME },
        Image: image.id, Name: fullName, RestartCount: 0, Driver: 'overlay2', Platform: 'linux', MountLabel: '', ProcessLabel: '',
        AppArmorProfile: '', ResolvConfPath: path.join(dir, 'resolv.conf'), HostnamePath: path.join(dir, 'hostname'),
        HostsPath: path.join(dir, 'hosts'), LogPath: logPathFor(hc, dir, id), HasBeenStartedBefore: false, ExecIDs: [],
      };
      created = this.track(rec, hc);
      const netWarnings = this.network.register?.(created, body.NetworkingConfig).warnings ?? []; // networking: validate --network/--ip/--alias, keep EndpointsConfig
      await this.mounts.create(created);
      writeContainerFiles({ hostname: rec.HostnamePath, hosts: rec.HostsPath, resolv: rec.ResolvConfPath }, config.Hostname, hc.NetworkMode === 'host', hc.ExtraHosts ?? []);
      this.store.save(rec, hc); // a create that cannot be recorded fails (and leaves nothing)
      this.log(created, 'create');
      return { Id: id, Warnings: [...warnings, ...netWarnings] };
    } catch (e) {
      // Undo everything at once: the container dir, its layer dirs, its volumes and endpoint configs.
      if (created) {
        await this.mounts.release(created, true).catch((err) => log.warn('releasing mounts of a failed create', { id, error: String(err) }));
        await this.network.forget?.(created).catch((err) => log.warn('forgetting networks of a failed create', { id, error: String(err) }));
      }
      this.names.release(fullName);
      this.containers.delete(id);
      this.store.removeFiles(id);
      await this.layers.remove(id).catch((err) => log.warn('removing the layers of a failed create', { id, error: String(err) }));
      throw e;
    }
  }

  private track(rec: ContainerRecord, hc: HostConfig): Container {
    const c: Container = { rec, hc, pendingAttach: [], events: new TypedEmitter(), lock: Promise.resolve() };
    this.containers.set(rec.Id, c);
    return c;
  }

  // ── start ─────────────────────────────────────────────────────────────────
  async start(ref: string): Promise<void> {
    const c = this.get(ref);
    return this.serialize(c, () => this.doStart(c, false));
  }

  /** The rootfs berth-monitor mounts: the writable layer's overlay on `merged` (or, with no layer below, the layer itself). */
  private rootfs(c: Container): { path: string; overlay: string } {
    const [m] = this.layers.mounts(c.rec.Id);
    if (m!.type === 'bind') return { path: m!.source, overlay: '' };
    return { path: this.layers.paths(c.rec.Id).merged, overlay: m!.options.join(',') };
  }

  private async doStart(c: Container, byPolicy: boolean): Promise<void> {
    await rootfsIdle(c); // a cp/export on the stopped rootfs's private mount of the same upperdir
    if (c.removed) throw new NotFound(`No such container: ${c.rec.Id}`);
    if (c.rec.State.Running) throw new NotModified('container already started');
    if (c.rec.State.Status === 'removing') throw new Conflict(`cannot start container ${c.rec.Id}: container is marked for removal`);
    const bundle = this.bundle(c);
    fs.rmSync(bundle, { recursive: true, force: true });
    fs.mkdirSync(bundle, { recursive: true, mode: 0o700 });
    let forwards: PortForward[] = [];
    try {
      const net = await this.network.prepare(c);
      forwards = net.forwards ?? [];
      const rootfs = this.rootfs(c);
      const spec = renderSpec({
        record: c.rec, hostConfig: withDefaultUlimits(c.hc, this.deps.defaultUlimits?.()), bundle, rootfs: rootfs.path, overlay: rootfs.overlay,
        netnsPath: net.netnsPath, linkEnv: net.env, extraMounts: await this.mounts.mounts(c), cgroupParent: this.deps.cgroupParent,
        seccompCache: path.join(this.deps.execRoot, 'seccomp'),
      });
      writeAtomicSync(path.join(bundle, 'config.json'), JSON.stringify(spec), { durable: false });
      const pending = c.pendingAttach.splice(0);
      const { pid, monitor } = await this.runtime.run(bundle, {
        forwards,
        logFile: path.join(bundle, 'monitor.log'),
        onCreated: async () => { await Promise.all(pending.map((p) => p.wire(bundle).catch(() => undefined))); },
      });
      c.ctl = monitor;
      Object.assign(c.rec.State, { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
        Pid: pid, ExitCode: 0, Error: '', StartedAt: now() } satisfies Partial<ContainerState>);
      c.rec.HasBeenStartedBefore = true;
      this.log(c, 'start');
      this.bus.emit('start', c, byPolicy);
      this.persist(c);
      this.watch(c, monitor);
      c.events.emit('started');
    } catch (e) {
      await this.network.release(c).catch(() => undefined);
      // dockerd's own failures (networking, the spec) keep their text; the runtime's are wrapped.
      const se = e instanceof StartError ? e : new StartError(125, (e as Error).message);
      Object.assign(c.rec.State, { Status: c.rec.HasBeenStartedBefore ? 'exited' : 'created', Running: false, Pid: 0,
        ExitCode: se.exitCode, Error: se.message } satisfies Partial<ContainerState>);
      if (c.rec.HasBeenStartedBefore) c.rec.State.FinishedAt = now();
      this.persist(c);
      c.events.emit('exit', c.rec.State.ExitCode);
      if (c.hc.AutoRemove) void this.autoRemove(c);
      if (!(e instanceof StartError)) throw e;
      if (e instanceof SpecError) throw new SystemError(e.message, { cause: e });
      // dockerd 20.10 over containerd 1.6 and runc words it so.
      const msg = `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${se.message}: unknown`;
      throw se.exitCode === 126 || se.exitCode === 127 ? new InvalidArgument(msg) : new SystemError(msg);
    } finally {
      // the monitor has its own copies of the published ports' sockets (or never will)
      for (const f of forwards) { try { fs.closeSync(f.fd); } catch { /* closed */ } }
    }
  }

  /** Record the exit the monitor reports; release what the run held. */
  private watch(c: Container, monitor: MonitorHandle): void {
    monitor.onExit((st) => {
      this.onExit(c, st).catch((e) => log.error('recording a container exit failed', { id: c.rec.Id, error: String(e) }));
    });
  }

  private async onExit(c: Container, st: ExitStatus & { lost?: boolean }): Promise<void> {
    c.ctl?.close();
    c.ctl = undefined;
    Object.assign(c.rec.State, { Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: st.code,
      OOMKilled: st.oom, FinishedAt: st.finishedAt || now() } satisfies Partial<ContainerState>);
    if (st.lost) c.rec.State.Error = 'berth-monitor exited unexpectedly';
    if (st.oom) this.log(c, 'oom');
    const ranSeconds = Math.max(0, Math.floor((Date.parse(c.rec.State.FinishedAt) - Date.parse(c.rec.State.StartedAt)) / 1000));
    this.log(c, 'die', { exitCode: String(st.code), execDuration: String(ranSeconds) });
    this.tell('die', c);
    this.persist(c);
    await this.network.release(c).catch((e) => log.warn('network release failed', { id: c.rec.Id, error: String(e) }));
    c.events.emit('exit', st.code);
    this.tell('exit', c);
    if (c.hc.AutoRemove && !c.removed) await this.autoRemove(c);
  }

  /** Tell the lifecycle listeners; one that throws is logged, the exit is recorded regardless. */
  private tell(event: 'die' | 'exit', c: Container): void {
    try {
      this.bus.emit(event, c);
    } catch (e) {
      log.error(`a container ${event} listener failed`, { id: c.rec.Id, error: String(e) });
    }
  }

  private async autoRemove(c: Container): Promise<void> {
    // As moby's auto-remove: anonymous volumes go with the container, named ones stay.
    try { await this.serialize(c, () => this.doRemove(c, true)); } catch (e) { log.warn('auto-remove failed', { id: c.rec.Id, error: String(e) }); }
  }

  // ── stop / kill / restart ─────────────────────────────────────────────────
  private waitExit(c: Container, ms: number): Promise<boolean> {
    if (!c.rec.State.Running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onExit = () => { clearTimeout(timer); resolve(true); };
      const timer = ms < 0 ? undefined : setTimeout(() => { c.events.off('exit', onExit); resolve(false); }, ms);
      c.events.once('exit', onExit);
    });
  }

  private signal(c: Container, sig: number): void {
    this.runtime.signal(c.rec.State.Pid, sig);
    thawAfterSignal(this.bundle(c), c); // a paused container gets the signal once thawed
  }

  /** moby's killWithSignal: the event, the user's intent, then the signal. */
  private killWith(c: Container, sig: number): void {
    this.log(c, 'kill', { signal: String(sig) });
    this.bus.emit('kill', c);
    this.signal(c, sig);
  }

  async stop(ref: string, timeout?: number, signal?: string): Promise<void> {
    const c = this.get(ref);
    return this.serialize(c, () => this.doStop(c, timeout, signal));
  }

  private async doStop(c: Container, timeout?: number, signal?: string): Promise<void> {
    if (c.rec.State.Restarting) {
      c.stopRequested = true;
      this.bus.emit('cancel-restart', c); // restart.ts: no more restarts, exited
      this.log(c, 'stop');
      return;
    }
    if (!c.rec.State.Running) throw new NotModified('container already stopped');
    const sig = parseSignal(signal || c.rec.Config.StopSignal || 'SIGTERM');
    const t = timeout ?? c.rec.Config.StopTimeout ?? 10;
    c.stopRequested = true;
    this.killWith(c, sig);
    if (!(await this.waitExit(c, t < 0 ? -1 : t * 1000))) {
      this.killWith(c, 9);
      await this.waitExit(c, -1);
    }
    this.log(c, 'stop');
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const c = this.get(ref);
    const sig = parseSignal(signal || 'SIGKILL');
    if (!c.rec.State.Running) throw new Conflict(`Cannot kill container: ${ref}: Container ${c.rec.Id} is not running`);
    if (sig === 9) c.stopRequested = true;
    this.killWith(c, sig);
    if (sig === 9) await this.waitExit(c, 10000);
  }

  async restart(ref: string, timeout?: number, signal?: string): Promise<void> {
    const c = this.get(ref);
    await this.serialize(c, async () => {
      if (c.rec.State.Running) await this.doStop(c, timeout, signal);
      await this.doStart(c, false);
      this.log(c, 'restart');
    });
  }

  // ── remove ────────────────────────────────────────────────────────────────
  /**
   * `rm --link`: DELETE /containers/{parent}/{alias}?link=1 drops the parent's legacy link `alias`
   * (HostConfig.Links) and, while the parent runs, its /etc/hosts entry (dockerd's rmLink).
   */
  async removeLink(name: string): Promise<void> {
    const full = `/${name.replace(/^\/+/, '')}`;
    const cut = full.lastIndexOf('/');
    if (cut === 0) {
      this.get(name);
      throw new SystemError('Conflict, cannot remove the default link name of the container');
    }
    const parentRef = full.slice(1, cut);
    const alias = full.slice(cut + 1);
    let parent: Container;
    try { parent = this.get(parentRef); } catch { throw new NotFound(`No such container: ${name}`); }
    const links = parent.hc.Links ?? [];
    const keep = links.filter((l) => (l.split(':')[1] ?? l).split('/').pop() !== alias);
    if (keep.length === links.length) throw new NotFound(`No such container: ${name}`);
    parent.hc.Links = keep.length ? keep : null;
    this.persist(parent, true);
    this.network.refreshHosts?.(parent);
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = this.get(ref);
    const st = c.rec.State;
    // dockerd 20.10's cleanupContainer words (the issue's and the tutorial transcript's)
    if ((st.Running || st.Restarting) && !opts.force) {
      const procedure = 'Stop the container before attempting removal or force remove';
      const state = st.Paused ? 'paused' : st.Restarting ? 'restarting' : 'running';
      throw new Conflict(`You cannot remove a ${state} container ${c.rec.Id}. ${st.Paused ? `Unpause and then ${procedure.toLowerCase()}` : procedure}`);
    }
    await this.serialize(c, async () => {
      if (c.removed) return;
      if (c.rec.State.Running) {
        this.signal(c, 9);
        await this.waitExit(c, 15000);
      }
      await this.doRemove(c, !!opts.volumes);
    });
  }

  private async doRemove(c: Container, volumes: boolean): Promise<void> {
    await rootfsIdle(c);
    if (c.removed) return;
    c.removed = true;
    c.rec.State.Status = 'removing';
    for (const p of c.pendingAttach.splice(0)) p.cancel();
    c.ctl?.close();
    try {
      await this.mounts.release(c, volumes).catch(() => undefined);
      await this.network.forget?.(c).catch(() => undefined); // networking: drop the container's endpoint configs
      this.names.release(c.rec.Name);
      this.store.removeFiles(c.rec.Id);
      await this.layers.remove(c.rec.Id).catch((e) => log.warn('removing container layers', { id: c.rec.Id, error: String(e) }));
      await this.deps.images.released?.(c.rec.Image).catch((e) => log.warn('releasing image layers', { id: c.rec.Id, error: String(e) }));
      removeCgroups(cgroupsPath(c.rec.Id, c.hc.CgroupParent, this.deps.cgroupParent));
    } finally {
      // Whatever failed above, waiters (wait?condition=removed, run --rm) must hear of the removal.
      this.containers.delete(c.rec.Id);
      this.log(c, 'destroy');
      c.events.emit('removed');
      this.bus.emit('removed', c);
    }
  }

  // ── wait ──────────────────────────────────────────────────────────────────
  /**
   * Register a waiter (so the caller can flush headers before start), then resolve with the
   * exit status: at the condition, or at the container's removal, which ends every wait (a
   * created container removed with force never exits). `cancel` (the client went away) ends it
   * with Docker's cancelled status.
   */
  wait(ref: string, condition: string): { result: Promise<WaitStatus>; cancel(): void } {
    const cond = condition || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(cond)) throw new InvalidArgument(`invalid condition: "${condition}"`);
    const c = this.get(ref);
    // Docker's CLI treats a non-null Error as a failed wait (exit 125): start errors are reported by start itself.
    const status = (): WaitStatus => ({ Error: null, StatusCode: c.rec.State.ExitCode });
    let cancel = () => {};
    const result = new Promise<WaitStatus>((resolve) => {
      if (cond === 'not-running' && !c.rec.State.Running) { resolve(status()); return; }
      if (c.removed) { resolve(status()); return; }
      const done = (st: WaitStatus) => { c.events.off('exit', on); c.events.off('removed', on); resolve(st); };
      const on = () => done(status());
      if (cond !== 'removed') c.events.once('exit', on);
      c.events.once('removed', on);
      cancel = () => done({ Error: { Message: 'context canceled' }, StatusCode: -1 });
    });
    return { result, cancel: () => cancel() };
  }

  // ── attach / resize / logs ────────────────────────────────────────────────
  /** Wire a hijacked client to the container's stdio (now, or at start when not yet running). */
  async attach(ref: string, opts: AttachOptions, open: (contentType: string) => Duplex): Promise<void> {
    const c = this.get(ref);
    if (c.rec.State.Status === 'removing') throw new Conflict(`cannot attach to container ${c.rec.Id}: container is marked for removal`);
    const tty = c.rec.Config.Tty;
    const detachKeys = parseDetachKeys(opts.detachKeys);
    const client = open(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    if (opts.logs) {
      await streamLogs(c.rec.LogPath, client, { follow: false, stdout: opts.stdout, stderr: opts.stderr, timestamps: false, tail: 'all', details: false, tty });
    }
    this.log(c, 'attach');
    if (!opts.stream) { client.end(); return; }
    if (client.destroyed) return; // the client left during the logs
    const streams = { client, tty, stdin: opts.stdin && c.rec.Config.OpenStdin, stdout: opts.stdout, stderr: opts.stderr,
      stdinOnce: c.rec.Config.StdinOnce, detachKeys };
    const wire = async (dir: string) => {
      let attached;
      try { attached = await attachToMonitor(path.join(dir, 'attach.sock'), streams); } catch (e) { client.end(); throw e; }
      void attached.done.then((why) => { if (why === 'detach') this.log(c, 'detach'); });
    };
    if (c.rec.State.Running) {
      await wire(this.bundle(c)).catch(() => undefined);
      return;
    }
    // Not running yet: wired when the monitor is created (before the process runs, so no output is lost).
    const pending: PendingAttach = { wire, cancel: () => client.end() };
    c.pendingAttach.push(pending);
    const drop = () => { const i = c.pendingAttach.indexOf(pending); if (i >= 0) c.pendingAttach.splice(i, 1); };
    client.once('close', drop);
    // A container that exits (start failure) or is removed before wiring ends the attach.
    const end = () => { drop(); if (!c.rec.State.Running) client.end(); };
    c.events.once('exit', end);
    c.events.once('removed', end);
    c.events.once('started', () => { c.events.off('exit', end); c.events.off('removed', end); });
  }

  resize(ref: string, h: number, w: number): void {
    const c = this.get(ref);
    if (!c.rec.State.Running || !c.ctl) throw new Conflict(`Container ${c.rec.Id} is not running`);
    c.ctl.resize(h, w);
    this.log(c, 'resize', { height: String(h), width: String(w) });
  }

  /** Stream the log; `start(contentType)` sends the headers once the request is known to be good. */
  async logs(ref: string, opts: Omit<LogOptions, 'tty'>, start: (contentType: string) => Writable, closed: Promise<void>): Promise<void> {
    const c = this.get(ref);
    assertReadable(c.hc); // logging driver none/syslog: Docker's 501
    if (!opts.stdout && !opts.stderr) throw new InvalidArgument('Bad parameters: you must choose at least one stream');
    const out = start(c.rec.Config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    let onStop = () => {};
    const stopped = c.rec.State.Running
      ? new Promise<void>((r) => { onStop = () => r(); c.events.once('exit', onStop); c.events.once('removed', onStop); })
      : Promise.resolve();
    try {
      await streamLogs(c.rec.LogPath, out, { ...opts, tty: c.rec.Config.Tty }, { stopped, closed });
    } finally {
      c.events.off('exit', onStop);
      c.events.off('removed', onStop);
    }
  }

  /** Start for a restart policy (the manual start path resets the policy's count; this one does not). */
  policyStart(c: Container): Promise<void> {
    return this.serialize(c, () => this.doStart(c, true));
  }

  // ── list / inspect / prune ────────────────────────────────────────────────
  list(opts: ListOptions): Promise<ContainerSummary[]> {
    return listContainers(this, this.deps.images, opts);
  }

  async inspect(ref: string, size = false): Promise<ContainerInspect> {
    const c = this.get(ref);
    let imageSize = 0;
    if (size) { try { imageSize = (await this.deps.images.get(c.rec.Image)).size; } catch { /* gone */ } }
    return inspectView(this, c, size, imageSize);
  }

  async prune(filters: Map<string, string[]>): Promise<ContainerPruneResponse> {
    const r = await pruneContainers(this, (id) => this.remove(id, {}), filters);
    this.events.emit('container', 'prune', '', { reclaimed: String(r.SpaceReclaimed) });
    return r;
  }

  // ── pause / update / rename ───────────────────────────────────────────────
  async pause(ref: string): Promise<void> {
    const c = this.get(ref);
    const id = c.rec.Id;
    if (!c.rec.State.Running) throw new Conflict(`Container ${id} is not running`);
    if (c.rec.State.Paused) throw new Conflict(`Container ${id} is already paused`);
    if (c.rec.State.Restarting) throw new Conflict(`Container ${id} is restarting, wait until the container is running`);
    await setFrozen(cgroupOf(this.bundle(c), c), true);
    this.setPaused(c, true);
    this.log(c, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const c = this.get(ref);
    if (!c.rec.State.Paused) throw new Conflict(`Container ${c.rec.Id} is not paused`);
    await setFrozen(cgroupOf(this.bundle(c), c), false);
    this.setPaused(c, false);
    this.log(c, 'unpause');
  }

  private setPaused(c: Container, paused: boolean): void {
    c.rec.State.Paused = paused;
    c.rec.State.Status = paused ? 'paused' : 'running';
    this.persist(c);
  }

  /** Resources and restart policy: written live to a running container's cgroup, persisted in hostconfig.json. */
  update(ref: string, body: UpdateBody): { Warnings: string[] } {
    const warnings = verifyUpdate(body, sysInfo());
    const c = this.get(ref);
    if (c.rec.State.Status === 'removing' || c.removed) throw new Conflict(`Container ${c.rec.Id} is marked for removal and cannot be "update".`);
    const fail = (e: unknown) => new InvalidArgument(`Cannot update container ${c.rec.Id}: ${(e as Error).message}`);
    let changed: Partial<HostConfig>;
    try { changed = mergeUpdate(c.hc, body); } catch (e) { throw fail(e); }
    const next: HostConfig = { ...c.hc, ...changed };
    const cg = c.rec.State.Running ? CgroupFiles.fromBundle(this.bundle(c)) : undefined;
    if (cg) {
      try { applyToCgroup(cg, next, changed); } catch (e) { throw fail(e); }
    }
    c.hc = next;
    this.persist(c, true); // the cgroup already has the new limits
    this.log(c, 'update');
    return { Warnings: warnings };
  }

  rename(ref: string, newName: string | null): void {
    const c = this.get(ref);
    const name = (newName ?? '').replace(/^\//, '');
    if (!name) throw new InvalidArgument('Neither old nor new names may be empty');
    const old = c.rec.Name;
    if (`/${name}` === old) throw new InvalidArgument('Renaming a container with the same name as its current name');
    const full = this.names.reserve(name, c.rec.Id);
    this.names.release(old);
    c.rec.Name = full;
    try {
      this.store.save(c.rec);
    } catch (e) {
      // Not on disk: not renamed.
      c.rec.Name = old;
      this.names.release(full);
      this.names.reserve(old.replace(/^\//, ''), c.rec.Id);
      throw e;
    }
    this.log(c, 'rename', { oldName: old });
  }

  // ── commit / diff / files / top / stats ───────────────────────────────────
  async commit(q: CommitQuery, body: ContainerConfig): Promise<IdResponse> {
    const c = this.get(q.container);
    const r = await commitContainer(this, this.deps.images, c, q, body);
    this.log(c, 'commit', { comment: q.comment ?? '', imageID: r.Id, imageRef: r.ref });
    return { Id: r.Id };
  }

  changes(ref: string): Promise<Change[]> {
    return containerChanges(this, this.get(ref));
  }

  statPath(ref: string, p: string | null): Promise<PathStat> {
    return statContainerPath(this, this.get(ref), ref, p);
  }

  /** GET /containers/{id}/archive: `start(stat)` sends the headers and returns where the tar goes. */
  async getArchive(ref: string, p: string | null, start: (stat: PathStat) => Writable): Promise<void> {
    const c = this.get(ref);
    await getContainerArchive(this, c, ref, p, start);
    this.log(c, 'archive-path');
  }

  async putArchive(ref: string, p: string | null, src: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
    const c = this.get(ref);
    await putContainerArchive(this, c, ref, p, src, opts);
    this.log(c, 'extract-to-dir');
  }

  async export(ref: string, start: () => Writable): Promise<void> {
    const c = this.get(ref);
    await exportContainer(this, c, start);
    this.log(c, 'export');
  }

  async top(ref: string, psArgs: string | null): Promise<TopResult> {
    const r = await topContainer(this, ref, psArgs);
    this.log(this.get(ref), 'top');
    return r;
  }

  /** Stats as JSON lines; `start()` sends the headers once the container is known. */
  async stats(ref: string, opts: { stream: boolean; oneShot: boolean }, start: () => Writable, closed: Promise<void>): Promise<void> {
    const c = this.get(ref);
    await streamStats(this, c, start(), opts, closed);
  }

  // ── restore after a berthd restart ────────────────────────────────────────
  async restore(): Promise<void> {
    const loaded = this.store.loadAll();
    await this.layers.retain(new Set(loaded.map(({ rec }) => rec.Id)));
    await Promise.all(loaded.map(async ({ rec, hc }) => {
      const c = this.track(rec, hc);
      try { this.names.reserve(rec.Name, rec.Id); } catch { rec.Name = this.names.generate(rec.Id); }
      c.rec.ExecIDs = [];
      if (rec.State.Status === 'removing') { await this.doRemove(c, false); return; }
      // A start cut short by a crash left networking (addresses, host ports in the table) behind.
      if (!rec.State.Running) { await this.network.release(c).catch((e) => log.warn('network release failed', { id: rec.Id, error: String(e) })); return; }
      const bundle = this.bundle(c);
      try {
        const monitor = await this.runtime.reconnect(bundle);
        c.ctl = monitor;
        this.watch(c, monitor);
      } catch {
        const st = this.runtime.recordedExit(bundle) ?? { code: 255, signal: null, oom: false, finishedAt: now(), lost: true };
        await this.onExit(c, st);
      }
    }));
  }

  /**
   * dockerd without live-restore stops every running container when it shuts down: the stop
   * signal, then SIGKILL after the container's stop timeout (at most `maxSeconds`), all at once.
   * Not a stop by the user: restart policies bring them back when berthd starts again.
   */
  async stopForShutdown(maxSeconds: number): Promise<void> {
    this.shuttingDown = true;
    const running = [...this.containers.values()].filter((c) => c.rec.State.Running);
    await Promise.all(running.map((c) => this.serialize(c, async () => {
      if (!c.rec.State.Running) return;
      const t = Math.min(c.rec.Config.StopTimeout ?? 10, maxSeconds);
      this.signal(c, parseSignal(c.rec.Config.StopSignal || 'SIGTERM'));
      if (!(await this.waitExit(c, t * 1000))) {
        this.signal(c, 9);
        await this.waitExit(c, 5000);
      }
    }).catch((e) => log.warn('stopping container on shutdown failed', { id: c.rec.Id, error: String(e) }))));
  }

  /** berthd shutdown: drop monitor connections; containers keep running (live restore). */
  shutdown(): void {
    for (const c of this.containers.values()) c.ctl?.close();
  }
}

/** Remove the container's cgroup dirs the monitor may have left (v1 hierarchies and v2); `rel` is linux.cgroupsPath. */
export function removeCgroups(rel: string): void {
  const root = '/sys/fs/cgroup';
  let hiers: string[] = [];
  try { hiers = fs.readdirSync(root); } catch { return; }
  const dirs = fs.existsSync(path.join(root, 'cgroup.controllers')) ? [path.join(root, rel)] : hiers.map((h) => path.join(root, h, rel));
  for (const d of dirs) { try { fs.rmdirSync(d); } catch { /* absent or busy */ } }
}
