/** storage/atomic.ts on a real full filesystem (a small tmpfs, root only): the old file stays whole, no temp file stays. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeTemps, writeAtomic, writeAtomicSync } from './atomic.js';
import { mount, unmount } from './mount.js';

const root = process.getuid?.() === 0;
let dir = '';
let mnt = '';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-atomic-'));
  if (!root) return;
  mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  await mount({ type: 'tmpfs', source: 'tmpfs', options: ['size=256k'] }, mnt);
});

after(async () => {
  if (mnt) await unmount(mnt, { detach: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('writes replace the file whole, with the mode asked for', async () => {
  const f = path.join(dir, 'a.json');
  writeAtomicSync(f, 'one');
  assert.equal(fs.readFileSync(f, 'utf8'), 'one');
  await writeAtomic(f, Buffer.from('two'), { mode: 0o644 });
  assert.equal(fs.readFileSync(f, 'utf8'), 'two');
  assert.equal(fs.statSync(f).mode & 0o777, 0o644);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-')), []);
});

test('a full disk: the write fails with ENOSPC, the old content stays, the temp file is gone at once', { skip: !root && 'needs root (tmpfs)' }, async () => {
  const f = path.join(mnt, 'state.json');
  writeAtomicSync(f, 'old state');
  // Fill what is left.
  const filler = path.join(mnt, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try { for (;;) fs.writeSync(fd, chunk); } catch (e) { assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC'); }
  fs.closeSync(fd);
  const big = Buffer.alloc(64 * 1024, 2);
  assert.throws(() => writeAtomicSync(f, big), { code: 'ENOSPC' });
  await assert.rejects(writeAtomic(f, big), { code: 'ENOSPC' });
  assert.equal(fs.readFileSync(f, 'utf8'), 'old state');
  assert.deepEqual(fs.readdirSync(mnt).sort(), ['filler', 'state.json']);
  // Space again: the next write lands.
  fs.rmSync(filler);
  await writeAtomic(f, big);
  assert.ok(fs.readFileSync(f).equals(big));
});

test('removeTemps clears crash leftovers only', () => {
  const d = fs.mkdtempSync(path.join(dir, 'rt-'));
  fs.writeFileSync(path.join(d, '.tmp-x-1-abcd'), '');
  fs.mkdirSync(path.join(d, '.tmp-layer-1-beef'));
  fs.writeFileSync(path.join(d, 'keep.json'), '');
  removeTemps(d);
  assert.deepEqual(fs.readdirSync(d), ['keep.json']);
});
