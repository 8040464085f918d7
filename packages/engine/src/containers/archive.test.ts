/** cp path rules: moby's PreserveTrailingDotOrSeparator / SplitPathDirEntry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBase, goFileMode, GoMode, splitPathDirEntry } from '@berth/shared/file-mode';
import { absContainerPath } from './archive.js';

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

test('goFileMode maps st_mode to os.FileMode', () => {
  assert.equal(goFileMode(0o040755), (GoMode.Dir | 0o755) >>> 0);
  assert.equal(goFileMode(0o120777), GoMode.Symlink | 0o777);
  assert.equal(goFileMode(0o104755), GoMode.Setuid | 0o755);
  assert.equal(goFileMode(0o100644), 0o644);
});
