/** Native layer extraction: file kinds, metadata, whiteouts, and hostile archives refused. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { extractLayerFile, extractLayerStream } from './native.js';
import { makeTar, type TarEntry } from './test-tar.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-extract-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh sandbox: `outside/` next to the layer dir `layer/` to prove nothing lands outside. */
function sandbox() {
  const dir = path.join(root, `case${n++}`);
  fs.mkdirSync(path.join(dir, 'layer'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'outside'));
  return { dir, layer: path.join(dir, 'layer'), outside: path.join(dir, 'outside') };
}

async function extract(entries: TarEntry[], how: 'file' | 'stream' | 'gzip' = 'file') {
  const s = sandbox();
  let data = await makeTar(entries);
  if (how === 'gzip') data = zlib.gzipSync(data);
  const file = path.join(s.dir, 'layer.tar');
  fs.writeFileSync(file, data);
  const res = how === 'stream' ? extractLayerStream(Readable.from([data]), s.layer) : extractLayerFile(file, s.layer);
  return { ...s, res };
}

const getxattr = (p: string, name: string) =>
  execFileSync('python3', ['-c', 'import os,sys; sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).decode())', p, name], { encoding: 'utf8' });

test('regular files, dirs, symlinks, hardlinks, fifos, devices, modes, owners, mtimes', async () => {
  const mtime = new Date('2020-01-02T03:04:05Z');
  for (const how of ['file', 'stream', 'gzip'] as const) {
    const { layer, res } = await extract([
      { name: './', type: 'directory' },
      { name: './bin/', type: 'directory', mode: 0o711, uid: 1000, gid: 1001 },
      { name: './bin/busybox', content: 'x'.repeat(1000), mode: 0o4755, mtime },
      { name: './bin/sh', type: 'symlink', linkname: '/bin/busybox' },
      { name: './bin/ls', type: 'link', linkname: 'bin/busybox' },
      { name: 'dev/', type: 'directory' },
      { name: 'dev/fifo', type: 'fifo', mode: 0o600 },
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', uid: 5, gid: 6 },
    ], how);
    assert.deepEqual(await res, { size: 1000 + 26 }, how);
    const st = fs.statSync(path.join(layer, 'bin/busybox'));
    assert.equal(st.mode & 0o7777, 0o4755);
    assert.equal(st.mtime.getTime(), mtime.getTime());
    assert.equal(st.nlink, 2);
    assert.equal(fs.statSync(path.join(layer, 'bin/ls')).ino, st.ino);
    assert.equal(fs.readlinkSync(path.join(layer, 'bin/sh')), '/bin/busybox');
    const bin = fs.statSync(path.join(layer, 'bin'));
    assert.deepEqual([bin.mode & 0o777, bin.uid, bin.gid], [0o711, 1000, 1001]);
    assert.ok(fs.lstatSync(path.join(layer, 'dev/fifo')).isFIFO());
    const pw = fs.statSync(path.join(layer, 'etc/passwd'));
    assert.deepEqual([pw.uid, pw.gid], [5, 6]);
  }
});

test('xattrs from PAX headers are restored', async () => {
  const { layer, res } = await extract([
    { name: 'f', content: 'x', pax: { 'SCHILY.xattr.user.berth': 'hello' } },
  ]);
  await res;
  assert.equal(getxattr(path.join(layer, 'f'), 'user.berth'), 'hello');
});

test('whiteouts become overlay whiteouts, opaque markers an xattr', async () => {
  const { layer, res } = await extract([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/.wh.vi', uid: 0 },
    { name: 'data/', type: 'directory' },
    { name: 'data/.wh.b.txt' },
    { name: 'data/sub/', type: 'directory' },
    { name: 'data/sub/.wh..wh..opq' },
    { name: 'data/sub/c.txt', content: 'new\n' },
    { name: 'deep/er/.wh.gone' },
  ]);
  assert.deepEqual(await res, { size: 4 });
  for (const w of ['bin/vi', 'data/b.txt', 'deep/er/gone']) {
    const st = fs.lstatSync(path.join(layer, w));
    assert.ok(st.isCharacterDevice(), w);
    assert.equal(st.rdev, 0, w);
  }
  assert.equal(getxattr(path.join(layer, 'data/sub'), 'trusted.overlay.opaque'), 'y');
  assert.equal(fs.readFileSync(path.join(layer, 'data/sub/c.txt'), 'utf8'), 'new\n');
  assert.ok(!fs.existsSync(path.join(layer, 'data/sub/.wh..wh..opq')));
  assert.ok(!fs.existsSync(path.join(layer, 'bin/.wh.vi')));
});

const hostile: [string, TarEntry[], RegExp][] = [
  ['../ traversal', [{ name: '../evil', content: 'x' }], /refusing to extract "..\/evil": path escapes the layer directory/],
  ['nested ../', [{ name: 'a/../../evil', content: 'x' }], /path escapes the layer directory/],
  ['absolute path', [{ name: '/abs', content: 'x' }], /refusing to extract "\/abs": absolute path/],
  ['symlink escape', [{ name: 'a', type: 'symlink', linkname: '../outside' }, { name: 'a/passwd', content: 'x' }], /refusing to extract "a\/passwd": path traverses symlink "a"/],
  ['symlink to /etc', [{ name: 'a', type: 'symlink', linkname: '/etc' }, { name: 'a/passwd', content: 'x' }], /path traverses symlink "a"/],
  ['deep symlink', [{ name: 'd/', type: 'directory' }, { name: 'd/l', type: 'symlink', linkname: '../../outside' }, { name: 'd/l/x/y', content: 'x' }], /path traverses symlink "d\/l"/],
  ['hardlink out', [{ name: 'h', type: 'link', linkname: '../outside/secret' }], /refusing hardlink "h" -> "..\/outside\/secret"/],
  ['hardlink absolute', [{ name: 'h', type: 'link', linkname: '/etc/passwd' }], /refusing hardlink "h" -> "\/etc\/passwd"/],
  ['hardlink through symlink', [{ name: 'a', type: 'symlink', linkname: '/etc' }, { name: 'h', type: 'link', linkname: 'a/passwd' }], /path traverses symlink "a"/],
  ['whiteout through symlink', [{ name: 'a', type: 'symlink', linkname: '../outside' }, { name: 'a/.wh.x' }], /path traverses symlink "a"/],
  ['opaque through symlink', [{ name: 'a', type: 'symlink', linkname: '../outside' }, { name: 'a/.wh..wh..opq' }], /path traverses symlink "a"/],
];

for (const [label, entries, msg] of hostile) {
  test(`hostile tar refused: ${label}`, async () => {
    for (const how of ['file', 'stream'] as const) {
      const { dir, outside, res } = await extract(entries, how);
      await assert.rejects(res, msg);
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing written in the sibling dir');
      assert.deepEqual(fs.readdirSync(dir).sort(), ['layer', 'layer.tar', 'outside']);
      assert.ok(!fs.existsSync(path.join(root, 'evil')) && !fs.existsSync('/abs'));
    }
  });
}

test('corrupt and truncated archives are errors', async () => {
  const s = sandbox();
  const file = path.join(s.dir, 'bad.tar');
  fs.writeFileSync(file, Buffer.from('this is not a tar archive at all, not even close'.repeat(20)));
  await assert.rejects(extractLayerFile(file, s.layer), /reading layer: /);
  const good = await makeTar([{ name: 'big', content: 'y'.repeat(100000) }]);
  fs.writeFileSync(file, good.subarray(0, 5000));
  await assert.rejects(extractLayerFile(file, s.layer), /reading layer|extracting "big"/);
  await assert.rejects(extractLayerStream(Readable.from([good.subarray(0, 5000)]), s.layer), /reading layer|extracting "big"/);
});

test('zstd layers extract', async () => {
  const s = sandbox();
  const plain = path.join(s.dir, 'l.tar');
  fs.writeFileSync(plain, await makeTar([{ name: 'z.txt', content: 'zstd\n' }]));
  execFileSync('zstd', ['-q', plain, '-o', plain + '.zst']);
  assert.deepEqual(await extractLayerFile(plain + '.zst', s.layer), { size: 5 });
  assert.equal(fs.readFileSync(path.join(s.layer, 'z.txt'), 'utf8'), 'zstd\n');
});
