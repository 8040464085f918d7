/** Shared bits of the hardening e2e files: a JSON API client, the content store's state, berthd's open files. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TestDaemon } from './harness.js';

export interface ApiResult { status: number; body: string; json(): any }

/** One API call with node:http (for the calls around the hostile ones). */
export function api(d: TestDaemon, method: string, p: string, body?: unknown, opts: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<ApiResult> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const req = http.request({
      socketPath: d.socket, method, path: p, agent: false, timeout: opts.timeoutMs ?? 30000,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(data?.length ?? 0), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: no answer in ${opts.timeoutMs ?? 30000} ms`)));
    req.on('error', (e) => reject(new Error(`${method} ${p}: ${e.message}`)));
    req.end(data);
  });
}

/** berthd is alive and answers /_ping. */
export async function assertServing(d: TestDaemon, what: string): Promise<void> {
  assert.equal(d.proc?.exitCode, null, `berthd exited after ${what}:\n${d.log.slice(-3000)}`);
  assert.equal(d.proc?.signalCode, null, `berthd was killed after ${what}:\n${d.log.slice(-3000)}`);
  const r = await api(d, 'GET', '/_ping', undefined, { timeoutMs: 5000 });
  assert.equal(r.body, 'OK', `/_ping after ${what}`);
}

export const blobDir = (d: TestDaemon) => path.join(d.dataRoot, 'image', 'blobs', 'sha256');
export const layerDir = (d: TestDaemon) => path.join(d.dataRoot, 'image', 'layers');

/** The committed blobs of the content store, sorted. */
export function blobs(d: TestDaemon): string[] {
  return fs.readdirSync(blobDir(d)).filter((n) => /^[a-f0-9]{64}$/.test(n)).sort();
}

/** Temp files and dirs anywhere a failed write could leave one. */
export function temps(d: TestDaemon): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.name.startsWith('.tmp-') || /\.tmp(-\d+)?$/.test(e.name)) out.push(p);
      // Not into layer contents or container filesystems: only the stores' own dirs.
      else if (e.isDirectory() && depth > 0 && !['diff', 'merged', 'work', '_data', 'context'].includes(e.name)) walk(p, depth - 1);
    }
  };
  walk(d.dataRoot, 4);
  return out;
}

/** The number of files berthd has open. */
export function openFiles(d: TestDaemon): number {
  return fs.readdirSync(`/proc/${d.proc!.pid}/fd`).length;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `fn` holds (or fail with `what`). */
export async function until(fn: () => boolean | Promise<boolean>, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(100);
  }
  assert.ok(await fn(), `not reached in ${ms} ms: ${what}`);
}

/**
 * Wait until the stores stop changing (a request whose client hung up may still be finishing or
 * cleaning up; its client cannot see when): no temp file and the same blobs, images and
 * containers for 0.8 s.
 */
export async function settled(d: TestDaemon, what: string, ms = 30000): Promise<void> {
  const snapshot = async () => JSON.stringify([blobs(d), (await api(d, 'GET', '/images/json?all=1')).body, (await api(d, 'GET', '/containers/json?all=1')).json().length]);
  let last = '';
  let stableSince = Date.now();
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const now = temps(d).length ? `temps ${temps(d).join()}` : await snapshot();
    if (now !== last || now.startsWith('temps')) { last = now; stableSince = Date.now(); }
    else if (Date.now() - stableSince >= 800) return;
    await sleep(250);
  }
  assert.fail(`${what}: the stores kept changing for ${ms} ms (${last.slice(0, 300)})`);
}

/** Does an image exist (by reference)? */
export async function hasImage(d: TestDaemon, ref: string): Promise<boolean> {
  return (await api(d, 'GET', `/images/${encodeURIComponent(ref)}/json`)).status === 200;
}

export const noAuth = { 'X-Registry-Auth': Buffer.from('{}').toString('base64') };
