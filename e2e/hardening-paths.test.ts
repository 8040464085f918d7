/**
 * Paths opened on behalf of a container or a build context stay inside that root, whatever the
 * container or the context does (CVE-2018-15664 class): a container swapping a directory for a
 * symlink to a host path while cp runs in and out; a Dockerfile or a COPY source that is a symlink
 * to a host file; cp error cases answered with Docker's texts while berthd stays up; a slow export
 * of a stopped container holding no lock that stop, inspect and wait need.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok } from './containers-helpers.js';

let d: TestDaemon;
let tmp: string;
/** Host-side canary: a directory outside every container, with a file of secret content. */
let canary: string;
const secret = `CANARY-${randomBytes(8).toString('hex')}`;

before(async () => {
  d = await busyboxDaemon();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hardening-'));
  canary = path.join(tmp, 'canary');
  fs.mkdirSync(canary);
  fs.writeFileSync(path.join(canary, 'secret'), `${secret}\n`);
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

interface Res { status: number; body: Buffer; headers: http.IncomingHttpHeaders }

function api(method: string, p: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, path: p, method, agent: false, headers: { 'Content-Type': 'application/x-tar', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request that may lose a race: a connection cut is an answer too (status 0). */
const raced = (method: string, p: string, body?: Buffer) =>
  api(method, p, body).catch((): Res => ({ status: 0, body: Buffer.alloc(0), headers: {} }));

async function pingOk(): Promise<void> {
  const r = await api('GET', '/_ping');
  assert.equal(r.status, 200, 'berthd answers /_ping');
  assert.equal(r.body.toString(), 'OK');
}

/** A tar of the given files (made by GNU tar from a scratch dir). */
function tarOf(files: Record<string, string>, links: Record<string, string> = {}): Buffer {
  const dir = fs.mkdtempSync(path.join(tmp, 'tar-'));
  for (const [n, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    fs.writeFileSync(path.join(dir, n), c);
  }
  for (const [n, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, n));
  return execFileSync('tar', ['-C', dir, '-c', '.']);
}

const canaryUntouched = () => {
  assert.deepEqual(fs.readdirSync(canary), ['secret'], 'nothing written into the host canary dir');
  assert.equal(fs.readFileSync(path.join(canary, 'secret'), 'utf8'), `${secret}\n`);
};

test('a container swapping a directory for a symlink to a host path: hundreds of cp in and out never reach the host', async () => {
  // /w/d flips between a real directory and a symlink to the host canary dir, as fast as sh can.
  const loop = `mkdir -p /w/d && echo inside > /w/d/secret && while true; do mv /w/d /w/x; ln -s ${canary} /w/d; rm /w/d; mv /w/x /w/d; done`;
  ok(d.docker(['run', '-d', '--name', 'swapper', 'busybox', 'sh', '-c', loop]));
  const payload = tarOf({ pwned: 'written by cp\n' });
  const deadline = Date.now() + 40000;
  const counts = { put: 0, putOk: 0, get: 0, getOk: 0, inside: 0 };
  const worker = async (kind: 'put' | 'get') => {
    while (counts[kind] < 300 && Date.now() < deadline) {
      counts[kind]++;
      if (kind === 'put') {
        const r = await raced('PUT', '/containers/swapper/archive?path=/w/d', payload);
        if (r.status === 200) counts.putOk++;
        assert.ok(!r.body.includes(secret));
      } else {
        const r = await raced('GET', '/containers/swapper/archive?path=/w/d/secret');
        assert.ok(!r.body.includes(secret), 'a cp out returned the host secret');
        if (r.status === 200) counts.getOk++;
        if (r.body.includes('inside')) counts.inside++;
      }
    }
  };
  await Promise.all([worker('put'), worker('put'), worker('get'), worker('get')]);
  canaryUntouched();
  assert.ok(counts.put >= 300 && counts.get >= 300, JSON.stringify(counts));
  assert.ok(counts.putOk > 0 && counts.inside > 0, `the race ran against a live directory: ${JSON.stringify(counts)}`);
  // what landed, landed inside the container
  assert.equal(ok(d.docker(['exec', 'swapper', 'sh', '-c', `cat /w/x/pwned /w/d/pwned ${canary}/pwned 2>/dev/null | head -1`])), 'written by cp\n');
  ok(d.docker(['rm', '-f', 'swapper']));
  await pingOk();
});

test('a Dockerfile that is a symlink to a host file: Cannot locate specified Dockerfile, no host byte', async () => {
  const hostFile = path.join(canary, 'secret');
  const ctx = tarOf({ 'real.txt': 'x' }, { dl: hostFile, up: `../../../../../../../..${hostFile}` });
  for (const name of ['dl', 'up']) {
    const r = await api('POST', `/build?dockerfile=${name}`, ctx);
    const text = r.body.toString();
    assert.match(text, new RegExp(`Cannot locate specified Dockerfile: ${name}`), text);
    assert.ok(!text.includes(secret), `host bytes in the answer: ${text}`);
  }
  const out = await api('POST', '/build?dockerfile=../../etc/passwd', ctx);
  assert.match(out.body.toString(), /Forbidden path outside the build context: \.\.\/\.\.\/etc\/passwd/);
  canaryUntouched();
  await pingOk();
});

test('COPY of a symlink to a host file or dir: not found in the build context, no host byte in the output', () => {
  const hostFile = path.join(canary, 'secret');
  const cases: [string, Record<string, string>, RegExp][] = [
    ['COPY leak /leak', { leak: hostFile }, /COPY failed: file not found in build context or excluded by \.dockerignore: stat leak: file does not exist/],
    ['COPY climb /leak', { climb: `../../../../../../..${hostFile}` }, /COPY failed: file not found in build context or excluded by \.dockerignore: stat climb: file does not exist/],
    ['COPY ldir/secret /leak', { ldir: canary }, /COPY failed: file not found in build context or excluded by \.dockerignore: stat ldir\/secret: file does not exist/],
    ['COPY l* /leaks/', { leak: hostFile, ldir: canary }, /COPY failed: file not found in build context or excluded by \.dockerignore/],
    ['COPY ../secret /leak', {}, /COPY failed: forbidden path outside the build context: \.\.\/secret/],
  ];
  for (const [line, links, msg] of cases) {
    const dir = fs.mkdtempSync(path.join(tmp, 'ctx-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM busybox\n${line}\n`);
    for (const [n, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, n));
    const r = d.docker(['build', '--no-cache', dir], { env: { DOCKER_BUILDKIT: '0' } });
    assert.equal(r.code, 1, `${line}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr + r.stdout, msg, line);
    assert.ok(!(r.stdout + r.stderr).includes(secret), `host bytes in the build output of ${line}`);
  }
  // the same symlinks inside a directory source are copied as links, never as the host's bytes
  const dir = fs.mkdtempSync(path.join(tmp, 'ctx-'));
  fs.mkdirSync(path.join(dir, 'tree'));
  fs.symlinkSync(hostFile, path.join(dir, 'tree/leak'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY tree /tree/\nRUN cat /tree/leak || echo no-leak\n');
  const r = d.docker(['build', '--no-cache', '-t', 'hardening-tree', dir], { env: { DOCKER_BUILDKIT: '0' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no-leak/);
  assert.ok(!r.stdout.includes(secret));
  assert.equal(ok(d.docker(['run', '--rm', 'hardening-tree', 'readlink', '/tree/leak'])), `${hostFile}\n`);
  canaryUntouched();
});

test("docker cp over a directory, into a missing parent, onto a read-only file: Docker's errors, berthd stays up", async () => {
  const src = path.join(tmp, 'cpsrc');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'tmp'), 'a file named tmp\n');
  fs.writeFileSync(path.join(src, 'file.txt'), 'payload\n');
  const roFile = path.join(tmp, 'ro.txt');
  fs.writeFileSync(roFile, 'read-only original\n');
  ok(d.docker(['run', '-d', '--name', 'cperr', '-v', `${roFile}:/ro.txt:ro`, 'busybox', 'sleep', '1000']));

  const over = d.docker(['cp', path.join(src, 'tmp'), 'cperr:/']);
  assert.equal(over.code, 1, over.stderr);
  assert.match(over.stderr, /Error response from daemon: cannot overwrite directory "tmp" with non-directory "\/"/);
  assert.equal(ok(d.docker(['exec', 'cperr', 'sh', '-c', 'test -d /tmp && echo dir'])), 'dir\n');
  await pingOk();

  const missing = d.docker(['cp', path.join(src, 'file.txt'), 'cperr:/nope/x']);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /Error response from daemon: Could not find the file \/nope in container cperr/);
  await pingOk();

  const ro = d.docker(['cp', path.join(src, 'file.txt'), 'cperr:/ro.txt']);
  assert.equal(ro.code, 1, ro.stderr);
  assert.match(ro.stderr, /Error response from daemon: unlinkat \/ro\.txt: device or resource busy/);
  assert.equal(fs.readFileSync(roFile, 'utf8'), 'read-only original\n');
  assert.equal(ok(d.docker(['exec', 'cperr', 'cat', '/ro.txt'])), 'read-only original\n');
  await pingOk();

  // a broken archive and a client that hangs up mid-upload: errors, no crash
  const bad = await api('PUT', '/containers/cperr/archive?path=/tmp', Buffer.from('not a tar at all'.repeat(64)));
  assert.equal(bad.status, 500);
  await pingOk();
  await new Promise<void>((resolve) => {
    const req = http.request({ socketPath: d.socket, path: '/containers/cperr/archive?path=/tmp', method: 'PUT', agent: false });
    req.on('error', () => resolve());
    req.write(tarOf({ big: 'x'.repeat(200000) }).subarray(0, 70000));
    setTimeout(() => { req.destroy(); resolve(); }, 300);
  });
  await pingOk();
  ok(d.docker(['rm', '-f', 'cperr']));
});

test('stop, inspect and wait of a stopped container answer at once while its export is read slowly', async () => {
  ok(d.docker(['run', '--name', 'slowexp', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=48 2>/dev/null']));
  const exported = new Promise<{ bytes: number; paused: () => void }>((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, path: '/containers/slowexp/export', method: 'GET', agent: false }, (res) => {
      assert.equal(res.statusCode, 200);
      res.pause(); // the client reads nothing for a while
      let bytes = 0;
      resolve({ bytes, paused: () => { res.on('data', (c: Buffer) => { bytes += c.length; }); res.on('end', () => { done(bytes); }); res.resume(); } });
    });
    req.on('error', reject);
    req.end();
  });
  let done: (n: number) => void = () => undefined;
  const finished = new Promise<number>((r) => { done = r; });
  const exp = await exported;
  await new Promise((r) => setTimeout(r, 1000)); // buffers full: the archiver is blocked on the client
  const timed = async (method: string, p: string) => {
    const t0 = Date.now();
    const r = await api(method, p, undefined, { 'Content-Type': 'application/json' });
    return { ...r, ms: Date.now() - t0 };
  };
  const stop = await timed('POST', '/containers/slowexp/stop');
  assert.equal(stop.status, 304);
  assert.ok(stop.ms < 1500, `stop took ${stop.ms} ms`);
  const inspect = await timed('GET', '/containers/slowexp/json');
  assert.equal(inspect.status, 200);
  assert.ok(inspect.ms < 1500, `inspect took ${inspect.ms} ms`);
  const wait = await timed('POST', '/containers/slowexp/wait');
  assert.equal(wait.status, 200);
  assert.equal(JSON.parse(wait.body.toString()).StatusCode, 0);
  assert.ok(wait.ms < 1500, `wait took ${wait.ms} ms`);
  await new Promise((r) => setTimeout(r, 2000)); // still not reading
  exp.paused();
  const bytes = await finished;
  assert.ok(bytes > 48 * 1024 * 1024, `the export completed after the pause (${bytes} bytes)`);
  ok(d.docker(['start', 'slowexp'])); // a start after the export works on the same upperdir
  ok(d.docker(['rm', '-f', 'slowexp']));
  await pingOk();
});
