/**
 * A full disk: berthd's data root on a small tmpfs. Pull, load, import, build, commit, create
 * and a container exit each meet ENOSPC: every request gets an error with a message, berthd
 * keeps serving, the previous state on disk stays whole, and nothing of the failed request is
 * left (no temp file, no orphan blob or layer, no half-created container) — at once, not at
 * the next start. Once space is freed, everything works again.
 */
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { useDaemon, type TestDaemon } from './harness.js';
import { ensureBusybox } from './images.js';
import { registryPool, type TestRegistry } from './registry.js';
import { assertServing, blobs, hasImage, layerDir, temps, until } from './hardening-helpers.js';
import { makeTar } from '../packages/engine/src/images/test-tar.js';

let d: TestDaemon;
let reg: TestRegistry;
const registries = registryPool();
let work = '';
let filler = '';

const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r.stdout; };
const free = () => { const s = fs.statfsSync(d.dataRoot); return s.bavail * s.bsize; };
const layers = () => fs.readdirSync(layerDir(d)).sort();
const containerDirs = () => fs.readdirSync(path.join(d.dataRoot, 'containers')).sort();

/** Take all but `leave` bytes of the data root. */
function fill(leave: number): void {
  const n = free() - leave;
  if (n > 0) execFileSync('fallocate', ['-l', String(n), filler]);
}

/** Fill the last bytes too (fallocate leaves what is smaller than its granularity). */
function fillUp(): void {
  fill(0);
  const fd = fs.openSync(`${filler}-tail`, 'a');
  try { for (;;) fs.writeSync(fd, Buffer.alloc(4096)); } catch (e) { assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC'); } finally { fs.closeSync(fd); }
}

function makeRoom(): void {
  fs.rmSync(filler, { force: true });
  fs.rmSync(`${filler}-tail`, { force: true });
}

/** A one-layer image tar with `size` random bytes. */
const randomTar = (size: number) => makeTar([{ name: 'data/', type: 'directory' }, { name: 'data/random.bin', content: randomBytes(size) }]);

const MB = 1024 * 1024;

before(async () => {
  d = await useDaemon({ dataRootSize: '40m' });
  filler = path.join(d.dataRoot, 'filler');
  work = path.join(d.dir, 'work');
  fs.mkdirSync(work);
  ensureBusybox(d);
  reg = await registries.start(d);
});

afterEach(() => makeRoom());

/** What a failed request must leave: the stores as they were, and berthd serving. */
async function assertNothingLeft(what: string, before: { blobs: string[]; layers: string[]; containers: string[] }): Promise<void> {
  await assertServing(d, what);
  assert.deepEqual(temps(d), [], `${what}: temp files`);
  assert.deepEqual(blobs(d), before.blobs, `${what}: orphan blobs`);
  assert.deepEqual(layers(), before.layers, `${what}: orphan layers`);
  assert.deepEqual(containerDirs(), before.containers, `${what}: container dirs`);
}

const snapshot = () => ({ blobs: blobs(d), layers: layers(), containers: containerDirs() });
const noSpace = /no space left on device/i;

test('pull on a full disk: an error, no temp file, no orphan blob; it works once there is room', async () => {
  const ref = `${reg.host}/disk/pullme`;
  fs.writeFileSync(path.join(work, 'pullme.tar'), await randomTar(4 * MB));
  ok(d.berth(['import', path.join(work, 'pullme.tar'), ref]));
  ok(d.berth(['push', ref]));
  ok(d.berth(['rmi', ref]));
  const before = snapshot();
  for (const leave of [MB, 6 * MB]) { // the blob does not fit; the blob fits but its layer does not
    fill(leave);
    for (const cli of ['berth', 'docker'] as const) {
      const r = d[cli](['pull', ref]);
      assert.equal(r.code, 1, `${cli} pull leaving ${leave}: ${r.stdout}`);
      assert.match(r.stderr, noSpace, `${cli}: ${r.stderr}`);
      assert.equal(await hasImage(d, ref), false);
      await assertNothingLeft(`${cli} pull with ${leave} bytes free`, before);
    }
    makeRoom();
  }
  ok(d.berth(['pull', ref]));
  assert.equal(await hasImage(d, ref), true);
  ok(d.berth(['rmi', ref]));
});

test('load and import on a full disk: an error, nothing left; they work once there is room', async () => {
  fs.writeFileSync(path.join(work, 'loadme.tar'), await randomTar(4 * MB));
  ok(d.berth(['import', path.join(work, 'loadme.tar'), 'disk/loadme']));
  ok(d.berth(['save', '-o', path.join(work, 'loadme-image.tar'), 'disk/loadme']));
  ok(d.berth(['rmi', 'disk/loadme']));
  const before = snapshot();
  for (const leave of [MB, 6 * MB]) {
    fill(leave);
    for (const cli of ['berth', 'docker'] as const) {
      let r = d[cli](['load', '-i', path.join(work, 'loadme-image.tar')]);
      assert.equal(r.code, 1, `${cli} load leaving ${leave}: ${r.stdout}`);
      assert.match(r.stderr, noSpace, `${cli} load: ${r.stderr}`);
      await assertNothingLeft(`${cli} load with ${leave} bytes free`, before);
      r = d[cli](['import', path.join(work, 'loadme.tar'), 'disk/imported']);
      assert.equal(r.code, 1, `${cli} import leaving ${leave}: ${r.stdout}`);
      assert.match(r.stderr, noSpace, `${cli} import: ${r.stderr}`);
      await assertNothingLeft(`${cli} import with ${leave} bytes free`, before);
    }
    makeRoom();
  }
  assert.match(ok(d.berth(['load', '-i', path.join(work, 'loadme-image.tar')])), /Loaded image: disk\/loadme:latest/);
  ok(d.berth(['import', path.join(work, 'loadme.tar'), 'disk/imported']));
  ok(d.berth(['rmi', 'disk/loadme', 'disk/imported']));
});

test('build and commit on a full disk: an error, no build container or layer left; they work once there is room', async () => {
  const ctx = path.join(work, 'ctx');
  fs.mkdirSync(ctx);
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN head -c 3000000 /dev/urandom > /data.bin\n');
  const before = snapshot();
  // Room for the step's 3 MB but not for the layer tar made of them; then room for the tar but
  // not for the layer extracted from it.
  for (const leave of [4 * MB, 7.5 * MB]) {
    fill(leave);
    for (const cli of ['berth', 'docker'] as const) {
      const r = d[cli](['build', '-t', 'disk/built', ctx], { env: { DOCKER_BUILDKIT: '0' } });
      assert.equal(r.code, 1, `${cli} build leaving ${leave}: ${r.stdout}`);
      assert.match(r.stderr + r.stdout, noSpace, `${cli} build: ${r.stderr}`);
      await until(() => containerDirs().join() === before.containers.join(), 'the step container removed');
      await assertNothingLeft(`${cli} build leaving ${leave}`, before);
      assert.deepEqual(fs.readdirSync(path.join(d.dataRoot, 'builder')), []);
    }
    makeRoom();
  }
  // commit: a container that wrote 3 MB, committed with no room for its layer tar, then none for the layer.
  ok(d.berth(['run', '--name', 'wrote', 'busybox', 'sh', '-c', 'head -c 3000000 /dev/urandom > /data.bin']));
  const withContainer = snapshot();
  for (const leave of [2 * MB, 4.5 * MB]) {
    fill(leave);
    const r = d.docker(['commit', 'wrote', 'disk/committed']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, noSpace);
    await assertNothingLeft(`commit leaving ${leave}`, withContainer);
    makeRoom();
  }
  ok(d.berth(['build', '-t', 'disk/built', ctx]));
  ok(d.berth(['commit', 'wrote', 'disk/committed']));
  ok(d.berth(['rm', 'wrote']));
  ok(d.berth(['rmi', 'disk/built', 'disk/committed']));
});

test('create on a full disk: an error and no half-created container; a container exit on a full disk is kept and written once there is room', async () => {
  const before = snapshot();
  const names = () => ok(d.berth(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
  const namesBefore = names();
  fillUp();
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['run', '--name', `full-${cli}`, '-v', '/anon', 'busybox', 'true']);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, noSpace, `${cli} run: ${r.stderr}`);
    await assertNothingLeft(`${cli} run`, before);
    assert.deepEqual(names(), namesBefore);
    assert.equal(ok(d.berth(['volume', 'ls', '-q'])), '', 'no volume of a failed create');
  }
  makeRoom();
  // A container that writes until the disk is full, then exits with the disk still full.
  const id = ok(d.berth(['run', '-d', '--name', 'hog', 'busybox', 'sh', '-c', 'cat /dev/zero > /big; sleep 1; exit 3'])).trim();
  const onDisk = () => JSON.parse(fs.readFileSync(path.join(d.dataRoot, 'containers', id, 'config.v2.json'), 'utf8')).State;
  await until(() => /container state not saved, will retry/.test(d.log), 'the failed exit write logged', 20000);
  await assertServing(d, 'a container exit on a full disk');
  const st = JSON.parse(ok(d.berth(['inspect', 'hog'])))[0].State;
  assert.equal(st.Status, 'exited');
  assert.equal(st.ExitCode, 3);
  assert.equal(onDisk().Running, true, 'the previous state stays on disk, whole');
  assert.equal(ok(d.berth(['wait', 'hog'])), '3\n');
  // Room again (the container's own file goes): the state lands within a retry.
  const upper = ok(d.berth(['inspect', '--format', '{{.GraphDriver.Data.UpperDir}}', 'hog'])).trim();
  fs.rmSync(path.join(upper, 'big'));
  await until(() => onDisk().Status === 'exited' && onDisk().ExitCode === 3, 'the exit written to disk', 15000);
  // And it is what a restarted berthd knows.
  await d.stop();
  await d.start();
  assert.equal(ok(d.berth(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'hog'])), 'exited 3\n');
  ok(d.berth(['rm', 'hog']));
  ok(d.berth(['run', '--rm', 'busybox', 'true']));
});
