/**
 * Exec instances (in memory, as Docker keeps them): create, start (berth-monitor in exec mode,
 * joining the container's namespaces and cgroup), resize, inspect. Exits arrive on the exec's
 * own control socket.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Conflict, InvalidArgument, NotFound, frame, StdStream, generateId } from '@berth/shared';
import { launch } from '../runtime/monitor.js';
import { MonitorControl } from '../runtime/control.js';
import { SpecError, StartError, type ExitStatus } from '../runtime/protocol.js';
import { containerCaps } from '../runtime/caps.js';
import { groupAddAnnotation, processEnv, rlimits, seccompFor } from '../runtime/spec.js';
import { writeAtomicSync } from '../storage/atomic.js';
import { attachToMonitor, parseDetachKeys } from './attach.js';
import { containerAttrs, type Container } from './container.js';
import type { ExecHost } from './backend.js';
import { noEvents, type Actions, type Attributes, type EventSink } from '../events/types.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { ExecInspect, IdResponse } from '@berth/shared/api/types';

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  DetachKeys?: string;
  Env?: string[] | null;
  Cmd?: string[];
  User?: string;
  WorkingDir?: string;
  Privileged?: boolean;
  ConsoleSize?: [number, number] | null;
}

interface ExecInstance {
  id: string;
  container: Container;
  config: ExecConfig;
  /** The container's legacy links' variables, as at exec create. */
  linkEnv: string[];
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  ctl?: MonitorControl;
  events: TypedEmitter<{ exit: [] }>;
}

export class ExecService {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly containers: ExecHost, private readonly events: EventSink = noEvents) {
    // Execs of a removed container go with it.
    containers.lifecycle.on('removed', (c) => {
      for (const e of this.execs.values()) if (e.container === c) this.execs.delete(e.id);
    });
  }

  private log(c: Container, action: Actions['container'], extra: Attributes): void {
    this.events.emit('container', action, c.rec.Id, containerAttrs(c, extra));
  }

  create(ref: string, cfg: ExecConfig): IdResponse {
    const c = this.containers.get(ref);
    if (!c.rec.State.Running) throw new Conflict(`container ${c.rec.Id} is not running`);
    // dockerd names the container as the client did here (errExecPaused(name) in daemon/exec.go).
    if (c.rec.State.Paused) throw new Conflict(`Container ${ref} is paused, unpause the container before exec`);
    if (!cfg.Cmd?.length) throw new InvalidArgument('No exec command specified');
    if (cfg.DetachKeys) parseDetachKeys(cfg.DetachKeys);
    const linkEnv = this.containers.linkEnv(c); // dockerd's setupLinkedContainers: fails while a linked container is down
    const id = generateId();
    this.execs.set(id, { id, container: c, config: cfg, linkEnv, running: false, started: false, exitCode: null, pid: 0, events: new TypedEmitter() });
    c.rec.ExecIDs.push(id);
    this.log(c, `exec_create: ${cfg.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  private get(id: string): ExecInstance {
    const e = this.execs.get(id);
    if (!e) throw new NotFound(`No such exec instance: ${id}`);
    return e;
  }

  private processJson(e: ExecInstance): Record<string, unknown> {
    const c = e.container;
    const cfg = e.config;
    const privileged = !!cfg.Privileged || c.hc.Privileged;
    const caps = containerCaps(c.hc.CapAdd ?? [], c.hc.CapDrop ?? [], privileged);
    const annotations: Record<string, string> = {};
    const user = cfg.User || c.rec.Config.User;
    if (user) annotations['berth.user'] = user;
    if (c.hc.GroupAdd?.length) annotations['berth.group-add'] = groupAddAnnotation(c.hc.GroupAdd);
    if (cfg.AttachStdin) { annotations['berth.open-stdin'] = 'true'; annotations['berth.stdin-once'] = 'true'; }
    if (privileged) annotations['berth.privileged'] = 'true';
    const env = processEnv([...c.rec.Config.Env, ...(cfg.Env ?? [])], c.rec.Config.Hostname, !!cfg.Tty, e.linkEnv);
    const out: Record<string, unknown> = {
      terminal: !!cfg.Tty,
      user: { uid: 0, gid: 0 },
      args: cfg.Cmd,
      env,
      cwd: cfg.WorkingDir || c.rec.Config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: rlimits(c.hc.Ulimits ?? []),
      noNewPrivileges: (c.hc.SecurityOpt ?? []).some((o) => /^no-new-privileges(:true|=true)?$/.test(o)),
      annotations,
      privileged,
    };
    if (cfg.Tty && cfg.ConsoleSize && cfg.ConsoleSize[0] > 0) out.consoleSize = { height: cfg.ConsoleSize[0], width: cfg.ConsoleSize[1] };
    const sec = seccompFor({ ...c.hc, Privileged: privileged }, caps);
    if (sec) out.seccomp = sec;
    return out;
  }

  /**
   * Start an exec. With `open` (attached) the client's stream is wired before the process runs;
   * start failures are written to the stream as Docker does; resolves when started (detached)
   * or when the exec's output ends (attached). An attached exec whose client goes away
   * (`signal`) is killed, as dockerd does.
   */
  async start(id: string, opts: { detach: boolean; /** the start body's Tty: how the stream is framed */ tty?: boolean; consoleSize?: [number, number] | null }, open?: (contentType: string) => Duplex, signal?: AbortSignal): Promise<void> {
    const e = this.get(id);
    if (e.started) throw new Conflict(`Error: Exec command ${id} has already run`);
    const c = e.container;
    if (!c.rec.State.Running) throw new Conflict(`container ${c.rec.Id} is not running`);
    e.started = true;
    // The process gets a terminal as the exec was created; the stream is framed as the start
    // body says (moby's postContainerExecStart): raw with Tty, stdcopy frames without. A
    // console size needs a terminal.
    const raw = !!opts.tty;
    if (opts.consoleSize && raw) e.config.ConsoleSize = opts.consoleSize;
    const client = opts.detach ? undefined : open?.(raw ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    const bundle = this.containers.bundle(c);
    const dir = path.join(bundle, 'exec', id);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomicSync(path.join(dir, 'process.json'), JSON.stringify(this.processJson(e)), { durable: false });
    let attachDone: Promise<unknown> = Promise.resolve();
    this.log(c, `exec_start: ${(e.config.Cmd ?? []).join(' ')}`, { execID: id }); // before the process runs, as dockerd logs it
    try {
      const { pid } = await launch({
        args: ['exec', '--pid', String(c.rec.State.Pid), bundle, dir],
        logFile: path.join(dir, 'monitor.log'),
        onCreated: async () => {
          const ctl = await MonitorControl.connect(dir);
          e.ctl = ctl;
          ctl.onExit((st: ExitStatus) => this.onExit(e, st));
          if (client) {
            const a = await attachToMonitor(path.join(dir, 'attach.sock'), {
              client, tty: raw, stdin: !!e.config.AttachStdin, stdout: e.config.AttachStdout !== false, stderr: e.config.AttachStderr !== false,
              stdinOnce: true, detachKeys: parseDetachKeys(e.config.DetachKeys),
              beforeEnd: () => this.exited(e, 3000),
            });
            attachDone = a.done.then((why) => { if (why === 'detach') this.log(c, 'exec_detach', { execID: id }); });
          }
        },
      });
      e.pid = pid;
      e.running = e.exitCode === null;
    } catch (err) {
      e.ctl?.close();
      const se = err instanceof StartError ? err : new StartError(126, (err as Error).message);
      // dockerd 20.10 (the and the tutorial transcript's Docker): any exec start failure
      // leaves ExitCode at 126, a missing binary too (newer moby's setExitCodeFromError gives 127).
      e.exitCode = 126;
      e.running = false;
      fs.rmSync(dir, { recursive: true, force: true });
      const msg = se instanceof SpecError ? se.message : `OCI runtime exec failed: exec failed: unable to start container process: ${se.message}: unknown`;
      if (!client) throw new StartError(126, msg);
      const text = Buffer.from(msg + '\r\n');
      client.end(raw ? text : frame(StdStream.Stdout, text));
      return;
    }
    if (!client || !signal) { await attachDone; return; }
    const kill = () => {
      if (!e.running || !e.pid) return;
      try { process.kill(e.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    if (signal.aborted) kill();
    signal.addEventListener('abort', kill, { once: true });
    try {
      await attachDone;
    } finally {
      signal.removeEventListener('abort', kill);
    }
  }

  private onExit(e: ExecInstance, st: ExitStatus): void {
    e.running = false;
    e.exitCode = st.code;
    e.ctl?.close();
    e.ctl = undefined;
    const dir = path.join(this.containers.bundle(e.container), 'exec', e.id);
    fs.rmSync(dir, { recursive: true, force: true });
    this.log(e.container, 'exec_die', { execID: e.id, exitCode: String(st.code) });
    e.events.emit('exit');
  }

  /** Resolves once the exec's exit is recorded (or after `ms`). */
  private exited(e: ExecInstance, ms: number): Promise<void> {
    if (e.exitCode !== null && !e.running) return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      e.events.once('exit', () => { clearTimeout(t); r(); });
    });
  }

  resize(id: string, h: number, w: number): void {
    const e = this.get(id);
    if (!e.running || !e.ctl) throw new Conflict(`Exec ${id} is not running`);
    e.ctl.resize(h, w);
  }

  inspect(id: string): ExecInspect {
    const e = this.get(id);
    const [entrypoint, ...args] = e.config.Cmd ?? [];
    return {
      ID: e.id, Running: e.running, ExitCode: e.exitCode, ProcessConfig: {
        tty: !!e.config.Tty, entrypoint, arguments: args, privileged: !!e.config.Privileged,
        ...(e.config.User ? { user: e.config.User } : {}),
      },
      OpenStdin: !!e.config.AttachStdin, OpenStderr: !!e.config.AttachStderr, OpenStdout: !!e.config.AttachStdout,
      CanRemove: false, ContainerID: e.container.rec.Id, DetachKeys: e.config.DetachKeys ?? '', Pid: e.pid,
    };
  }
}
