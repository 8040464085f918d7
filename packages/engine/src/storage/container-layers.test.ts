/**
 * A container's layers: the image's init layer `init-<chain>` (Docker's initlayer.Setup, from
 * what the image's layers hold), one per image, under each container's writable layer `<id>`;
 * removal (the init layer with the image's last container); orphans after a crash. Needs root
 * (the in-root lookups chroot, the mounts are real).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Snapshotter } from './snapshots.js';
import { ContainerLayers } from './container-layers.js';
import { mountsUnder, unmount } from './mount.js';

let base = '';
let n = 0;
before(() => { base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctrlayers-')); });
after(async () => {
  for (const m of mountsUnder(base)) await unmount(m, { detach: true });
  fs.rmSync(base, { recursive: true, force: true });
});

const id = (c: string) => c.repeat(64);
const chain = (c: string) => `sha256:${c.repeat(64)}`;
const init = (c: string) => `init-${c.repeat(64)}`;

async function open(): Promise<{ s: Snapshotter; layers: ContainerLayers }> {
  const root = path.join(base, `r${n++}`);
  const s = await Snapshotter.open({ layers: path.join(root, 'image/layers'), overlay: path.join(root, 'overlay2') });
  return { s, layers: new ContainerLayers(s) };
}

/** An image layer `name` over `parent`, built by `fill(dir)`. */
async function imageLayer(s: Snapshotter, name: string, parent: string | null, fill: (dir: string) => void): Promise<void> {
  const key = `img-${n++}`;
  await s.prepare(key, parent, { temporary: true });
  fill(s.paths(key).upper!);
  await s.commit(name, key);
}

/** What a directory holds: path → 'dir 0755 uid:gid' | 'file 0755 size' | 'link → target'. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const p = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, p));
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isDirectory()) { out['/' + p] = `dir ${mode} ${st.uid}:${st.gid}`; walk(p); }
      else if (st.isSymbolicLink()) out['/' + p] = `link → ${fs.readlinkSync(path.join(dir, p))}`;
      else out['/' + p] = `file ${mode} ${st.size}`;
    }
  };
  walk('');
  return out;
}

const PLACEHOLDERS = {
  '/.dockerenv': 'file 0755 0',
  '/dev/console': 'file 0755 0',
  '/dev/pts': 'dir 0755 0:0',
  '/dev/shm': 'dir 0755 0:0',
  '/etc/hostname': 'file 0755 0',
  '/etc/hosts': 'file 0755 0',
  '/etc/mtab': 'link → /proc/mounts',
  '/etc/resolv.conf': 'file 0755 0',
};

test('the init layer holds the mountpoints the image lacks; the copied-up /etc keeps the image\'s owner and mode', async () => {
  const { s, layers } = await open();
  await imageLayer(s, chain('a'), null, (d) => {
    for (const p of ['etc', 'proc', 'bin']) fs.mkdirSync(path.join(d, p));
    fs.chmodSync(path.join(d, 'etc'), 0o750);
    fs.chownSync(path.join(d, 'etc'), 5, 6);
    fs.writeFileSync(path.join(d, 'etc/hosts'), '127.0.0.1 image\n'); // replaced, as Docker's Setup unlinks it
    fs.writeFileSync(path.join(d, 'etc/passwd'), 'root:x:0:0::/:/bin/sh\n');
  });
  await imageLayer(s, chain('b'), chain('a'), (d) => {
    fs.mkdirSync(path.join(d, 'sys')); // a directory in an upper image layer counts
  });
  await layers.create(id('1'), chain('b'));
  assert.deepEqual(s.stat(init('b')), { kind: 'committed', name: init('b'), parent: chain('b'), temporary: false, disposable: true });
  assert.deepEqual(s.stat(id('1')), { kind: 'active', name: id('1'), parent: init('b'), temporary: false, disposable: false });
  assert.deepEqual(tree(s.paths(init('b')).upper!), {
    '/dev': 'dir 0755 0:0',
    '/etc': 'dir 0750 5:6',
    ...PLACEHOLDERS,
  });
  const p = layers.paths(id('1'));
  assert.deepEqual(p.lowers, [s.paths(init('b')).upper, s.paths(chain('b')).upper, s.paths(chain('a')).upper]);
  assert.ok(fs.statSync(p.merged).isDirectory(), 'the rootfs mount point exists');
  assert.deepEqual(fs.readdirSync(p.upper), [], 'the writable layer starts empty');
  assert.equal(layers.hasInitLayer(id('1')), true);
  // what the container sees
  const { target, release } = await layers.mountRootfs(id('1'));
  try {
    assert.equal(fs.readFileSync(path.join(target, 'etc/passwd'), 'utf8'), 'root:x:0:0::/:/bin/sh\n');
    assert.equal(fs.readFileSync(path.join(target, 'etc/hosts'), 'utf8'), '');
    for (const d of ['proc', 'sys', 'dev', 'bin']) assert.ok(fs.statSync(path.join(target, d)).isDirectory(), d);
  } finally {
    await release();
  }
});

test('a path the image has as a symlink or file is replaced; one it has as a directory is kept; whiteouts hide', async () => {
  const { s, layers } = await open();
  await imageLayer(s, chain('c'), null, (d) => {
    fs.mkdirSync(path.join(d, 'usr/etc'), { recursive: true });
    fs.symlinkSync('usr/etc', path.join(d, 'etc')); // Setup unlinks /etc and makes a directory
    fs.writeFileSync(path.join(d, 'proc'), 'not a dir');
    fs.mkdirSync(path.join(d, '.dockerenv')); // a directory where a placeholder file goes: kept
    fs.mkdirSync(path.join(d, 'dev/shm'), { recursive: true });
    fs.chmodSync(path.join(d, 'dev'), 0o700);
    fs.mkdirSync(path.join(d, 'sys'));
  });
  // an upper image layer deletes /sys: an overlay whiteout
  await imageLayer(s, chain('d'), chain('c'), (d) => execFileSync('mknod', [path.join(d, 'sys'), 'c', '0', '0']));
  await layers.create(id('2'), chain('d'));
  assert.deepEqual(tree(s.paths(init('d')).upper!), {
    '/dev': 'dir 0700 0:0',
    '/dev/console': 'file 0755 0',
    '/dev/pts': 'dir 0755 0:0',
    '/etc': 'dir 0755 0:0',
    '/proc': 'dir 0755 0:0',
    '/sys': 'dir 0755 0:0',
    '/etc/hostname': 'file 0755 0',
    '/etc/hosts': 'file 0755 0',
    '/etc/mtab': 'link → /proc/mounts',
    '/etc/resolv.conf': 'file 0755 0',
  });
});

test('a scratch image: every entry made, on no parent', async () => {
  const { s, layers } = await open();
  await layers.create(id('3'), null);
  assert.equal(s.stat('init-scratch').parent, null);
  assert.deepEqual(tree(s.paths('init-scratch').upper!), {
    '/dev': 'dir 0755 0:0', '/etc': 'dir 0755 0:0', '/proc': 'dir 0755 0:0', '/sys': 'dir 0755 0:0', ...PLACEHOLDERS,
  });
  assert.equal(layers.mounts(id('3'))[0]!.type, 'overlay');
});

test('one init layer per image: shared by its containers, kept after them, gone with the image layer', async () => {
  const { s, layers } = await open();
  await imageLayer(s, chain('e'), null, (d) => fs.mkdirSync(path.join(d, 'etc')));
  await Promise.all([layers.create(id('4'), chain('e')), layers.create(id('5'), chain('e'))]);
  assert.deepEqual(s.children(init('e')).sort(), [id('4'), id('5')]);
  assert.deepEqual(s.list().filter((x) => x.name.startsWith('init-')).map((x) => x.name), [init('e')], 'made once');
  assert.equal(s.inUse(chain('e')), true);
  await assert.rejects(s.remove(chain('e')), /has a child \(init-/, 'containers on the init layer hold the image layer');
  await layers.remove(id('4'));
  await layers.remove(id('5'));
  assert.ok(s.has(init('e')), 'kept for the next container');
  const made = fs.statSync(s.paths(init('e')).dir!).ino;
  await layers.create(id('6'), chain('e'));
  assert.equal(fs.statSync(s.paths(init('e')).dir!).ino, made, 'not made again');
  await layers.remove(id('6'));
  assert.equal(s.inUse(chain('e')), false, 'a childless init layer does not hold the image');
  await s.remove(chain('e'));
  assert.equal(s.has(init('e')), false, 'it went with the image layer');
  assert.deepEqual(fs.readdirSync(s.dirs.overlay), ['.empty']);
});

test('a create that fails leaves no layer; retain removes the layers of containers that do not exist', async () => {
  const { s, layers } = await open();
  await assert.rejects(layers.create(id('5'), chain('f')), /does not exist/);
  assert.deepEqual(s.list(), []);
  await layers.create(id('5'), null);
  await assert.rejects(layers.create(id('5'), null), /already exists/);
  assert.deepEqual(s.list().map((x) => x.name).sort(), [id('5'), 'init-scratch'].sort(), 'the first container keeps its init layer');
  await layers.create(id('6'), null);
  await layers.create(id('7'), null);
  await layers.retain(new Set([id('7')]));
  assert.deepEqual(s.list().map((x) => x.name).sort(), [id('7'), 'init-scratch'].sort());
});
