/**
 * The in-root layer (native/berth inroot.cc, archive.cc): symlinks resolve inside the root,
 * extraction and archiving never leave it, Docker's cp refusals. Needs root (chroot).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import {
  extractInRoot, mkdirAllInRoot, readdirInRoot, readFileInRoot, statInRoot, tarInRoot, unlinkInRoot,
} from './in-root.js';
import { makeTar } from '../images/test-tar.js';
import { mount, unmount } from './mount.js';

let base = '';
let root = '';
let outside = '';
before(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-inroot-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'real/sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'etc'));
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'HOST SECRET\n');
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  fs.symlinkSync('/real', path.join(root, 'abs'));
  fs.symlinkSync('../../../../real', path.join(root, 'climb'));
  fs.symlinkSync('sub', path.join(root, 'real/rel'));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'host'));
  fs.symlinkSync(outside, path.join(root, 'hostdir'));
  fs.symlinkSync('../../../../../..' + outside, path.join(root, 'up'));
  fs.symlinkSync('loop', path.join(root, 'loop'));
  fs.symlinkSync('/proc/self/root/etc', path.join(root, 'magic'));
});
after(() => { if (base) fs.rmSync(base, { recursive: true, force: true }); });

const tarNames = (buf: Buffer) => execFileSync('tar', ['-t'], { input: buf }).toString().split('\n').filter(Boolean);
async function collect(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('symlinks resolve inside the root: absolute targets restart at it, .. stops at it', async () => {
  fs.mkdirSync(path.join(root, 'real/sub/x'));
  const cases: [string, string][] = [
    ['/abs/sub/x', '/real/sub/x'], ['abs/rel', '/real/sub'], ['/climb/sub', '/real/sub'], ['/../../real', '/real'],
    ['/host', outside + '/secret'], ['/', '/'],
  ];
  for (const [p, want] of cases) assert.equal((await statInRoot(root, p, { resolve: true }))?.resolved, want, p);
  assert.equal(await statInRoot(root, '/missing/a/b'), null);
  assert.equal((await statInRoot(root, '/abs'))?.linkText, '/real');
  assert.ok((await statInRoot(root, '/abs', { follow: true }))!.mode & 0o040000);
  await assert.rejects(statInRoot(root, '/loop', { resolve: true }), /too many levels of symbolic links/);
});

test('reads through a symlink to a host path never get host bytes', async () => {
  assert.equal(await readFileInRoot(root, '/host'), null);
  assert.equal(await readFileInRoot(root, '/up/secret'), null);
  assert.equal(await readFileInRoot(root, '/hostdir/secret'), null);
  assert.equal(await readFileInRoot(root, '/magic/passwd'), null, 'magic links are not followed');
  assert.equal((await readFileInRoot(root, '/abs/../etc/passwd'))?.toString(), 'root:x:0:0::/root:/bin/sh\n');
  assert.deepEqual(await readdirInRoot(root, '/climb'), ['rel', 'sub']);
  assert.equal(await statInRoot(root, '/hostdir/secret', { follow: true }), null);
});

test('a tar made in the root has the link, not what it points to on the host', async () => {
  const all = await collect(tarInRoot(root, '/', { follow: true, skipTop: true, childPrefix: '' }));
  assert.ok(!all.includes('HOST SECRET'), 'host bytes in the archive');
  assert.ok(tarNames(all).includes('etc/passwd'));
  const link = await collect(tarInRoot(root, '/host', { topName: 'host' }));
  assert.ok(!link.includes('HOST SECRET'));
  await assert.rejects(collect(tarInRoot(root, '/host', { follow: true, topName: 'host' })), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  await assert.rejects(collect(tarInRoot(root, '/nope/x', {})), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
});

test('extracting through symlinks to host paths writes inside the root only', async () => {
  for (const name of ['hostdir/evil', 'up/evil2', 'magic/evil3', 'host']) {
    const data = await makeTar([{ name, content: 'x' }]);
    await extractInRoot(Readable.from([data]), root, '/', { owner: { uid: 0, gid: 0 } }).catch(() => undefined);
    assert.deepEqual(fs.readdirSync(outside), ['secret'], name);
    assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'HOST SECRET\n', name);
  }
  fs.rmSync(path.join(root, 'host'));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'host'));
  const ok = await makeTar([{ name: 'abs/new.txt', content: 'in root\n' }]);
  await extractInRoot(Readable.from([ok]), root, '/', {});
  assert.equal(fs.readFileSync(path.join(root, 'real/new.txt'), 'utf8'), 'in root\n');
  // once the link's target exists inside the root, the entry lands there
  fs.mkdirSync(path.join(root, outside), { recursive: true });
  await extractInRoot(Readable.from([await makeTar([{ name: 'hostdir/evil', content: 'x' }])]), root, '/', {});
  assert.ok(fs.existsSync(path.join(root, outside, 'evil')));
  assert.deepEqual(fs.readdirSync(outside), ['secret']);
  // an entry that climbs out is refused as moby does
  const climb = await makeTar([{ name: 'a/../../evil', content: 'x' }]);
  await assert.rejects(extractInRoot(Readable.from([climb]), root, '/real', {}), /"a\/\.\.\/\.\.\/evil" is outside of "\/real"/);
  assert.ok(!fs.existsSync(path.join(root, 'evil')) && !fs.existsSync(path.join(base, 'evil')));
});

test("cp's refusals: a directory is never replaced by a file, a missing destination is ENOENT", async () => {
  fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  const file = await makeTar([{ name: 'tmp', content: 'x' }]);
  await assert.rejects(extractInRoot(Readable.from([file]), root, '/', { noOverwriteDirNonDir: true }),
    /cannot overwrite directory "tmp" with non-directory "\/"/);
  await assert.rejects(extractInRoot(Readable.from([file]), root, '/nope', {}), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  await assert.rejects(extractInRoot(Readable.from([file]), root, '/etc/passwd', {}), /extraction point is not a directory/);
  await mkdirAllInRoot(root, '/abs/made/deep', { uid: 7, gid: 8 });
  assert.equal(fs.statSync(path.join(root, 'real/made/deep')).uid, 7);
  fs.writeFileSync(path.join(root, 'gone'), 'x');
  assert.equal(await unlinkInRoot(root, '/host'), true, 'the link itself goes');
  assert.ok(fs.existsSync(path.join(outside, 'secret')));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'host'));
});

test('a root can be unmounted as soon as an operation on it settles (its thread is gone)', async () => {
  const mnt = path.join(base, 'mnt');
  fs.mkdirSync(mnt);
  for (let i = 0; i < 20; i++) {
    await mount({ type: 'tmpfs', source: 'tmpfs', options: [] }, mnt);
    try {
      fs.writeFileSync(path.join(mnt, 'f'), 'x');
      assert.ok(await statInRoot(mnt, '/f'));
      await collect(tarInRoot(mnt, '/', { follow: true, skipTop: true, childPrefix: '' }));
    } finally {
      await unmount(mnt); // not lazy: EBUSY if a chrooted thread still held it
    }
  }
});
