/**
 * Spawns berth-monitor (run or exec mode) and speaks the fd-3 handshake:
 * created → (caller connects attach/control clients) → start → started | exec-failed | error.
 * After the handshake the monitor lives on detached; exits arrive on its control socket.
 * Published ports' host sockets go along as fds 4, 5, … with `--forward N=IP:PORT`: the
 * monitor serves them until the container exits.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { lineReader, SpecError, StartError, type MonitorMsg } from './protocol.js';

let binary: string | undefined;
/** packages/engine/native/build/berth-monitor, from dist/ or src/ alike; BERTH_MONITOR overrides. */
export function monitorBinary(): string {
  if (binary) return binary;
  if (process.env.BERTH_MONITOR) return (binary = process.env.BERTH_MONITOR);
  return (binary = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../native/build/berth-monitor'));
}

/** A bound host socket (TCP listening or UDP) and the container address it forwards to (`ip:port`, `[ip6]:port`). */
export interface PortForward { fd: number; target: string }

/** The first fd the monitor finds forwards at (0-2 stdio, 3 the handshake). */
const FIRST_FORWARD_FD = 4;

export interface LaunchOptions {
  args: string[];
  /** Host sockets for the monitor to serve; the caller keeps (and closes) its copies. */
  forwards?: PortForward[];
  /** Where the monitor's own stderr goes (diagnostics). */
  logFile: string;
  /** Called once the process exists and the sockets listen, before it is told to start. */
  onCreated(pid: number): Promise<void>;
}

export function launch(opts: LaunchOptions): Promise<{ pid: number }> {
  return new Promise((resolve, reject) => {
    const errFd = fs.openSync(opts.logFile, 'a');
    let child;
    try {
      const forwards = opts.forwards ?? [];
      const args = [...opts.args, ...forwards.flatMap((f, i) => ['--forward', `${FIRST_FORWARD_FD + i}=${f.target}`])];
      child = spawn(monitorBinary(), args, { detached: true, stdio: ['ignore', 'ignore', errFd, 'pipe', ...forwards.map((f) => f.fd)] });
    } finally {
      fs.closeSync(errFd);
    }
    const chan = child.stdio[3] as Duplex;
    let pid = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      chan.destroy();
      child.unref();
      if (err) reject(err); else resolve({ pid });
    };
    child.once('error', (e) => finish(new StartError(125, e.message)));
    chan.on('error', () => { /* reported through close */ });
    chan.on('close', () => {
      if (settled) return;
      let detail = '';
      try { detail = fs.readFileSync(opts.logFile, 'utf8').trim().split('\n').pop() ?? ''; } catch { /* none */ }
      finish(new StartError(125, `berth-monitor exited before the container started${detail ? `: ${detail}` : ''}`));
    });
    chan.on('data', lineReader((m: MonitorMsg) => {
      switch (m.t) {
        case 'created':
          pid = m.pid;
          opts.onCreated(m.pid).then(
            () => chan.write('{"t":"start"}\n'),
            (e) => { try { process.kill(m.pid, 'SIGKILL'); } catch { /* gone */ } finish(e as Error); },
          );
          break;
        case 'started': finish(); break;
        case 'exec-failed':
        case 'error': finish(new StartError(m.code, m.msg)); break;
        case 'spec-error': finish(new SpecError(m.msg)); break;
      }
    }));
  });
}
