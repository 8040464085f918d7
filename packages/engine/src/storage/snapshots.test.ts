/**
 * Conformance of the overlay snapshotter (containerd's snapshotter contract): prepare, view,
 * commit, remove and mounts; parents and their order; a snapshot something is built on cannot
 * be removed; metadata survives a reopen; what a crash leaves is cleaned at open. Needs root
 * (the mounts are real).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conflict, InvalidArgument, NotFound } from '@berth/shared';
import { Snapshotter, readSnapshotRecord, writeSnapshotRecord, type SnapshotterDirs } from './snapshots.js';
import { mount, mountAll, mountsUnder, unmount } from './mount.js';

let base = '';
let n = 0;
before(() => { base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-snapshots-')); });
after(async () => {
  for (const m of mountsUnder(base)) await unmount(m, { detach: true });
  fs.rmSync(base, { recursive: true, force: true });
});

function freshDirs(): SnapshotterDirs {
  const root = path.join(base, `r${n++}`);
  return { layers: path.join(root, 'image', 'layers'), overlay: path.join(root, 'overlay2') };
}

const CHAIN = (c: string) => `sha256:${c.repeat(64)}`;

/** A committed snapshot `name` over `parent` holding `files` (path → content). */
async function layer(s: Snapshotter, name: string, parent: string | null, files: Record<string, string>): Promise<void> {
  const key = `k-${name.replace(/[^a-z0-9]/g, '').slice(-12)}-${n++}`;
  await s.prepare(key, parent, { temporary: true });
  const upper = s.paths(key).upper!;
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(upper, p)), { recursive: true });
    fs.writeFileSync(path.join(upper, p), content);
  }
  await s.commit(name, key);
}

/** Mount `key`'s mounts on a fresh dir for `fn`. */
async function withMounted<T>(s: Snapshotter, key: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = fs.mkdtempSync(path.join(base, 'mnt-'));
  await mountAll(s.mounts(key), dir);
  try { return await fn(dir); } finally { await unmount(dir, { detach: true }); fs.rmdirSync(dir); }
}

test('prepare with no parent: a writable layer of its own, mounted as a bind', async () => {
  const s = await Snapshotter.open(freshDirs());
  const mounts = await s.prepare('c1', null);
  assert.deepEqual(mounts, [{ type: 'bind', source: s.paths('c1').upper, options: ['rw', 'rbind'] }]);
  assert.deepEqual(s.stat('c1'), { kind: 'active', name: 'c1', parent: null, temporary: false, disposable: false });
  await withMounted(s, 'c1', (dir) => fs.writeFileSync(path.join(dir, 'f'), 'x'));
  assert.equal(fs.readFileSync(path.join(s.paths('c1').upper!, 'f'), 'utf8'), 'x');
});

test('commit names a layer others build on; prepare over it sees it, writes go to its own upperdir', async () => {
  const s = await Snapshotter.open(freshDirs());
  await layer(s, CHAIN('a'), null, { 'bin/sh': 'base', 'etc/x': 'base x' });
  await layer(s, CHAIN('b'), CHAIN('a'), { 'etc/x': 'top x' });
  assert.deepEqual(s.stat(CHAIN('b')), { kind: 'committed', name: CHAIN('b'), parent: CHAIN('a'), temporary: false, disposable: false });
  assert.ok(s.paths(CHAIN('b')).dir!.endsWith(`image/layers/${'b'.repeat(64)}`), 'image layers live under image/layers');
  const [m] = await s.prepare('ctr', CHAIN('b'));
  const p = s.paths('ctr');
  assert.equal(m!.type, 'overlay');
  assert.deepEqual(m!.options, [`workdir=${path.join(p.dir!, 'work')}`, `upperdir=${p.upper}`,
    `lowerdir=${s.paths(CHAIN('b')).upper}:${s.paths(CHAIN('a')).upper}`], 'lowerdirs topmost first');
  assert.deepEqual(s.ancestors('ctr'), [CHAIN('b'), CHAIN('a')]);
  await withMounted(s, 'ctr', (dir) => {
    assert.equal(fs.readFileSync(path.join(dir, 'bin/sh'), 'utf8'), 'base');
    assert.equal(fs.readFileSync(path.join(dir, 'etc/x'), 'utf8'), 'top x');
    fs.writeFileSync(path.join(dir, 'new'), 'mine');
  });
  assert.equal(fs.readFileSync(path.join(p.upper!, 'new'), 'utf8'), 'mine');
  assert.ok(!fs.existsSync(path.join(s.paths(CHAIN('b')).upper!, 'new')), 'committed layers are not written');
  // the active snapshot committed in turn: the key is gone, the name is there with the same parent and files
  await s.commit('ctr-image', 'ctr');
  assert.equal(s.has('ctr'), false);
  assert.deepEqual(s.stat('ctr-image'), { kind: 'committed', name: 'ctr-image', parent: CHAIN('b'), temporary: false, disposable: false });
  assert.equal(fs.readFileSync(path.join(s.paths('ctr-image').upper!, 'new'), 'utf8'), 'mine');
  assert.throws(() => s.mounts('ctr-image'), InvalidArgument, 'a committed snapshot is not mounted itself');
});

test('views: read-only; one layer read in place, more through an overlay with no upperdir', async () => {
  const s = await Snapshotter.open(freshDirs());
  await layer(s, CHAIN('1'), null, { f: 'one' });
  await layer(s, CHAIN('2'), CHAIN('1'), { g: 'two' });
  assert.deepEqual(await s.view('v1', CHAIN('1')), [{ type: 'bind', source: s.paths(CHAIN('1')).upper, options: ['ro', 'rbind'] }]);
  const [m] = await s.view('v2', CHAIN('2'));
  assert.deepEqual(m, { type: 'overlay', source: 'overlay', options: [`lowerdir=${s.paths(CHAIN('2')).upper}:${s.paths(CHAIN('1')).upper}`] });
  for (const key of ['v1', 'v2']) {
    await withMounted(s, key, (dir) => {
      assert.equal(fs.readFileSync(path.join(dir, 'f'), 'utf8'), 'one');
      assert.throws(() => fs.writeFileSync(path.join(dir, 'w'), 'x'), { code: 'EROFS' });
    });
  }
  assert.equal(s.stat('v2').kind, 'view');
  assert.equal(await s.withView(CHAIN('2'), async (root) => fs.readFileSync(path.join(root, 'g'), 'utf8')), 'two');
  assert.deepEqual(s.list().filter((x) => x.kind === 'view').map((x) => x.name).sort(), ['v1', 'v2'], 'withView leaves no view behind');
  await assert.rejects(s.commit('nope', 'v1'), InvalidArgument, 'a view cannot be committed');
});

test('references: a snapshot something is built on cannot be removed; children first', async () => {
  const s = await Snapshotter.open(freshDirs());
  await layer(s, CHAIN('c'), null, { f: 'x' });
  await layer(s, CHAIN('d'), CHAIN('c'), { g: 'y' });
  await s.prepare('ctr', CHAIN('d'));
  await s.view('look', CHAIN('c'));
  await assert.rejects(s.remove(CHAIN('d')), (e: Error) => e instanceof Conflict && /has a child \(ctr\)/.test(e.message));
  await assert.rejects(s.remove(CHAIN('c')), (e: Error) => e instanceof Conflict && /2 children/.test(e.message));
  assert.deepEqual(s.children(CHAIN('c')).sort(), [CHAIN('d'), 'look'].sort());
  await s.remove('ctr');
  await s.remove(CHAIN('d'));
  await assert.rejects(s.remove(CHAIN('c')), Conflict, 'the view still reads it');
  await s.remove('look');
  await s.remove(CHAIN('c'));
  assert.deepEqual(s.list(), []);
  const dirs = s.dirs;
  assert.deepEqual(fs.readdirSync(dirs.layers), [], 'the layers\' files are gone');
  assert.deepEqual(fs.readdirSync(dirs.overlay), ['.empty']);
  await assert.rejects(s.remove('ctr'), NotFound);
});

test('a disposable snapshot goes with its parent when nothing is built on it, and survives a reopen as one', async () => {
  const dirs = freshDirs();
  let s = await Snapshotter.open(dirs);
  await layer(s, CHAIN('8'), null, { f: 'x' });
  await s.prepare('cache-k', CHAIN('8'), { temporary: true });
  await s.commit('cache', 'cache-k', { disposable: true });
  assert.equal(s.stat('cache').disposable, true);
  assert.equal(s.inUse(CHAIN('8')), false, 'a disposable leaf does not hold its parent');
  await s.prepare('user', 'cache');
  assert.equal(s.inUse(CHAIN('8')), true);
  await assert.rejects(s.remove(CHAIN('8')), (e: Error) => e instanceof Conflict && /a child \(cache\)/.test(e.message));
  await s.remove('user');
  s = await Snapshotter.open(dirs);
  assert.equal(s.stat('cache').disposable, true);
  await s.remove(CHAIN('8'));
  assert.equal(s.has('cache'), false);
  assert.deepEqual(fs.readdirSync(dirs.overlay), ['.empty']);
  assert.deepEqual(fs.readdirSync(dirs.layers), []);
});

test('refusals: bad names, a taken key, a missing or uncommitted parent, committing a key with children', async () => {
  const s = await Snapshotter.open(freshDirs());
  for (const bad of ['', '.hidden', 'a/b', '../x', 'sha256:abc', 'x'.repeat(200)]) {
    await assert.rejects(s.prepare(bad, null), InvalidArgument, JSON.stringify(bad));
  }
  await s.prepare('k', null);
  await assert.rejects(s.prepare('k', null), Conflict);
  await assert.rejects(s.prepare('k2', CHAIN('9')), NotFound);
  await assert.rejects(s.prepare('k3', 'k'), InvalidArgument, 'an active snapshot is no parent');
  await assert.rejects(s.commit('bad/name', 'k'), InvalidArgument);
  await s.commit('base', 'k');
  await s.prepare('child', 'base');
  await assert.rejects(s.commit('base', 'child'), Conflict, 'the name is taken');
  assert.deepEqual(s.list().map((x) => x.name).sort(), ['base', 'child'], 'failed calls left nothing');
});

test('a reopen keeps persistent snapshots and drops temporary ones', async () => {
  const dirs = freshDirs();
  let s = await Snapshotter.open(dirs);
  await layer(s, CHAIN('e'), null, { f: 'x' });
  await s.prepare('ctr', CHAIN('e'));
  fs.writeFileSync(path.join(s.paths('ctr').upper!, 'mine'), 'kept');
  await s.prepare('step', CHAIN('e'), { temporary: true });
  await s.view('look', CHAIN('e'));
  s = await Snapshotter.open(dirs);
  assert.deepEqual(s.list().sort((a, b) => a.name.localeCompare(b.name)), [
    { kind: 'active', name: 'ctr', parent: CHAIN('e'), temporary: false, disposable: false },
    { kind: 'committed', name: CHAIN('e'), parent: null, temporary: false, disposable: false },
  ]);
  assert.equal(fs.readFileSync(path.join(s.paths('ctr').upper!, 'mine'), 'utf8'), 'kept');
  assert.deepEqual(fs.readdirSync(dirs.overlay).sort(), ['.empty', 'ctr'], 'the temporary snapshot\'s directory is gone');
});

test('open cleans what a crash left: mounts, temporary dirs, removals, half a commit, layers without metadata', async () => {
  const dirs = freshDirs();
  let s = await Snapshotter.open(dirs);
  await layer(s, CHAIN('f'), null, { f: 'x' });
  await s.prepare('ctr', CHAIN('f'));
  // a private mount point still mounted (a cp of a stopped container when berthd died), with a
  // host directory bound below it: start-up must detach it, never delete through it
  const hostDir = fs.mkdtempSync(path.join(base, 'host-'));
  fs.writeFileSync(path.join(hostDir, 'precious'), 'keep me');
  const { target } = await s.mount('ctr');
  fs.mkdirSync(path.join(target, 'vol'));
  await mount({ type: 'bind', source: hostDir, options: ['rbind'] }, path.join(target, 'vol'));
  // a temporary snapshot, an interrupted removal, an extraction in the layers dir
  await s.prepare('step', CHAIN('f'), { temporary: true });
  fs.mkdirSync(path.join(dirs.overlay, '.tmp-rm-deadbeef', 'diff'), { recursive: true });
  fs.mkdirSync(path.join(dirs.layers, '.tmp-rm-cafe', 'diff'), { recursive: true });
  // a layer directory nobody described (the layout before snapshots, never named)
  fs.mkdirSync(path.join(dirs.layers, '0'.repeat(64), 'diff'), { recursive: true });
  // a commit cut short between its metadata and its rename
  await s.prepare('half', CHAIN('f'));
  const halfDir = s.paths('half').dir!;
  writeSnapshotRecord(halfDir, { kind: 'committed', name: 'half-done', parent: CHAIN('f') });
  // an unknown directory in overlay2: left alone
  fs.mkdirSync(path.join(dirs.overlay, 'stranger'));

  s = await Snapshotter.open(dirs);
  assert.deepEqual(mountsUnder(dirs.overlay), [], 'nothing mounted under overlay2');
  assert.equal(fs.readFileSync(path.join(hostDir, 'precious'), 'utf8'), 'keep me', 'the bound host directory is intact');
  assert.deepEqual(fs.readdirSync(dirs.overlay).sort(), ['.empty', 'ctr', 'half-done', 'stranger']);
  assert.deepEqual(fs.readdirSync(dirs.layers), ['f'.repeat(64)]);
  assert.deepEqual(s.stat('half-done'), { kind: 'committed', name: 'half-done', parent: CHAIN('f'), temporary: false, disposable: false });
  assert.deepEqual(readSnapshotRecord(s.paths('half-done').dir!), { kind: 'committed', name: 'half-done', parent: CHAIN('f') });
  assert.equal(s.has('half'), false);
  assert.equal(s.has('stranger'), false);
});

test('removal never deletes through a mount below the snapshot', async () => {
  const s = await Snapshotter.open(freshDirs());
  await s.prepare('ctr', null);
  const hostDir = fs.mkdtempSync(path.join(base, 'host-'));
  fs.writeFileSync(path.join(hostDir, 'precious'), 'keep me');
  const at = path.join(s.paths('ctr').upper!, 'vol');
  fs.mkdirSync(at);
  await mount({ type: 'bind', source: hostDir, options: ['rbind'] }, at);
  await s.remove('ctr');
  assert.equal(fs.readFileSync(path.join(hostDir, 'precious'), 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(s.dirs.overlay), ['.empty']);
});

test('mount() and release(): a private mount point, gone after', async () => {
  const s = await Snapshotter.open(freshDirs());
  await layer(s, CHAIN('7'), null, { f: 'x' });
  await s.prepare('ctr', CHAIN('7'));
  const { target, release } = await s.mount('ctr');
  assert.equal(fs.readFileSync(path.join(target, 'f'), 'utf8'), 'x');
  assert.deepEqual(mountsUnder(target), [target]);
  await release();
  assert.ok(!fs.existsSync(target));
});
