/** storage/diff.ts against a real overlay mount (root): whiteouts, opaque dirs, A/C/D, exclude/ignore. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { changesFromUpperdir, layerTarFromUpperdir } from './diff.js';
import { mount, unmount } from './mount.js';

const root = process.getuid?.() === 0;
let dir = '';
let lower = '';
let upper = '';

async function list(src: NodeJS.ReadableStream): Promise<Map<string, { type: string; size: number; linkname?: string | null }>> {
  const ex = tar.extract();
  const out = new Map<string, { type: string; size: number; linkname?: string | null }>();
  ex.on('entry', (h, s, next) => { out.set(h.name, { type: h.type ?? '', size: h.size ?? 0, linkname: h.linkname }); s.on('end', next); s.resume(); });
  const done = new Promise<void>((r, j) => { ex.on('finish', () => r()); ex.on('error', j); });
  src.pipe(ex);
  await done;
  return out;
}

before(async () => {
  if (!root) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-diff-'));
  lower = path.join(dir, 'lower');
  upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  const merged = path.join(dir, 'merged');
  for (const d of [lower, upper, work, merged]) fs.mkdirSync(d);
  fs.mkdirSync(path.join(lower, 'etc'));
  fs.writeFileSync(path.join(lower, 'etc/passwd'), 'root:x:0:0\n');
  fs.mkdirSync(path.join(lower, 'bin'));
  fs.writeFileSync(path.join(lower, 'bin/vi'), 'vi');
  fs.mkdirSync(path.join(lower, 'opt/old'), { recursive: true });
  fs.writeFileSync(path.join(lower, 'opt/old/f'), 'x');
  fs.mkdirSync(path.join(lower, 'data'));
  fs.mkdirSync(path.join(lower, 'tmp'));
  await mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }, merged);
  try {
    fs.writeFileSync(path.join(merged, 'tmp/x'), 'hello');
    fs.appendFileSync(path.join(merged, 'etc/passwd'), 'u:x:1:1\n');
    fs.rmSync(path.join(merged, 'bin/vi'));
    fs.rmSync(path.join(merged, 'opt'), { recursive: true });
    fs.mkdirSync(path.join(merged, 'opt'));
    fs.writeFileSync(path.join(merged, 'opt/new'), 'n');
    fs.writeFileSync(path.join(merged, 'data/volume-content'), 'v');
    fs.writeFileSync(path.join(merged, 'etc/hosts'), '');
    fs.linkSync(path.join(merged, 'tmp/x'), path.join(merged, 'tmp/x2'));
    fs.symlinkSync('/', path.join(merged, 'tmp/root'));
  } finally {
    await unmount(merged);
  }
});

after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const opts = { exclude: ['/data'], ignore: ['/etc/hosts'] };

test('changes: A/C/D as docker diff shows them', { skip: !root && 'needs root' }, async () => {
  const ch = await changesFromUpperdir(upper, [lower], opts);
  const lines = ch.map((c) => `${'CAD'[c.Kind]} ${c.Path}`);
  assert.deepEqual(lines, [
    'C /bin', 'D /bin/vi',
    'C /data',
    'C /etc', 'C /etc/passwd',
    'D /opt', 'A /opt/new',
    'C /tmp', 'A /tmp/root', 'A /tmp/x', 'A /tmp/x2',
  ]);
});

test('layer tar: whiteouts, opaque marker, hardlinks, symlinks, exclude keeps the mountpoint', { skip: !root && 'needs root' }, async () => {
  const entries = await list(layerTarFromUpperdir(upper, opts));
  assert.equal(entries.get('bin/.wh.vi')?.type, 'file');
  assert.equal(entries.get('bin/.wh.vi')?.size, 0);
  assert.equal(entries.get('opt/')?.type, 'directory');
  assert.equal(entries.get('opt/.wh..wh..opq')?.type, 'file');
  assert.equal(entries.get('opt/new')?.size, 1);
  assert.equal(entries.get('tmp/x')?.size, 5);
  assert.equal(entries.get('tmp/x2')?.type, 'link');
  assert.equal(entries.get('tmp/x2')?.linkname, 'tmp/x');
  assert.equal(entries.get('tmp/root')?.linkname, '/');
  assert.equal(entries.get('data/')?.type, 'directory');
  assert.ok(!entries.has('data/volume-content'));
  assert.ok(!entries.has('etc/hosts'));
  assert.ok(!entries.has('bin/vi'));
});
