/**
 * The Engine API machinery in-process: versioned paths, Docker's errors, JSON bodies, chunked
 * JSON-lines streams, and the hijack path with stdcopy framing, driven through the dockerode-shaped client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { createApiServer } from '@berth/engine/api/server';
import { get, post, type Route } from '@berth/engine/api/router';
import { readJson, sendJson, startJsonStream } from '@berth/engine/api/http-util';
import { frame, StdStream, Conflict, NotFound } from '@berth/shared';
import { Docker, isApiError } from '@berth/cli/client';

let server: http.Server;
let dir: string;
let docker: Docker;

const routes: Route[] = [
  get('/_ping', ({ res }) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('OK'); }),
  post('/echo', async ({ req, res }) => sendJson(res, 200, { got: await readJson(req) })),
  post('/conflict', () => { throw new Conflict('Conflict. The container name "/web" is already in use'); }),
  get('/progress', ({ res }) => {
    const send = startJsonStream(res);
    send({ status: 'Pulling fs layer', id: 'abc' });
    send({ status: 'Downloading', id: 'abc', progressDetail: { current: 5, total: 10 } });
    send({ status: 'Status: Downloaded newer image for busybox:latest' });
    res.end();
  }),
  post('/attach-missing', () => {}, () => { throw new NotFound('No such container: nope'); }),
  // A test-only hijack route: echoes stdin back as stdout frames and reports the byte count on stderr.
  post('/echo-attach', () => { throw new Error('needs hijack'); }, ({ upgrade }) => {
    const sock = upgrade('application/vnd.docker.multiplexed-stream');
    let n = 0;
    sock.on('data', (c: Buffer) => { n += c.length; sock.write(frame(StdStream.Stdout, c)); });
    sock.on('end', () => { sock.end(frame(StdStream.Stderr, Buffer.from(`${n} bytes\n`))); });
  }),
];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-api-'));
  server = createApiServer({ routes, serverVersion: 'test' });
  await new Promise<void>((r) => server.listen(path.join(dir, 'api.sock'), r));
  docker = new Docker({ socketPath: path.join(dir, 'api.sock') });
});

after(async () => {
  await docker.modem.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function raw(method: string, p: string, body?: string) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ socketPath: path.join(dir, 'api.sock'), path: p, method }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('versioned and unversioned paths reach the same route; headers as Docker sets them', async () => {
  for (const p of ['/echo', '/v1.51/echo', '/v1.24/echo', '/v1.44/echo']) {
    const r = await raw('POST', p, '{"a":1}');
    assert.equal(r.status, 200, p);
    assert.deepEqual(JSON.parse(r.body), { got: { a: 1 } });
    assert.equal(r.headers['api-version'], '1.51');
    assert.equal(r.headers['ostype'], 'linux');
  }
});

test('too new and too old API versions get Docker\'s 400 texts', async () => {
  let r = await raw('GET', '/v1.52/_ping');
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.body), { message: 'client version 1.52 is too new. Maximum supported API version is 1.51' });
  r = await raw('GET', '/v1.12/_ping');
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.body).message, /^client version 1.12 is too old. Minimum supported API version is 1.24/);
});

test('unknown routes are 404 page not found; invalid JSON is a 400 with a message', async () => {
  let r = await raw('GET', '/v1.51/nothing/here');
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), { message: 'page not found' });
  r = await raw('POST', '/echo', '{"a":');
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.body).message, /^invalid JSON/);
});

test('client: errors carry statusCode and json.message', async () => {
  await assert.rejects(docker.modem.dial({ method: 'POST', path: '/conflict' }), (e: unknown) => {
    assert.ok(isApiError(e));
    assert.equal(e.statusCode, 409);
    assert.equal(e.json?.message, 'Conflict. The container name "/web" is already in use');
    assert.equal(e.message, 'Conflict. The container name "/web" is already in use');
    return true;
  });
});

test('client: version negotiation picks min(client, server)', async () => {
  await docker.ping();
  await docker.modem.dial({ method: 'POST', path: '/echo', body: {} });
  assert.equal(docker.modem.version, '1.51');
});

test('client: followProgress parses the JSON-lines stream', async () => {
  const stream = await docker.modem.dial<NodeJS.ReadableStream>({ method: 'GET', path: '/progress', expect: 'stream' });
  const seen: string[] = [];
  const output = await new Promise<unknown[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out)), (e) => seen.push(e.status ?? '')));
  assert.equal(output.length, 3);
  assert.deepEqual(seen, ['Pulling fs layer', 'Downloading', 'Status: Downloaded newer image for busybox:latest']);
});

test('hijack: 101 UPGRADED, raw duplex, stdcopy frames demuxed by modem.demuxStream', async () => {
  const sock = await docker.modem.dial<import('node:net').Socket>({ method: 'POST', path: '/echo-attach', hijack: true });
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c) => { o += c; });
  err.on('data', (c) => { e += c; });
  docker.modem.demuxStream(sock, out, err);
  sock.write('hello ');
  sock.write('berth\n');
  sock.end(); // half-close: stdin EOF, as the docker CLI's CloseWrite
  await new Promise((r) => sock.on('close', r));
  assert.equal(o, 'hello berth\n');
  assert.equal(e, '12 bytes\n');
});

test('hijack: an error before the upgrade comes back as the API error', async () => {
  await assert.rejects(docker.modem.dial({ method: 'POST', path: '/attach-missing', hijack: true }), (e: unknown) => {
    assert.ok(isApiError(e));
    assert.equal(e.statusCode, 404);
    assert.equal(e.message, 'No such container: nope');
    return true;
  });
});
