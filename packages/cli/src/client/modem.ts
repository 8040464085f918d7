/**
 * docker-modem's role on undici: one connection pool to the daemon (unix socket or tcp),
 * API version negotiation as the docker CLI does it (ping, then min(client, server)),
 * JSON/stream/hijack requests, demuxStream and followProgress.
 */
import { Pool } from './undici-pool.js';
import type { Readable, Writable } from 'node:stream';
import { API_VERSION, compareVersions, demuxStream } from '@berth/shared';
import { apiError, ConnectionError, isConnectFailure } from './errors.js';
import { hijack } from './hijack.js';
import type { ProgressMessage } from '@berth/shared/api/types';

export interface ModemOptions {
  socketPath?: string;
  host?: string;
  port?: number | string;
  protocol?: 'http' | 'https';
  /** Fixed API version like "v1.45" or "1.45"; negotiation is skipped when set. */
  version?: string;
  headers?: Record<string, string>;
  timeout?: number;
  /** TLS for tcp hosts (--tls/--tlsverify): PEM material and whether the server is verified. */
  tls?: TlsOptions;
}

export interface TlsOptions { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized: boolean }

/** An object (filters, buildargs, labels) is sent as its JSON. */
export type QueryValue = string | number | boolean | undefined | null | string[] | object;

export interface DialOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  /** An object is sent as JSON; a stream or buffer as-is (tar uploads). */
  body?: unknown;
  headers?: Record<string, string>;
  /** What to return: parsed JSON (default), the response stream, the raw text, or nothing. */
  expect?: 'json' | 'stream' | 'text' | 'none' | 'response';
  /** Ask for 101 and return the raw socket (attach, exec start). */
  hijack?: boolean;
  /** Skip version negotiation and the version prefix (used by ping itself). */
  unversioned?: boolean;
  /** Aborts the request, or the response stream once it is flowing (the connection is closed). */
  signal?: AbortSignal;
}

export function buildQuery(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (typeof v === 'object') params.append(k, JSON.stringify(v));
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class Modem {
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
  readonly protocol: 'http' | 'https';
  /** The negotiated (or fixed) API version, without the leading "v". */
  version?: string;
  private readonly fixedVersion: boolean;
  private negotiating?: Promise<void>;
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;
  private readonly tls?: TlsOptions;

  constructor(opts: ModemOptions = {}) {
    this.socketPath = opts.socketPath;
    this.host = opts.host;
    this.port = opts.port === undefined ? undefined : Number(opts.port);
    this.tls = opts.socketPath ? undefined : opts.tls;
    this.protocol = opts.tls ? 'https' : opts.protocol ?? 'http';
    this.headers = opts.headers ?? {};
    this.fixedVersion = !!opts.version;
    if (opts.version) this.version = opts.version.replace(/^v/, '');
    const origin = this.socketPath ? 'http://localhost' : `${this.protocol}://${this.host ?? 'localhost'}:${this.port ?? 2375}`;
    this.pool = new Pool(origin, {
      socketPath: this.socketPath,
      headersTimeout: opts.timeout ?? 0,
      bodyTimeout: 0,
      keepAliveTimeout: 4000,
      ...(this.tls && !this.socketPath ? { connect: { ...this.tls } } : {}),
    });
  }

  /** The address as the user wrote it, for error messages. */
  get address(): string {
    return this.socketPath ? `unix://${this.socketPath}` : `tcp://${this.host ?? 'localhost'}:${this.port ?? 2375}`;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** HEAD /_ping (GET when HEAD is refused) and remember the server's headers. */
  async ping(): Promise<{ apiVersion?: string; osType?: string; builderVersion?: string; body: string }> {
    const once = async (method: 'HEAD' | 'GET') => this.pool.request({ method, path: '/_ping', headers: this.headers });
    let res;
    try {
      res = await once('HEAD');
      if (res.statusCode >= 400) { await res.body.dump(); res = await once('GET'); }
    } catch (e) {
      throw isConnectFailure(e) ? new ConnectionError(this.address, { cause: e }) : e;
    }
    const body = await res.body.text();
    if (res.statusCode >= 400) throw apiError(res.statusCode, body);
    const h = (k: string) => { const v = res.headers[k]; return Array.isArray(v) ? v[0] : v; };
    return { apiVersion: h('api-version'), osType: h('ostype'), builderVersion: h('builder-version'), body: body || 'OK' };
  }

  private async negotiate(): Promise<void> {
    if (this.version) return;
    this.negotiating ??= (async () => {
      const { apiVersion } = await this.ping();
      const server = apiVersion ?? '1.24';
      this.version = compareVersions(server, API_VERSION) < 0 ? server : API_VERSION;
    })().finally(() => { this.negotiating = undefined; });
    await this.negotiating;
  }

  private async path(opts: DialOptions): Promise<string> {
    if (opts.unversioned) return opts.path + buildQuery(opts.query);
    if (!this.fixedVersion) await this.negotiate();
    return `/v${this.version}${opts.path}${buildQuery(opts.query)}`;
  }

  async dial<T = unknown>(opts: DialOptions): Promise<T> {
    const path = await this.path(opts);
    const headers: Record<string, string> = { ...this.headers, ...opts.headers };
    let body: unknown = opts.body;
    if (body !== undefined && !Buffer.isBuffer(body) && typeof (body as Readable).pipe !== 'function' && typeof body !== 'string') {
      body = JSON.stringify(body);
      headers['Content-Type'] ??= 'application/json';
    }
    if (opts.hijack) {
      if (!('Content-Type' in headers)) headers['Content-Type'] = 'text/plain';
      try {
        const r = await hijack({ socketPath: this.socketPath, host: this.host, port: this.port, tls: this.tls }, opts.method, path, headers, body as string | undefined);
        return r.socket as T;
      } catch (e) {
        throw isConnectFailure(e) ? new ConnectionError(this.address, { cause: e }) : e;
      }
    }
    let res;
    try {
      res = await this.pool.request({ method: opts.method, path, headers, body: body as string | Buffer | Readable | undefined, signal: opts.signal });
    } catch (e) {
      throw isConnectFailure(e) ? new ConnectionError(this.address, { cause: e }) : e;
    }
    if (res.statusCode >= 400) throw apiError(res.statusCode, await res.body.text());
    switch (opts.expect ?? 'json') {
      case 'stream':
        return res.body as unknown as T;
      case 'response': // headers and the body stream (archive: X-Docker-Container-Path-Stat)
        return { headers: res.headers, body: res.body } as unknown as T;
      case 'none':
        await res.body.dump();
        return undefined as T;
      case 'text':
        return (await res.body.text()) as T;
      default: {
        const text = await res.body.text();
        if (res.statusCode === 204 || res.statusCode === 304 || text === '') return undefined as T;
        return JSON.parse(text) as T;
      }
    }
  }

  /** dockerode's modem.demuxStream: stdcopy frames to stdout/stderr. */
  demuxStream(stream: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
    demuxStream(stream, stdout, stderr);
  }

  /** dockerode's modem.followProgress: JSON lines collected, each reported as it arrives. */
  followProgress(
    stream: NodeJS.ReadableStream,
    onFinished: (err: Error | null, output: ProgressEvent[]) => void,
    onProgress?: (event: ProgressEvent) => void,
  ): void {
    const output: ProgressEvent[] = [];
    let buf = '';
    let finished = false;
    const done = (err: Error | null) => { if (!finished) { finished = true; onFinished(err, output); } };
    const line = (l: string) => {
      if (!l.trim()) return;
      let ev: ProgressEvent;
      try { ev = JSON.parse(l); } catch (e) { done(e as Error); return; }
      output.push(ev);
      onProgress?.(ev);
    };
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { line(buf.slice(0, i)); buf = buf.slice(i + 1); }
    });
    stream.on('end', () => { line(buf); done(null); });
    stream.on('error', (e: Error) => done(e));
  }
}

/** A jsonmessage line of a pull/push/build/load stream. */
export type ProgressEvent = ProgressMessage;
