/** Small request/response helpers shared by every router. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgument } from '@berth/shared';
import { decodeAnyJson } from '@berth/shared/api/request-bodies';
import type { ProgressMessage } from '@berth/shared/api/types';
import { below } from './versions.js';

export async function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new InvalidArgument('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A JSON body without an API type (test routes): Go's reader, plain values, `{}` when empty.
 * The API's routes decode their bodies into the swagger's types with api/request-body.ts.
 */
export async function readJson<T = Record<string, unknown>>(req: IncomingMessage): Promise<T> {
  const body = await readBody(req);
  if (body.length === 0) return {} as T;
  try {
    return decodeAnyJson(body) as T;
  } catch (e) {
    throw new InvalidArgument(`invalid JSON: ${(e as Error).message}`, { cause: e });
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body + '');
}

export function sendStatus(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Docker's boolean query values: "1", "true", "True" (anything but "", "0", "false"). */
export function boolParam(q: URLSearchParams, name: string, def = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return def;
  return !(v === '0' || v.toLowerCase() === 'false');
}

export function intParam(q: URLSearchParams, name: string, def?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgument(`invalid value for ${name}: ${v}`);
  return n;
}

/** The `filters` query parameter: JSON map of name → string[] (or the legacy map of name → {value: true}). */
export function filtersParam(q: URLSearchParams): Map<string, string[]> {
  const raw = q.get('filters');
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch { throw new InvalidArgument(`invalid filter '${raw}'`); }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidArgument(`invalid filter '${raw}'`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out.set(k, v.map(String));
    else if (v && typeof v === 'object') out.set(k, Object.keys(v));
    else throw new InvalidArgument(`invalid filter '${raw}'`);
  }
  return out;
}

/** Begin a chunked JSON-lines stream (pull/push/build/load progress, events). */
export function startJsonStream(res: ServerResponse): (msg: ProgressMessage) => void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  return (msg) => { res.write(JSON.stringify(msg) + '\r\n'); };
}

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

/**
 * The Content-Type dockerd names for a logs, attach or exec stream: a multiplexed stream says so
 * from API 1.42 on; before, and on an attach or exec that did not ask to upgrade, every stream
 * is called raw (the bytes are framed all the same when there is no TTY).
 */
export function streamContentType(contentType: string, version: string, upgraded = true): string {
  return contentType === MULTIPLEXED && (!upgraded || below(version, 'multiplexedContentType')) ? RAW : contentType;
}
