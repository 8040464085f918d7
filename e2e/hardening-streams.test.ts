/**
 * Hostile clients and upstreams on every streaming endpoint: a client that hangs up after 0, 1
 * or 100 bytes of the response (or in the middle of its upload), one that reads slowly, several
 * that read nothing for 10 s at once; registries, import and build-context servers that close in
 * the middle of a body. Each may fail only its own request: berthd keeps answering, the
 * container the stream was about still answers stop/inspect/wait, and nothing is left behind
 * (temp files, orphan blobs, build containers, open files, mounts).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TestDaemon, useDaemon } from './harness.js';
import { ensureBusybox } from './images.js';
import { registryPool, type TestRegistry } from './registry.js';
import { dechunk, fetchAll, hangUp, hangUpMidBody, stall, type RawRequest } from './raw-client.js';
import { api, assertServing, blobs, hasImage, noAuth, openFiles, settled, sleep, temps, until } from './hardening-helpers.js';
import { makeTar } from '../packages/engine/src/images/test-tar.js';

let d: TestDaemon;
let reg: TestRegistry;
const registries = registryPool();

/** A running container that writes a line every 20 ms, and a stopped one with a 3 MB log. */
let live = '';
let quiet = '';
let loadTar: Buffer;
let importTar: Buffer;
let contextTar: Buffer;
let pullRef = '';
let pushRef = '';

const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r.stdout; };

/** A one-layer image with 2 MB of random bytes (new blobs each time it is made). */
async function randomImageTar(): Promise<Buffer> {
  return makeTar([{ name: 'data/', type: 'directory' }, { name: 'data/random.bin', content: randomBytes(2 * 1024 * 1024) }]);
}

before(async () => {
  d = await useDaemon();
  ensureBusybox(d);
  reg = await registries.start(d);
  live = ok(d.berth(['run', '-d', '--name', 'live', 'busybox', 'sh', '-c', 'while true; do echo "tick $(date +%s%N) of the live container"; usleep 20000; done'])).trim();
  quiet = ok(d.berth(['run', '-d', '--name', 'quiet', 'busybox', 'sh', '-c', 'yes "a line of the quiet container log" | head -c 3000000'])).trim();
  assert.equal(ok(d.berth(['wait', quiet])), '0\n');
  // load: an archive of an image that is then removed (each load adds its blobs anew).
  const work = path.join(d.dir, 'work');
  fs.mkdirSync(work);
  fs.writeFileSync(path.join(work, 'loadme.tar'), await randomImageTar());
  ok(d.berth(['import', path.join(work, 'loadme.tar'), 'hang/loadme']));
  ok(d.berth(['save', '-o', path.join(work, 'loadme-image.tar'), 'hang/loadme']));
  ok(d.berth(['rmi', 'hang/loadme']));
  loadTar = fs.readFileSync(path.join(work, 'loadme-image.tar'));
  importTar = await randomImageTar();
  contextTar = await makeTar([{ name: 'Dockerfile', content: 'FROM busybox\nRUN yes "output of a build step" | head -c 200000\n' }]);
  // pull: an image only the registry has; push: a tag of busybox.
  pullRef = `${reg.host}/hang/pullme`;
  fs.writeFileSync(path.join(work, 'pullme.tar'), await randomImageTar());
  ok(d.berth(['import', path.join(work, 'pullme.tar'), pullRef]));
  ok(d.berth(['push', pullRef]));
  ok(d.berth(['rmi', pullRef]));
  pushRef = `${reg.host}/hang/pushme`;
  ok(d.berth(['tag', 'busybox', pushRef]));
});

interface Endpoint {
  name: string;
  /** A fresh request (exec instances are single-use). */
  request(): Promise<RawRequest>;
  /** The container the stream is about: stop/inspect/wait must still answer for it. */
  container?: () => string;
  /** An image the request may create: removed after each attempt, then the blobs must be as before. */
  creates?: string;
}

const enc = encodeURIComponent;

async function execRequest(id: string, cmd: string[], tty = false): Promise<RawRequest> {
  const r = await api(d, 'POST', `/containers/${id}/exec`, { Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: tty });
  assert.equal(r.status, 201, r.body);
  return { method: 'POST', path: `/exec/${r.json().Id}/start`, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify({ Detach: false, Tty: tty })), upgrade: true };
}

const endpoints: Endpoint[] = [
  { name: 'image save', request: async () => ({ method: 'GET', path: '/images/busybox/get' }) },
  { name: 'images save (names=)', request: async () => ({ method: 'GET', path: '/images/get?names=busybox' }) },
  { name: 'container export (running)', request: async () => ({ method: 'GET', path: `/containers/${live}/export` }), container: () => live },
  { name: 'container export (stopped)', request: async () => ({ method: 'GET', path: `/containers/${quiet}/export` }), container: () => quiet },
  { name: 'archive GET (running)', request: async () => ({ method: 'GET', path: `/containers/${live}/archive?path=/bin` }), container: () => live },
  { name: 'archive GET (stopped)', request: async () => ({ method: 'GET', path: `/containers/${quiet}/archive?path=/bin` }), container: () => quiet },
  { name: 'logs', request: async () => ({ method: 'GET', path: `/containers/${quiet}/logs?stdout=1&stderr=1&timestamps=1` }), container: () => quiet },
  { name: 'logs follow', request: async () => ({ method: 'GET', path: `/containers/${live}/logs?stdout=1&stderr=1&follow=1` }), container: () => live },
  { name: 'events', request: async () => ({ method: 'GET', path: '/events?since=1' }) },
  { name: 'stats stream', request: async () => ({ method: 'GET', path: `/containers/${live}/stats?stream=1` }), container: () => live },
  { name: 'attach (hijacked)', request: async () => ({ method: 'POST', path: `/containers/${live}/attach?stream=1&stdout=1&stderr=1&logs=1`, upgrade: true }), container: () => live },
  { name: 'attach (not upgraded)', request: async () => ({ method: 'POST', path: `/containers/${live}/attach?stream=1&stdout=1&stderr=1&logs=1` }), container: () => live },
  { name: 'exec start (hijacked)', request: () => execRequest(live, ['sh', '-c', 'yes "exec output" | head -c 2000000']), container: () => live },
  { name: 'exec start (hijacked, tty)', request: () => execRequest(live, ['sh', '-c', 'yes "exec output" | head -c 2000000'], true), container: () => live },
  { name: 'build progress', request: async () => ({ method: 'POST', path: '/build?t=hang%2Fbuilt&rm=1', headers: { 'Content-Type': 'application/x-tar' }, body: contextTar }), creates: 'hang/built' },
  { name: 'pull progress', request: async () => ({ method: 'POST', path: `/images/create?fromImage=${enc(pullRef)}&tag=latest`, headers: noAuth }), creates: 'PULL' },
  { name: 'push progress', request: async () => ({ method: 'POST', path: `/images/${enc(pushRef)}/push?tag=latest`, headers: noAuth }) },
  { name: 'load', request: async () => ({ method: 'POST', path: '/images/load?quiet=0', headers: { 'Content-Type': 'application/x-tar' }, body: loadTar }), creates: 'hang/loadme' },
  { name: 'import', request: async () => ({ method: 'POST', path: '/images/create?fromSrc=-&repo=hang%2Fimported', headers: { 'Content-Type': 'application/x-tar' }, body: importTar }), creates: 'hang/imported' },
];

const containerCount = async () => (await api(d, 'GET', '/containers/json?all=1')).json().length as number;
const mountsUnder = (dir: string) => fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir + '/'));

/** After an attempt: berthd serves, the container answers, and what the request may have made is gone or whole. */
async function afterAttempt(e: Endpoint, what: string, baseline: { blobs: string[]; containers: number }): Promise<void> {
  await assertServing(d, what);
  const id = e.container?.();
  if (id) {
    const r = await api(d, 'GET', `/containers/${id}/json`, undefined, { timeoutMs: 5000 });
    assert.equal(r.status, 200, `inspect after ${what}`);
  }
  if (e.creates) {
    const ref = e.creates === 'PULL' ? pullRef : e.creates;
    // Let the request end (abandoned or finished), then remove what it made.
    await settled(d, what);
    assert.equal(await containerCount(), baseline.containers, `${what}: build containers left`);
    if (await hasImage(d, ref)) {
      const r = await api(d, 'DELETE', `/images/${enc(ref)}`);
      assert.equal(r.status, 200, r.body);
    }
    assert.deepEqual(blobs(d), baseline.blobs, `${what}: orphan blobs`);
  }
  assert.deepEqual(temps(d), [], `${what}: temp files`);
}

test('a client hanging up after 0, 1 or 100 bytes of any streaming response fails only its request', async () => {
  await sleep(500);
  const baseline = { blobs: blobs(d), containers: await containerCount(), files: openFiles(d) };
  for (const e of endpoints) {
    for (const after of [-1, 0, 1, 100]) {
      const what = `${e.name}: hang-up after ${after < 0 ? 'sending the request' : `${after} bytes`}`;
      const r = await hangUp(d.socket, await e.request(), { after, timeoutMs: 15000 });
      if (after >= 0) assert.ok(r.status === 200 || r.status === 101, `${what}: status ${r.status}\n${r.head}\n${r.body}`);
      await afterAttempt(e, what, baseline);
    }
  }
  // Everything a stream held is released: open files (blob files, monitor connections) back to
  // what they were, no rootfs mount left, the stopped container's lock free (it starts), and the
  // execs whose clients left killed, as dockerd kills them.
  await until(() => openFiles(d) <= baseline.files + 6, `open files back near ${baseline.files} (now ${openFiles(d)})`, 15000);
  assert.deepEqual(mountsUnder(path.join(d.dataRoot, 'overlay2')).filter((m) => !m.includes(live)), []);
  assert.deepEqual(mountsUnder(path.join(d.dataRoot, 'builder')), []);
  assert.equal((await api(d, 'GET', `/containers/${live}/json`)).json().State.Running, true);
  await until(() => !/exec output/.test(ok(d.berth(['top', live]))), 'no exec left running', 10000);
  assert.equal((await api(d, 'POST', `/containers/${quiet}/start`, undefined, { timeoutMs: 5000 })).status, 204);
  assert.equal((await api(d, 'POST', `/containers/${quiet}/wait`, undefined, { timeoutMs: 15000 })).json().StatusCode, 0);
});

const archivePut: Endpoint = {
  name: 'archive PUT', container: () => live,
  request: async () => ({ method: 'PUT', path: `/containers/${live}/archive?path=/tmp`, headers: { 'Content-Type': 'application/x-tar' }, body: importTar }),
};

test('a client hanging up in the middle of its upload (load, import, build, cp) fails only its request', async () => {
  const baseline = { blobs: blobs(d), containers: await containerCount() };
  for (const e of [...endpoints.filter((x) => ['load', 'import', 'build progress'].includes(x.name)), archivePut]) {
    const req = await e.request();
    const body = req.body as Buffer;
    for (const at of [0, 1, 1000, Math.floor(body.length / 2)]) {
      const what = `${e.name}: upload cut after ${at} of ${body.length} bytes`;
      await hangUpMidBody(d.socket, { ...req, body }, at);
      await afterAttempt(e, what, baseline);
      if (e.creates) assert.equal(await hasImage(d, e.creates), false, `${what}: an image from a cut upload`);
      assert.deepEqual(d.unhandledErrors(), [], what);
    }
  }
});

test('a client reading slowly gets the whole stream', async () => {
  const r = await hangUp(d.socket, { method: 'GET', path: `/containers/${quiet}/logs?stdout=1&tail=200` }, { after: Number.MAX_SAFE_INTEGER, slowMs: 10, timeoutMs: 60000 });
  assert.equal(r.ended, true);
  assert.equal(r.status, 200);
  // 200 frames of "a line of the quiet container log\n" (8-byte stdcopy header each).
  const line = 'a line of the quiet container log\n';
  assert.ok(r.body.length >= 200 * (line.length + 8), `got ${r.body.length} bytes`);
  const save = await hangUp(d.socket, { method: 'GET', path: '/images/busybox/get' }, { after: Number.MAX_SAFE_INTEGER, slowMs: 20, timeoutMs: 120000 });
  assert.equal(save.ended, true);
  const whole = await fetchAll(d.socket, { method: 'GET', path: '/images/busybox/get' });
  assert.ok(dechunk(whole.body).length > 1024 * 1024, `save: ${whole.body.length} bytes`);
  assert.ok(dechunk(save.body).equals(dechunk(whole.body)), 'the slow reader got the same archive');
  await assertServing(d, 'slow readers');
});

test('clients that read nothing for 10 s hold no one up: ping, inspect, stop and wait answer meanwhile', async () => {
  const stalled = [
    { method: 'GET', path: '/images/busybox/get' },
    { method: 'GET', path: `/containers/${live}/export` },
    { method: 'GET', path: `/containers/${quiet}/logs?stdout=1&stderr=1` },
    { method: 'GET', path: `/containers/${live}/logs?stdout=1&follow=1` },
    { method: 'GET', path: `/containers/${live}/stats` },
    { method: 'GET', path: '/events?since=1' },
    { method: 'POST', path: `/containers/${live}/attach?stream=1&stdout=1&stderr=1`, upgrade: true },
    { method: 'POST', path: `/containers/${live}/attach?stream=1&stdout=1&stderr=1` },
    await execRequest(live, ['sh', '-c', 'yes "exec output" | head -c 5000000']),
  ] as RawRequest[];
  const stalls = Promise.all(stalled.map((r) => stall(d.socket, r, 10000)));
  const t0 = Date.now();
  await sleep(1500);
  for (let i = 0; i < 3; i++) {
    await assertServing(d, 'stalled clients');
    assert.equal((await api(d, 'GET', `/containers/${live}/json`, undefined, { timeoutMs: 3000 })).status, 200);
    await sleep(500);
  }
  const waited = api(d, 'POST', `/containers/${live}/wait`, undefined, { timeoutMs: 8000 });
  const stopped = await api(d, 'POST', `/containers/${live}/stop?t=1`, undefined, { timeoutMs: 6000 });
  assert.equal(stopped.status, 204, stopped.body);
  const w = await waited;
  assert.equal(w.status, 200);
  assert.equal(typeof w.json().StatusCode, 'number');
  assert.ok(Date.now() - t0 < 10000, 'answered while the clients stalled');
  await stalls;
  await assertServing(d, 'stalled clients hung up');
  ok(d.berth(['start', 'live']));
});

test('upstreams closing in the middle of a body fail only their request, leaving nothing behind', async () => {
  // A server on 127.0.0.1 in the daemon's namespace that announces 4 MB and closes after 100 kB
  // (and serves whole files under /good/: the remote contexts work when the server does).
  const www = fs.mkdtempSync(path.join(d.dir, 'www-'));
  fs.writeFileSync(path.join(www, 'context.tar'), await makeTar([{ name: 'Dockerfile', content: 'FROM busybox\nLABEL from=remote-tar\n' }]));
  fs.writeFileSync(path.join(www, 'dockerfile'), 'FROM busybox\nLABEL from=remote-dockerfile\n');
  const script = `const fs = require('fs');
  require('http').createServer((q, s) => {
    const type = q.url.includes('dockerfile') ? 'text/plain' : 'application/x-tar';
    if (q.url.startsWith('/good/')) { s.writeHead(200, { 'Content-Type': type }); s.end(fs.readFileSync(${JSON.stringify(www)} + q.url.slice(5))); return; }
    s.writeHead(200, { 'Content-Type': type, 'Content-Length': 4194304 });
    s.write(Buffer.alloc(102400, 97));
    setTimeout(() => s.socket.destroy(), 100);
  }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const { spawn } = await import('node:child_process');
  const argv = d.nsArgv([process.execPath, '-e', script]);
  const server = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => server.stdout!.once('data', (c) => resolve(Number(String(c).trim()))));
    const baseline = blobs(d);
    // import <URL>
    const r = d.docker(['import', `http://127.0.0.1:${port}/rootfs.tar`, 'hang/url-import']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`^Get "http://127\\.0\\.0\\.1:${port}/rootfs\\.tar": \\S`), 'the error names the download');
    await assertServing(d, 'import from a URL that closed mid-body');
    // build <URL> (the API's remote context: a tar, and a plain Dockerfile)
    for (const p of ['context.tar', 'dockerfile']) {
      const url = `http://127.0.0.1:${port}/${p}`;
      const res = await api(d, 'POST', `/build?remote=${enc(url)}&t=hang%2Furl-build`, undefined, { timeoutMs: 30000 });
      assert.equal(res.status, 500, res.body);
      assert.ok(res.json().message.startsWith(`error downloading remote context ${url}: `), res.body);
      await assertServing(d, `build from a ${p} URL that closed mid-body`);
    }
    assert.equal(await hasImage(d, 'hang/url-import'), false);
    assert.equal(await hasImage(d, 'hang/url-build'), false);
    assert.deepEqual(temps(d), []);
    assert.deepEqual(blobs(d), baseline);
    assert.deepEqual(fs.readdirSync(path.join(d.dataRoot, 'builder')), [], 'no build dir left');
    // The same remote contexts served whole build.
    for (const p of ['context.tar', 'dockerfile']) {
      const res = await api(d, 'POST', `/build?remote=${enc(`http://127.0.0.1:${port}/good/${p}`)}&t=hang%2Furl-build`, undefined, { timeoutMs: 60000 });
      assert.equal(res.status, 200, res.body);
      assert.match(res.body, /Successfully tagged hang\/url-build:latest/);
      assert.equal(ok(d.berth(['inspect', '--format', '{{.Config.Labels.from}}', 'hang/url-build'])), `remote-${p === 'dockerfile' ? 'dockerfile' : 'tar'}\n`);
    }
    ok(d.berth(['rmi', 'hang/url-build']));
  } finally {
    server.kill('SIGKILL');
  }
});

test('a registry closing in the middle of a blob fails the pull only, with no temp file or orphan blob', async () => {
  // A proxy in front of the real registry that cuts every layer blob response after 64 kB.
  const upstream = reg.host;
  const script = `const http = require('http');
  http.createServer((q, s) => {
    const up = http.request({ host: '127.0.0.1', port: ${reg.port}, path: q.url, method: q.method, headers: q.headers }, (r) => {
      const blob = /\\/blobs\\/sha256:/.test(q.url) && Number(r.headers['content-length']) > 100000;
      s.writeHead(r.statusCode, r.headers);
      let n = 0;
      r.on('data', (c) => {
        if (blob && (n += c.length) > 65536) { s.socket.destroy(); r.destroy(); return; }
        s.write(c);
      });
      r.on('end', () => s.end());
    });
    q.pipe(up);
  }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const { spawn } = await import('node:child_process');
  const argv = d.nsArgv([process.execPath, '-e', script]);
  const proxy = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => proxy.stdout!.once('data', (c) => resolve(Number(String(c).trim()))));
    const baseline = blobs(d);
    const ref = pullRef.replace(upstream, `127.0.0.1:${port}`);
    for (const cli of ['berth', 'docker'] as const) {
      const r = d[cli](['pull', ref], { timeout: 60000 });
      assert.equal(r.code, 1, `${cli} pull through a cutting proxy: ${r.stdout}`);
      assert.match(r.stdout, /Pulling fs layer/);
      assert.match(r.stderr, /\S/, `${cli}: an error message`);
      await assertServing(d, `${cli} pull from a registry that closed mid-blob`);
      assert.equal(await hasImage(d, ref), false);
      await until(() => temps(d).length === 0, 'no temp files');
      assert.deepEqual(blobs(d), baseline, 'no orphan blob');
    }
  } finally {
    proxy.kill('SIGKILL');
  }
});

test('an error nothing handled is logged with the marker, berthd keeps serving, and the harness fails such a file', async () => {
  // A daemon of its own (not useDaemon: its teardown is expected to fail), with a preload that
  // throws and rejects once berthd has installed its last-resort handlers.
  const preload = path.join(d.dir, 'unhandled-preload.cjs');
  fs.writeFileSync(preload, `const iv = setInterval(() => {
    if (!process.listenerCount('unhandledRejection')) return;
    clearInterval(iv);
    setTimeout(() => { throw new Error('thrown by the test preload'); }, 10);
    setTimeout(() => { Promise.reject(new Error('rejected by the test preload')); }, 20);
  }, 10);\n`);
  const t = new TestDaemon({ env: { NODE_OPTIONS: `--require ${preload}` } });
  try {
    await t.start();
    await until(() => t.unhandledErrors().length >= 2, 'both errors logged');
    assert.match(t.unhandledErrors().join('\n'), /unhandled error: exception: thrown by the test preload/);
    assert.match(t.unhandledErrors().join('\n'), /unhandled error: rejection: rejected by the test preload/);
    assert.equal(t.berth(['version', '--format', '{{.Server.Os}}']).stdout, 'linux\n', 'still serving');
    assert.equal(t.proc!.exitCode, null);
  } finally {
    await assert.rejects(t.teardown(), /berthd logged errors no request path handled:\n.*unhandled error: exception: thrown by the test preload/);
  }
});

test('wait?condition=next-exit on a created container removed with force ends with Docker\'s body', async () => {
  const id = ok(d.berth(['create', 'busybox', 'true'])).trim();
  const waited = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, method: 'POST', path: `/containers/${id}/wait?condition=next-exit`, agent: false }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    req.end();
  });
  await sleep(300);
  ok(d.berth(['rm', '-f', id]));
  const r = await Promise.race([waited, sleep(5000).then(() => ({ status: -1, body: 'no body within 5 s' }))]);
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"Error":null,"StatusCode":0}\n');
});
