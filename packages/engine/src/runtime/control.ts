/**
 * A connection to a monitor's control socket (monitor.sock): learns the init's pid and its
 * exit without polling, and sends resize / close-stdin. Also reads exit.json for exits that
 * happened while nobody listened.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type net from 'node:net';
import { connectUnix } from './sockpath.js';
import { lineReader, type ExitStatus, type ControlMsg } from './protocol.js';

export class MonitorControl extends EventEmitter {
  /** The exit, once known (kept so a late `onExit` still hears it). */
  exitStatus?: ExitStatus;

  private constructor(private readonly sock: net.Socket, readonly dir: string) {
    super();
    const exit = (st: ExitStatus) => {
      if (this.exitStatus) return;
      this.exitStatus = st;
      this.emit('exit', st);
    };
    sock.on('data', lineReader((m) => {
      if (m.t === 'running') this.emit('running', m.pid);
      else if (m.t === 'exit') exit({ code: m.code, signal: m.signal ?? null, oom: !!m.oom, finishedAt: m.finishedAt });
    }));
    sock.on('error', () => { /* close follows */ });
    sock.on('close', () => {
      // The monitor went away without telling us: exit.json is the record, if it wrote one.
      if (!this.closedByUs) exit(readExitFile(dir) ?? { code: 255, signal: null, oom: false, finishedAt: new Date().toISOString(), lost: true } as ExitStatus);
      this.emit('close');
    });
  }

  private closedByUs = false;

  /** Call `cb` once with the exit status, now if it is already known. */
  onExit(cb: (st: ExitStatus) => void): void {
    if (this.exitStatus) cb(this.exitStatus);
    else this.once('exit', cb);
  }

  /** Connect to `<dir>/monitor.sock`; fails when the monitor is gone. */
  static async connect(dir: string): Promise<MonitorControl> {
    const sock = await connectUnix(path.join(dir, 'monitor.sock'));
    return new MonitorControl(sock, dir);
  }

  send(msg: ControlMsg): void { if (!this.sock.destroyed) this.sock.write(JSON.stringify(msg) + '\n'); }
  resize(h: number, w: number): void { this.send({ t: 'resize', h, w }); }
  closeStdin(): void { this.send({ t: 'close-stdin' }); }
  /** Drop the connection without inventing an exit (the container keeps running). */
  close(): void { this.closedByUs = true; this.removeAllListeners('exit'); this.sock.destroy(); }
}

export function readExitFile(dir: string): ExitStatus | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, 'exit.json'), 'utf8'));
    return { code: Number(j.code ?? j.exitCode ?? 255), signal: j.signal ?? null, oom: !!j.oom, finishedAt: j.finishedAt ?? new Date().toISOString() };
  } catch {
    return undefined;
  }
}
