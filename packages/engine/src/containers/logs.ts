/**
 * Reads a container's json-file log (written by berth-monitor: {"log","stream","time"} lines)
 * for GET /containers/{id}/logs and attach?logs=1: stdout/stderr selection, since/until,
 * tail, timestamps, details, stdcopy framing without a TTY, and follow until the container stops.
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { frame, StdStream } from '@berth/shared';
import { readRotated } from './logging.js';

export interface LogOptions {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Unix time "sec[.nanos]" (as the API sends it); 0/undefined = no bound. */
  since?: string;
  until?: string;
  timestamps: boolean;
  tail: number | 'all';
  details: boolean;
  tty: boolean;
}

interface Entry { log: string; stream: string; time: string; attrs?: Record<string, string> }

/** "2024-05-01T10:00:00.5Z" → nanoseconds since the epoch. */
export function timeNanos(t: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return 0n;
  const secs = BigInt(Math.floor(Date.parse(m[1] + m[3]) / 1000));
  const frac = BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
  return secs * 1_000_000_000n + frac;
}

/** The API's "sec.nanos" → nanoseconds. */
export function unixNanos(s: string | undefined): bigint {
  if (!s) return 0n;
  const [sec = '0', frac = ''] = s.split('.');
  return BigInt(sec || '0') * 1_000_000_000n + BigInt((frac.padEnd(9, '0').slice(0, 9)) || '0');
}

/** Docker's RFC3339NanoFixed: always nine fraction digits. */
export function fixedTime(t: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}`;
}

export class LogWriter {
  private readonly since: bigint;
  private readonly until: bigint;
  constructor(private readonly out: Writable, private readonly opts: LogOptions) {
    this.since = unixNanos(opts.since);
    this.until = unixNanos(opts.until);
  }

  /** Write one entry if it passes the filters; returns false once past `until`. */
  write(e: Entry): boolean {
    const t = timeNanos(e.time);
    if (this.until > 0n && t > this.until) return false;
    if (this.since > 0n && t < this.since) return true;
    const isErr = e.stream === 'stderr';
    if (isErr ? !this.opts.stderr : !this.opts.stdout) return true;
    let text = e.log;
    if (this.opts.details && e.attrs && Object.keys(e.attrs).length) {
      text = Object.entries(e.attrs).map(([k, v]) => `${k}=${v}`).join(',') + ' ' + text;
    }
    if (this.opts.timestamps) text = `${fixedTime(e.time)} ${text}`;
    const buf = Buffer.from(text, 'utf8');
    this.out.write(this.opts.tty ? buf : frame(isErr ? StdStream.Stderr : StdStream.Stdout, buf));
    return true;
  }
}

function parseLines(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try { out.push(JSON.parse(line) as Entry); } catch { /* torn line */ }
  }
  return out;
}

export interface Follow {
  /** Resolves when the container stops (or is already stopped). */
  stopped: Promise<void>;
  /** Resolves when the client goes away. */
  closed: Promise<void>;
}

/** Write the log as asked; with `follow`, keep writing new lines until stopped or closed. */
export async function streamLogs(logPath: string, out: Writable, opts: LogOptions, follow?: Follow): Promise<void> {
  const w = new LogWriter(out, opts);
  let offset = 0;
  let pending = '';
  const readNew = (): Entry[] => {
    let fd: number;
    try { fd = fs.openSync(logPath, 'r'); } catch { return []; }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) { offset = 0; pending = ''; }
      if (size === offset) return [];
      const buf = Buffer.alloc(size - offset);
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = pending + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      pending = cut >= 0 ? text.slice(cut + 1) : text;
      return parseLines(cut >= 0 ? text.slice(0, cut) : '');
    } finally {
      fs.closeSync(fd);
    }
  };
  let entries = [...parseLines(readRotated(logPath)), ...readNew()]; // rotated files first (logging.ts)
  if (opts.tail !== 'all') entries = opts.tail <= 0 ? [] : entries.slice(-opts.tail);
  for (const e of entries) if (!w.write(e)) return;
  if (!opts.follow || !follow) return;

  let watcher: fs.FSWatcher | undefined;
  let wake: (() => void) | undefined;
  try { watcher = fs.watch(logPath, () => wake?.()); } catch { /* file not yet there: rely on stop */ }
  let done = false;
  void follow.stopped.then(() => { done = true; wake?.(); });
  void follow.closed.then(() => { done = true; wake?.(); });
  try {
    for (;;) {
      for (const e of readNew()) if (!w.write(e)) return;
      if (done) { for (const e of readNew()) w.write(e); return; }
      await new Promise<void>((r) => { wake = r; });
    }
  } finally {
    watcher?.close();
  }
}
