/** The builder writes COPY/ADD/WORKDIR through resolveInRoot: symlinks must never lead out of the rootfs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveInRoot } from '../containers/rootfs.js';

test('symlinks resolve inside the root: absolute targets restart at it, .. stops at it', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-'));
  try {
    fs.mkdirSync(path.join(root, 'real/sub'), { recursive: true });
    fs.symlinkSync('/real', path.join(root, 'abs'));
    fs.symlinkSync('../../../../real', path.join(root, 'climb'));
    fs.symlinkSync('sub', path.join(root, 'real/rel'));
    fs.symlinkSync('/etc/passwd', path.join(root, 'host'));
    fs.symlinkSync('loop', path.join(root, 'loop'));
    const cases: [string, string][] = [
      ['/abs/sub/x', 'real/sub/x'],
      ['abs/rel', 'real/sub'],
      ['/climb/sub', 'real/sub'],
      ['/../../real', 'real'],
      ['/host', 'etc/passwd'],
      ['/missing/a/b', 'missing/a/b'],
      ['/', ''],
    ];
    for (const [p, want] of cases) assert.equal(resolveInRoot(root, p), path.join(root, want), p);
    assert.throws(() => resolveInRoot(root, '/loop'), /too many levels of symbolic links/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
