/** cp path rules: moby's PreserveTrailingDotOrSeparator / SplitPathDirEntry, chroot-like symlink resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goBase, splitPathDirEntry } from '@berth/shared/tar-fs';
import { absContainerPath } from './archive.js';
import { containerPath, resolveInRoot } from './rootfs.js';

test('absContainerPath keeps a trailing "/" or "/."', () => {
  for (const [p, want] of [['etc', '/etc'], ['/etc/', '/etc/'], ['/etc/.', '/etc/.'], ['/', '/'], ['.', '/.'], ['a//b/../c', '/a/c']]) {
    assert.equal(absContainerPath(p!), want, p);
  }
});

test('splitPathDirEntry and goBase as Go', () => {
  assert.deepEqual(splitPathDirEntry('/a/b'), ['/a', 'b']);
  assert.deepEqual(splitPathDirEntry('/a/b/'), ['/a', 'b']);
  assert.deepEqual(splitPathDirEntry('/a/b/.'), ['/a/b', '.']);
  assert.deepEqual(splitPathDirEntry('dir'), ['.', 'dir']);
  assert.equal(goBase('/'), '/');
  assert.equal(goBase('/a/b/'), 'b');
  assert.equal(goBase('/a/.'), '.');
});

test('resolveInRoot follows symlinks inside the root only', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-root-'));
  try {
    fs.mkdirSync(path.join(root, 'etc'));
    fs.mkdirSync(path.join(root, 'tmp'));
    fs.symlinkSync('/', path.join(root, 'etc/x'));
    fs.symlinkSync('../../../../..', path.join(root, 'etc/up'));
    fs.symlinkSync('/tmp', path.join(root, 'etc/t'));
    assert.equal(resolveInRoot(root, '/etc/x/tmp/f'), path.join(root, 'tmp/f'));
    assert.equal(resolveInRoot(root, '/etc/up/tmp'), path.join(root, 'tmp'));
    assert.equal(resolveInRoot(root, '/../../etc/t/'), path.join(root, 'tmp'));
    assert.equal(resolveInRoot(root, '/etc/x'), root);
    assert.equal(containerPath(root, path.join(root, 'tmp')), '/tmp');
    assert.equal(containerPath(root, root), '/');
    fs.symlinkSync('loop', path.join(root, 'loop'));
    assert.throws(() => resolveInRoot(root, '/loop/x'), /too many levels/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
