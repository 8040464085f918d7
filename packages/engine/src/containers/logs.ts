/**
 * Reads a container's json-file log (written by berth-monitor: {"log","stream","time"} lines)
 * for GET /containers/{id}/logs and attach?logs=1: stdout/stderr selection, since/until,
 * tail, timestamps, details, stdcopy framing without a TTY, and follow until the container stops.
 * The file is read a few MB at a time and written at the pace the client reads (a client that
 * stops reading holds no more than the socket's buffers); a client that goes away ends it.
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

/** How much of the log file is read at once. */
const READ_CHUNK = 4 * 1024 * 1024;

/** Wait until `out` takes more; true when it is gone (the client went away). */
async function waitWritable(out: Writable): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return true;
  if (!out.writableNeedDrain) return false;
  await new Promise<void>((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); out.off('error', done); resolve(); };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
  return out.destroyed || out.writableEnded;
}

/** Write the log as asked; with `follow`, keep writing new lines until stopped or closed. */
export async function streamLogs(logPath: string, out: Writable, opts: LogOptions, follow?: Follow): Promise<void> {
  const w = new LogWriter(out, opts);
  let offset = 0;
  let pending = '';
  /** The next lines after `offset` (at most READ_CHUNK bytes of the file); `more` when the file has more. */
  const readNew = (): { entries: Entry[]; more: boolean } => {
    let fd: number;
    try { fd = fs.openSync(logPath, 'r'); } catch { return { entries: [], more: false }; }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) { offset = 0; pending = ''; }
      if (size === offset) return { entries: [], more: false };
      const buf = Buffer.alloc(Math.min(size - offset, READ_CHUNK));
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = pending + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      pending = cut >= 0 ? text.slice(cut + 1) : text;
      return { entries: parseLines(cut >= 0 ? text.slice(0, cut) : ''), more: n > 0 && offset < size };
    } finally {
      fs.closeSync(fd);
    }
  };
  /** Write one entry; true when the stream is over (past `until`, or the client is gone). */
  const emit = async (e: Entry): Promise<boolean> => !w.write(e) || await waitWritable(out);
  /** Everything the file has now; true when the stream is over. */
  const drain = async (): Promise<boolean> => {
    for (let r = readNew(); ; r = readNew()) {
      for (const e of r.entries) if (await emit(e)) return true;
      if (!r.more) return false;
    }
  };

  const rotated = parseLines(readRotated(logPath)); // rotated files first (logging.ts)
  if (opts.tail === 'all') {
    for (const e of rotated) if (await emit(e)) return;
    if (await drain()) return;
  } else {
    let entries = rotated;
    for (let r = readNew(); ; r = readNew()) {
      entries = opts.tail <= 0 ? [] : entries.concat(r.entries).slice(-opts.tail);
      if (!r.more) break;
    }
    for (const e of entries) if (await emit(e)) return;
  }
  if (!opts.follow || !follow) return;

  let watcher: fs.FSWatcher | undefined;
  let wake: (() => void) | undefined;
  try { watcher = fs.watch(logPath, () => wake?.()); } catch { /* file not yet there: rely on stop */ }
  watcher?.on('error', () => wake?.());
  let done = false;
  void follow.stopped.then(() => { done = true; wake?.(); });
  void follow.closed.then(() => { done = true; wake?.(); });
  try {
    for (;;) {
      if (await drain()) return;
      if (done) { await drain(); return; }
      await new Promise<void>((r) => { wake = r; });
    }
  } finally {
    watcher?.close();
  }
}
