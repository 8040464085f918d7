/**
 * The client against a fake daemon: node:http on a unix socket in a temp dir, answering as
 * dockerd does. Version negotiation, error mapping, the hijack path with stdcopy frames, JSON
 * progress streams, chunked streams, timeouts and aborts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { API_VERSION, Conflict, InvalidArgument, NotFound, SystemError, Unavailable } from '@berth/shared';
import { frame, StdStream } from '@berth/shared/stdcopy';
import type { ContainerInspect, ProgressMessage } from '@berth/shared/api/types';
import { Docker, isApiError, ConnectionError, type ProgressEvent } from './index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-client-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface FakeDaemon {
  socket: string;
  /** Every request as "METHOD /path?query". */
  seen: string[];
  close(): Promise<void>;
}

let n = 0;
/** A daemon on its own socket; `upgrade` serves hijacked requests on the raw socket. */
async function fakeDaemon(handler: Handler, upgrade?: (req: http.IncomingMessage, socket: Duplex) => void): Promise<FakeDaemon> {
  const socket = path.join(dir, `d${n++}.sock`);
  const seen: string[] = [];
  const server = http.createServer((req, res) => { seen.push(`${req.method} ${req.url}`); handler(req, res); });
  if (upgrade) server.on('upgrade', (req, sock: Duplex) => { seen.push(`UPGRADE ${req.method} ${req.url}`); upgrade(req, sock); });
  await new Promise<void>((r) => server.listen(socket, r));
  return {
    socket, seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** /_ping answering with `version` in Api-Version (HEAD and GET), everything else by `rest`. */
const withPing = (version: string | undefined, rest: Handler): Handler => (req, res) => {
  if (req.url === '/_ping') {
    res.writeHead(200, version ? { 'Api-Version': version, 'Content-Type': 'text/plain' } : { 'Content-Type': 'text/plain' });
    res.end(req.method === 'HEAD' ? undefined : 'OK');
    return;
  }
  rest(req, res);
};

test('API version negotiation: min(client, server), once, then every path prefixed', async () => {
  const d = await fakeDaemon(withPing('1.41', (req, res) => json(res, 200, [])));
  const docker = new Docker({ socketPath: d.socket });
  try {
    await Promise.all([docker.listContainers({ all: true }), docker.listImages()]);
    await docker.listVolumes();
    assert.deepEqual(d.seen.filter((s) => s.includes('_ping')), ['HEAD /_ping'], 'one ping for concurrent first requests');
    assert.deepEqual(d.seen.filter((s) => !s.includes('_ping')).sort(), ['GET /v1.41/containers/json?all=true', 'GET /v1.41/images/json', 'GET /v1.41/volumes'].sort());
    assert.equal(docker.modem.version, '1.41');
  } finally { await docker.modem.close(); await d.close(); }
});

test('API version negotiation: a newer server is spoken to at the client\'s version; none given means 1.24', async () => {
  for (const [server, want] of [['9.99', API_VERSION], [undefined, '1.24']] as const) {
    const d = await fakeDaemon(withPing(server, (req, res) => json(res, 200, { Version: 'x' })));
    const docker = new Docker({ socketPath: d.socket });
    try {
      await docker.version();
      assert.equal(d.seen.at(-1), `GET /v${want}/version`);
    } finally { await docker.modem.close(); await d.close(); }
  }
});

test('a fixed API version skips the ping; a HEAD /_ping refused falls back to GET', async () => {
  const d = await fakeDaemon((req, res) => {
    if (req.url === '/_ping' && req.method === 'HEAD') { res.writeHead(405); res.end(); return; }
    if (req.url === '/_ping') { res.writeHead(200, { 'Api-Version': '1.44' }); res.end('OK'); return; }
    json(res, 200, {});
  });
  const fixed = new Docker({ socketPath: d.socket, version: 'v1.43' });
  const negotiating = new Docker({ socketPath: d.socket });
  try {
    await fixed.info();
    assert.deepEqual(d.seen, ['GET /v1.43/info']);
    assert.equal(await negotiating.ping(), 'OK');
    await negotiating.info();
    assert.deepEqual(d.seen.slice(1), ['HEAD /_ping', 'GET /_ping', 'HEAD /_ping', 'GET /_ping', 'GET /v1.44/info']);
  } finally { await fixed.modem.close(); await negotiating.modem.close(); await d.close(); }
});

test('typed answers: inspect comes back as the daemon sent it', async () => {
  const body: ContainerInspect = { Id: 'abc', Name: '/web', State: { Status: 'running', Running: true, Pid: 42 }, Config: { Image: 'busybox', Cmd: null } };
  const d = await fakeDaemon(withPing('1.51', (req, res) => json(res, 200, body)));
  const docker = new Docker({ socketPath: d.socket });
  try {
    const info = await docker.getContainer('web').inspect({ size: true });
    assert.deepEqual(info, body);
    assert.equal(info.State?.Pid, 42);
    assert.equal(d.seen.at(-1), 'GET /v1.51/containers/web/json?size=true');
  } finally { await docker.modem.close(); await d.close(); }
});

test('errors: the status picks the class, the message is the body\'s "message" (or its text)', async () => {
  const answers: Record<string, [number, string]> = {
    '/v1.51/containers/nope/json': [404, '{"message":"No such container: nope"}'],
    '/v1.51/containers/create?name=dup': [409, '{"message":"Conflict. The container name \\"/dup\\" is already in use"}'],
    '/v1.51/containers/x/start': [400, '{"message":"bad"}'],
    '/v1.51/info': [500, 'plain text failure\n'],
    '/v1.51/swarm': [503, '{"message":"This node is not a swarm manager."}'],
    '/v1.51/containers/x/stop': [418, ''],
  };
  const d = await fakeDaemon(withPing('1.51', (req, res) => {
    const [status, text] = answers[req.url!]!;
    res.writeHead(status, { 'Content-Type': text.startsWith('{') ? 'application/json' : 'text/plain' });
    res.end(text);
  }));
  const docker = new Docker({ socketPath: d.socket });
  const fails = async (p: Promise<unknown>, cls: Function, status: number, message: string) => {
    const e = await p.then(() => assert.fail('expected an error'), (err: unknown) => err);
    assert.ok(e instanceof cls, `${String(e)} is a ${cls.name}`);
    assert.ok(isApiError(e));
    assert.equal(e.statusCode, status);
    assert.equal(e.status, status);
    assert.equal(e.message, message);
  };
  try {
    await fails(docker.getContainer('nope').inspect(), NotFound, 404, 'No such container: nope');
    await fails(docker.createContainer({ name: 'dup', Image: 'busybox' }), Conflict, 409, 'Conflict. The container name "/dup" is already in use');
    await fails(docker.getContainer('x').start(), InvalidArgument, 400, 'bad');
    await fails(docker.info(), SystemError, 500, 'plain text failure');
    await fails(docker.modem.dial({ method: 'GET', path: '/swarm' }), Unavailable, 503, 'This node is not a swarm manager.');
    await fails(docker.getContainer('x').stop(), SystemError, 418, 'HTTP 418');
  } finally { await docker.modem.close(); await d.close(); }
});

test('no daemon at the socket: ConnectionError naming the address', async () => {
  const socket = path.join(dir, 'nobody.sock');
  const docker = new Docker({ socketPath: socket });
  try {
    await assert.rejects(docker.info(), (e: unknown) => e instanceof ConnectionError && e.message.includes(`unix://${socket}`));
  } finally { await docker.modem.close(); }
});

test('hijack: 101 UPGRADED, stdin goes up, stdcopy frames come down and demux to stdout/stderr', async () => {
  let bodySeen = '';
  const d = await fakeDaemon(withPing('1.51', (req, res) => json(res, 404, { message: 'no' })), (req, sock) => {
    assert.equal(req.headers.upgrade, 'tcp');
    assert.equal(req.headers.connection?.toLowerCase(), 'upgrade');
    sock.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    // A frame split across writes, and one in the same packet as the 101's end would be.
    const out = frame(StdStream.Stdout, Buffer.from('hello out\n'));
    let sent = false;
    const finish = () => { if (sent && bodySeen.endsWith('bye\n')) sock.end(frame(StdStream.Stdout, Buffer.from(`got ${bodySeen.length} bytes\n`))); };
    sock.write(out.subarray(0, 5));
    setTimeout(() => {
      sock.write(Buffer.concat([out.subarray(5), frame(StdStream.Stderr, Buffer.from('oops\n'))]));
      sent = true;
      finish();
    }, 20);
    sock.on('data', (c: Buffer) => { bodySeen += c.toString(); finish(); });
  });
  const docker = new Docker({ socketPath: d.socket });
  try {
    const s = await docker.getContainer('c1').attach({ stream: true, stdin: true, stdout: true, stderr: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => { out += c; });
    stderr.on('data', (c) => { err += c; });
    docker.modem.demuxStream(s, stdout, stderr);
    s.write('typed input\nbye\n');
    await new Promise((r) => s.on('end', r));
    assert.equal(out, 'hello out\ngot 16 bytes\n');
    assert.equal(err, 'oops\n');
    assert.equal(bodySeen, 'typed input\nbye\n');
    assert.ok(d.seen.includes('UPGRADE POST /v1.51/containers/c1/attach?stream=true&stdin=true&stdout=true&stderr=true'), d.seen.join('\n'));
  } finally { await docker.modem.close(); await d.close(); }
});

test('hijack: an error answer instead of 101 rejects with the mapped error', async () => {
  const d = await fakeDaemon(withPing('1.51', () => {}), (req, sock) => {
    const body = '{"message":"No such exec instance: e1"}';
    sock.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
  const docker = new Docker({ socketPath: d.socket });
  try {
    await assert.rejects(docker.getExec('e1').start({ Tty: false }), (e: unknown) => e instanceof NotFound && e.message === 'No such exec instance: e1');
  } finally { await docker.modem.close(); await d.close(); }
});

test('JSON progress: lines split anywhere are parsed whole, reported as they come, collected at the end', async () => {
  const lines: ProgressMessage[] = [
    { status: 'Pulling from library/busybox', id: 'latest' },
    { status: 'Downloading', id: 'a1', progressDetail: { current: 10, total: 100 }, progress: '[=>   ]' },
    { status: 'Digest: sha256:abc' },
  ];
  const text = lines.map((l) => JSON.stringify(l) + '\r\n').join('');
  const d = await fakeDaemon(withPing('1.51', (req, res) => {
    assert.equal(req.url, '/v1.51/images/create?fromImage=busybox&tag=latest');
    assert.equal(req.headers['x-registry-auth'], Buffer.from('{"username":"u"}').toString('base64url'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let i = 0;
    const tick = () => { // 7-byte chunks: every line arrives in pieces
      if (i >= text.length) { res.end(); return; }
      res.write(text.slice(i, i + 7));
      i += 7;
      setImmediate(tick);
    };
    tick();
  }));
  const docker = new Docker({ socketPath: d.socket });
  try {
    const stream = await docker.pull('busybox:latest', { authconfig: { username: 'u' } });
    const seen: ProgressEvent[] = [];
    const output = await new Promise<ProgressEvent[]>((resolve, reject) => {
      docker.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out)), (e) => seen.push(e));
    });
    assert.deepEqual(seen, lines);
    assert.deepEqual(output, lines);
  } finally { await docker.modem.close(); await d.close(); }
});

test('JSON progress: a line that is not JSON finishes with the parse error', async () => {
  const d = await fakeDaemon(withPing('1.51', (req, res) => { res.writeHead(200); res.end('{"status":"ok"}\nnot json\n'); }));
  const docker = new Docker({ socketPath: d.socket });
  try {
    const stream = await docker.loadImage(Buffer.from('tar'));
    const err = await new Promise<Error | null>((resolve) => docker.followProgress(stream, (e) => resolve(e)));
    assert.ok(err instanceof SyntaxError);
  } finally { await docker.modem.close(); await d.close(); }
});

test('chunked streams: logs arrive in order as the daemon writes them, before the answer ends', async () => {
  let more: (() => void) | undefined;
  const d = await fakeDaemon(withPing('1.51', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    res.write(frame(StdStream.Stdout, Buffer.from('one\n')));
    more = () => { res.write(frame(StdStream.Stderr, Buffer.from('two\n'))); res.end(frame(StdStream.Stdout, Buffer.from('three\n'))); };
  }));
  const docker = new Docker({ socketPath: d.socket });
  try {
    const stream = await docker.getContainer('c').logs({ follow: true, stdout: true, stderr: true });
    const got: string[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c) => got.push(`out:${c}`));
    stderr.on('data', (c) => got.push(`err:${c}`));
    docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((r) => { const t = setInterval(() => { if (got.length) { clearInterval(t); r(); } }, 5); });
    assert.deepEqual(got, ['out:one\n'], 'the first frame arrived while the answer is still open');
    more!();
    await new Promise((r) => stream.on('end', r));
    assert.deepEqual(got, ['out:one\n', 'err:two\n', 'out:three\n']);
    assert.equal(d.seen.at(-1), 'GET /v1.51/containers/c/logs?follow=true&stdout=true&stderr=true');
  } finally { await docker.modem.close(); await d.close(); }
});

test('timeout: a daemon that never answers fails the request after `timeout` ms', async () => {
  const d = await fakeDaemon(withPing('1.51', () => { /* never answers */ }));
  const docker = new Docker({ socketPath: d.socket, timeout: 200 });
  try {
    const t0 = Date.now();
    await assert.rejects(docker.info(), (e: unknown) => (e as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT');
    const ms = Date.now() - t0;
    assert.ok(ms >= 150 && ms < 5000, `timed out after ${ms} ms`);
  } finally { await docker.modem.close(); await d.close(); }
});

test('abort: a pending request rejects at once and the daemon sees the connection close', async () => {
  let closed!: () => void;
  const gone = new Promise<void>((r) => { closed = r; });
  const d = await fakeDaemon(withPing('1.51', (req, res) => { res.on('close', closed); }));
  const docker = new Docker({ socketPath: d.socket });
  try {
    await docker.ping();
    const ac = new AbortController();
    const p = docker.modem.dial({ method: 'POST', path: '/containers/c/wait', signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    await gone;
  } finally { await docker.modem.close(); await d.close(); }
});

test('abort: a flowing stream (events) ends when aborted, and the daemon sees it go', async () => {
  let closed!: () => void;
  const gone = new Promise<void>((r) => { closed = r; });
  const d = await fakeDaemon(withPing('1.51', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"Type":"container","Action":"start","Actor":{"ID":"x"}}\n');
    res.on('close', closed);
  }));
  const docker = new Docker({ socketPath: d.socket });
  try {
    const ac = new AbortController();
    const stream = await docker.modem.dial<NodeJS.ReadableStream & { destroyed: boolean }>({ method: 'GET', path: '/events', expect: 'stream', signal: ac.signal });
    const first = await new Promise<string>((r) => stream.once('data', (c: Buffer) => r(c.toString())));
    assert.match(first, /"Action":"start"/);
    const ended = new Promise<void>((r) => { stream.on('error', () => r()); stream.on('close', () => r()); });
    ac.abort();
    await ended;
    await gone;
    assert.ok(stream.destroyed);
  } finally { await docker.modem.close(); await d.close(); }
});
