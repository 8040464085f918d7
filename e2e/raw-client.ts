/**
 * A raw HTTP/1.1 client on berthd's unix socket for hostile-client tests: it writes the request
 * itself and can hang up at a chosen byte of the response body (counted on the wire, after the
 * header block), stall without reading, or read slowly. Node's http client would buffer and
 * hide exactly the behaviour these tests need.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent with Content-Length (a Buffer) or chunked (a stream). */
  body?: Buffer | Readable;
  /** Ask for a hijacked connection (attach, exec start): `Upgrade: tcp`. */
  upgrade?: boolean;
}

export interface RawResult {
  /** The status of the response (0 when the connection closed before a status line). */
  status: number;
  /** Response body bytes received before the hang-up or the end. */
  received: number;
  /** Whether the server ended the response before we hung up. */
  ended: boolean;
  head: string;
  body: Buffer;
}

function requestHead(r: RawRequest, chunked: boolean, length?: number): string {
  // One request per connection: the server closes it when the response is complete.
  const h: Record<string, string> = { Host: 'berth', Connection: 'close', ...r.headers };
  if (r.upgrade) { h.Connection = 'Upgrade'; h.Upgrade = 'tcp'; }
  if (chunked) h['Transfer-Encoding'] = 'chunked';
  else h['Content-Length'] = String(length ?? 0);
  return `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

function send(sock: net.Socket, r: RawRequest): void {
  const body = r.body;
  if (!body) { sock.write(requestHead(r, false, 0)); return; }
  if (Buffer.isBuffer(body)) { sock.write(requestHead(r, false, body.length)); sock.write(body); return; }
  sock.write(requestHead(r, true));
  body.on('data', (c: Buffer) => { if (!sock.destroyed) sock.write(`${c.length.toString(16)}\r\n`); if (!sock.destroyed) sock.write(c); if (!sock.destroyed) sock.write('\r\n'); });
  body.on('end', () => { if (!sock.destroyed) sock.write('0\r\n\r\n'); });
  body.on('error', () => sock.destroy());
}

export interface HangUpOptions {
  /** Hang up once this many body bytes arrived (0: right after the header block; -1: before any response byte). */
  after: number;
  /** Give up waiting for that many bytes after this long (the response may be short or idle): then hang up anyway. */
  timeoutMs?: number;
  /** Read slowly: pause this long between reads. */
  slowMs?: number;
}

/** Send a request and hang up at a byte of the response; resolves with what arrived. */
export function hangUp(socketPath: string, r: RawRequest, opts: HangUpOptions): Promise<RawResult> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    let buf = Buffer.alloc(0);
    let headEnd = -1;
    let done = false;
    const result = (): RawResult => {
      const head = headEnd >= 0 ? buf.subarray(0, headEnd).toString('latin1') : '';
      const body = headEnd >= 0 ? buf.subarray(headEnd + 4) : Buffer.alloc(0);
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), received: body.length, ended: false, head, body };
    };
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...result(), ended });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    sock.on('connect', () => {
      send(sock, r);
      if (opts.after < 0) setImmediate(() => finish(false));
    });
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (headEnd < 0) headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd >= 0 && buf.length - (headEnd + 4) >= opts.after) {
        // Keep only what the hang-up point allows, as if the client stopped reading there.
        buf = buf.subarray(0, headEnd + 4 + Math.max(0, opts.after));
        finish(false);
        return;
      }
      if (opts.slowMs) { sock.pause(); setTimeout(() => sock.resume(), opts.slowMs); }
    });
    sock.on('end', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
  });
}

/** Announce the whole body, send only its first `at` bytes, then hang up (an upload cut short). */
export function hangUpMidBody(socketPath: string, r: RawRequest & { body: Buffer }, at: number): Promise<RawResult> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    let buf = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); });
    sock.on('error', () => undefined);
    sock.on('connect', () => {
      sock.write(requestHead(r, false, r.body.length));
      sock.write(r.body.subarray(0, at), () => setTimeout(() => {
        sock.destroy();
        const headEnd = buf.indexOf('\r\n\r\n');
        const head = headEnd >= 0 ? buf.subarray(0, headEnd).toString('latin1') : '';
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), received: headEnd >= 0 ? buf.length - headEnd - 4 : 0, ended: false, head, body: headEnd >= 0 ? buf.subarray(headEnd + 4) : Buffer.alloc(0) });
      }, 200));
    });
  });
}

/** Send a request and read nothing at all for `ms`, then hang up. */
export function stall(socketPath: string, r: RawRequest, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    sock.on('connect', () => { send(sock, r); sock.pause(); });
    sock.on('error', () => undefined);
    setTimeout(() => { sock.destroy(); resolve(); }, ms);
  });
}

/** A whole response (for checks that need the body), read to the end. */
export async function fetchAll(socketPath: string, r: RawRequest, timeoutMs = 30000): Promise<RawResult> {
  return hangUp(socketPath, r, { after: Number.MAX_SAFE_INTEGER, timeoutMs });
}

/** Decode a chunked body (what fetchAll returns for streamed responses). */
export function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const eol = body.indexOf('\r\n', i);
    if (eol < 0) break;
    const n = parseInt(body.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(n) || n === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + n));
    i = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
}
