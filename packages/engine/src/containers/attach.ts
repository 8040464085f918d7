/**
 * Bridges an attach (or exec) client's hijacked connection to the monitor's attach socket:
 * output frames [stream,0,0,0,len]+payload forwarded as stdcopy (or raw with a TTY), stdin
 * bytes wrapped into stdin frames, the detach key sequence (ctrl-p ctrl-q by default) ends
 * the attach without touching the container, and a client EOF closes stdin with StdinOnce.
 * Output goes at the client's pace: while the client's buffer is full the monitor connection is
 * paused, so the monitor's own backpressure applies (it drops a client stuck for long); a
 * client that goes away closes the monitor connection.
 */
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { connectUnix } from '../runtime/sockpath.js';

export interface AttachStreams {
  client: Duplex;
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Close the container's stdin when this client's stdin ends. */
  stdinOnce: boolean;
  detachKeys: number[];
  /** Awaited before the client's stream is ended on exit (exec: until the exit code is recorded). */
  beforeEnd?: () => Promise<void>;
}

/** Docker's detach key spec: "ctrl-p,ctrl-q", "a,ctrl-@" … */
export function parseDetachKeys(spec: string | undefined | null): number[] {
  if (!spec) return [16, 17];
  return spec.split(',').map((k) => {
    const s = k.trim();
    if (s.length === 1) return s.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(s);
    if (m) {
      const c = m[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 96;
      const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 };
      if (c in special) return special[c]!;
    }
    throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
  });
}

function stdinFrame(data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

/**
 * Connect to `<dir>/attach.sock` and wire the client to it. Resolves with the monitor
 * connection once wired; `done` resolves when the attach ends (exit, detach or client close).
 */
export async function attachToMonitor(sockPath: string, s: AttachStreams): Promise<{ done: Promise<'exit' | 'detach' | 'client'> }> {
  const mon: net.Socket = await connectUnix(sockPath);
  let resolveDone!: (r: 'exit' | 'detach' | 'client') => void;
  const done = new Promise<'exit' | 'detach' | 'client'>((r) => { resolveDone = r; });
  let finished = false;
  const finish = (why: 'exit' | 'detach' | 'client') => {
    if (finished) return;
    finished = true;
    mon.destroy();
    s.client.off('drain', onDrain);
    const end = why === 'exit' && s.beforeEnd ? s.beforeEnd() : Promise.resolve();
    void end.catch(() => undefined).then(() => {
      if (why !== 'client') s.client.end();
      resolveDone(why);
    });
  };

  // monitor → client
  let buf: Buffer = Buffer.alloc(0);
  let waitingForDrain = false;
  const onDrain = () => { waitingForDrain = false; mon.resume(); };
  mon.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      const stream = buf[0]!;
      const whole = buf.subarray(0, 8 + len);
      buf = buf.subarray(8 + len);
      if ((stream === 1 && !s.stdout) || (stream === 2 && !s.stderr)) continue;
      if (!s.client.writable) continue;
      s.client.write(s.tty ? whole.subarray(8) : Buffer.from(whole));
    }
    if (s.client.writableNeedDrain && !waitingForDrain) {
      waitingForDrain = true;
      mon.pause();
      s.client.once('drain', onDrain);
    }
  });
  mon.on('end', () => finish('exit'));
  mon.on('error', () => finish('exit'));
  mon.on('close', () => finish('exit'));

  // client → monitor (stdin), watching for the detach sequence
  if (s.stdin) {
    const keys = s.detachKeys;
    let matched = 0;
    s.client.on('data', (chunk: Buffer) => {
      const out: number[] = [];
      for (const b of chunk) {
        if (keys.length && b === keys[matched]) {
          matched++;
          if (matched === keys.length) {
            if (out.length) mon.write(stdinFrame(Buffer.from(out)));
            finish('detach');
            return;
          }
          continue;
        }
        if (matched) { out.push(...keys.slice(0, matched)); matched = 0; }
        if (keys.length && b === keys[0]) { matched = 1; continue; }
        out.push(b);
      }
      if (out.length) mon.write(stdinFrame(Buffer.from(out)));
    });
    s.client.on('end', () => {
      if (s.stdinOnce && !finished) mon.write(stdinFrame(Buffer.alloc(0)));
    });
  } else {
    s.client.on('data', () => { /* no stdin requested: drain */ });
  }
  s.client.resume();
  s.client.on('close', () => finish('client'));
  s.client.on('error', () => finish('client'));
  if (s.client.destroyed) finish('client'); // gone before it was wired
  return { done };
}
