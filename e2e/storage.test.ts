/**
 * The storage layer end to end (packages/engine/src/storage): the init layer under every
 * container (diff and commit as Docker's), an image of more layers than mount(2)'s one page of
 * options holds (run, cp and export of a stopped container, copy-up, a build on it), local
 * volumes mounted with options through the addon, layers kept while a container uses them,
 * and what a crash leaves under the data root cleaned at start.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok } from './containers-helpers.js';
import { busyboxRootfs } from './images.js';
import { makeTar } from '../packages/engine/src/images/test-tar.js';
import { writeSnapshotRecord } from '../packages/engine/src/storage/snapshots.js';

let d: TestDaemon;
let tmp: string;
before(async () => { d = await busyboxDaemon(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-storage-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const sha = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;
const tarList = (buf: Buffer) => execFileSync('tar', ['-t'], { input: buf, maxBuffer: 1 << 28 }).toString().split('\n').filter(Boolean);
const mountedUnder = (dir: string) => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((p) => p?.startsWith(dir + '/'));

/** The entries of an image's top layer, as `docker save` has them. */
function topLayerEntries(image: string): string[] {
  const saved = execFileSync(process.execPath, [path.join(path.dirname(new URL(import.meta.url).pathname), '../packages/cli/bin/berth'), '-H', d.host, 'save', image], { maxBuffer: 1 << 28 });
  const dir = fs.mkdtempSync(path.join(tmp, 'save-'));
  execFileSync('tar', ['-x', '-C', dir], { input: saved, maxBuffer: 1 << 28 });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))[0];
  return tarList(fs.readFileSync(path.join(dir, manifest.Layers[manifest.Layers.length - 1])));
}

for (const cli of CLIS) {
  const run = (args: string[]) => d[cli](args);
  const n = (s: string) => `${cli}-st-${s}`;

  test(`${cli}: a container's mountpoints are in its init layer: diff shows none, commit captures none`, () => {
    ok(run(['run', '--name', n('quiet'), 'busybox', 'sh', '-c', 'test -f /.dockerenv && grep -q "$(hostname)" /etc/hosts']));
    assert.equal(ok(run(['diff', n('quiet')])), '', 'no C /etc, no /etc/hosts, no /.dockerenv');
    ok(run(['run', '--name', n('etc'), 'busybox', 'sh', '-c', 'echo x > /etc/foo']));
    assert.deepEqual(ok(run(['diff', n('etc')])).split('\n').filter(Boolean), ['C /etc', 'A /etc/foo']);
    ok(run(['commit', n('etc'), `${n('etc')}:img`]));
    assert.deepEqual(topLayerEntries(`${n('etc')}:img`).sort(), ['etc/', 'etc/foo']);
    assert.equal(ok(run(['run', '--rm', `${n('etc')}:img`, 'sh', '-c', 'cat /etc/foo; wc -c < /etc/hostname'])), `x\n${13}\n`);
    ok(run(['rm', n('quiet'), n('etc')]));
    ok(run(['rmi', `${n('etc')}:img`]));
  });
}

test('an image of 130 layers: past one page of overlay options, it runs, builds, copies up; a stopped container cps and exports', async () => {
  const base = fs.readFileSync(busyboxRootfs());
  const layers: Buffer[] = [base];
  for (let i = 0; i < 129; i++) layers.push(await makeTar([{ name: 'layers/', type: 'directory' }, { name: `layers/${i}`, content: `layer ${i}\n` }]));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'], Volumes: { '/layers': {} } },
    rootfs: { type: 'layers', diff_ids: layers.map(sha) },
    history: layers.map(() => ({ created_by: 'test' })),
  }));
  const archive = await makeTar([
    ...layers.map((l, i) => ({ name: `l${i}/layer.tar`, content: l })),
    { name: 'config.json', content: config },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: ['storage/many:130'], Layers: layers.map((_l, i) => `l${i}/layer.tar`) }]) },
  ]);
  const file = path.join(tmp, 'many.tar');
  fs.writeFileSync(file, archive);
  ok(d.berth(['load', '-i', file]));
  assert.equal(ok(d.berth(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', 'storage/many:130'])), '130\n');
  // run: berth-monitor mounts it (fsconfig lowerdir+); the image VOLUME is copied up through a view of 131 layers
  assert.equal(ok(d.berth(['run', '--rm', 'storage/many:130', 'sh', '-c', 'ls /layers | wc -l; cat /layers/0 /layers/128'])), '129\nlayer 0\nlayer 128\n');
  // a stopped container: cp and export mount it in berthd (the addon's overlay)
  const id = ok(d.berth(['create', '--name', 'many', 'storage/many:130', 'sh'])).trim();
  assert.ok(tarList(execFileSync(process.execPath, [path.join(path.dirname(new URL(import.meta.url).pathname), '../packages/cli/bin/berth'), '-H', d.host, 'cp', 'many:/bin/busybox', '-'], { maxBuffer: 1 << 28 })).includes('busybox'));
  const exported = execFileSync(process.execPath, [path.join(path.dirname(new URL(import.meta.url).pathname), '../packages/cli/bin/berth'), '-H', d.host, 'export', id], { maxBuffer: 1 << 28 });
  const names = tarList(exported);
  assert.ok(names.includes('layers/128') && names.includes('bin/busybox') && names.includes('.dockerenv'), names.slice(0, 20).join(' '));
  // a build step over it: a COPY mounts a step snapshot of 131 layers
  const ctx = fs.mkdtempSync(path.join(tmp, 'ctx-'));
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM storage/many:130\nCOPY f /layers/f\nRUN cat /layers/f /layers/7\n');
  fs.writeFileSync(path.join(ctx, 'f'), 'copied\n');
  assert.match(ok(d.berth(['build', '-t', 'storage/many:131', ctx])), /copied\nlayer 7\n/);
  ok(d.berth(['rm', 'many']));
  ok(d.berth(['rmi', 'storage/many:131', 'storage/many:130']));
  assert.deepEqual(mountedUnder(d.dataRoot), [], 'nothing left mounted');
});

test('local volumes with options are mounted with mount(2): o= split into flags and data, errors as moby words them', async () => {
  const host = fs.mkdtempSync(path.join(tmp, 'vol-'));
  fs.writeFileSync(path.join(host, 'from-host'), 'hello\n');
  ok(d.berth(['volume', 'create', '-o', 'type=none', '-o', `device=${host}`, '-o', 'o=bind,ro', 'st-bind-ro']));
  const out = d.berth(['run', '--rm', '-v', 'st-bind-ro:/v', 'busybox', 'sh', '-c', 'cat /v/from-host; grep " /v " /proc/mounts | cut -d" " -f4 | cut -d, -f1; touch /v/new']);
  assert.equal(out.stdout, 'hello\nro\n');
  assert.match(out.stderr, /Read-only file system/);
  assert.ok(!fs.existsSync(path.join(host, 'new')));
  const mp = path.join(d.dataRoot, 'volumes', 'st-bind-ro', '_data');
  assert.deepEqual(mountedUnder(path.dirname(mp)), [], 'unmounted after the container');
  // data the filesystem refuses: the run fails with moby's words, nothing stays mounted
  ok(d.berth(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m,nosuid,bogus=1', 'st-bad']));
  const bad = d.docker(['run', '--rm', '-v', 'st-bad:/v', 'busybox', 'true']);
  assert.notEqual(bad.code, 0);
  const badMp = path.join(d.dataRoot, 'volumes', 'st-bad', '_data');
  assert.ok(bad.stderr.includes(`error while mounting volume '${badMp}': failed to mount local volume: mount tmpfs:${badMp}, flags: 0x2, data: size=1m,bogus=1: invalid argument`), bad.stderr);
  assert.deepEqual(mountedUnder(path.dirname(badMp)), []);
  ok(d.berth(['volume', 'rm', 'st-bind-ro', 'st-bad']));
});

test('an image force-removed under a stopped container: its layers stay for the container, and go with it', () => {
  ok(d.berth(['run', '--name', 'st-src', 'busybox', 'sh', '-c', 'echo mine > /mine']));
  const img = ok(d.berth(['commit', 'st-src', 'storage/forced'])).trim();
  ok(d.berth(['rm', 'st-src']));
  const chains = () => fs.readdirSync(path.join(d.dataRoot, 'image/layers')).filter((x) => !x.startsWith('.')).sort();
  const before = chains();
  ok(d.berth(['create', '--name', 'st-user', 'storage/forced', 'cat', '/mine']));
  assert.match(ok(d.berth(['rmi', '-f', 'storage/forced'])), new RegExp(`Deleted: ${img}`));
  assert.deepEqual(chains(), before, 'the container still stands on the layer');
  assert.equal(ok(d.berth(['start', '-a', 'st-user'])), 'mine\n');
  ok(d.berth(['rm', 'st-user']));
  assert.equal(chains().length, before.length - 1, 'its layer goes with the last container on it');
});

test('a restart cleans what a crash left under the data root: mounts, half-made snapshots, orphaned container layers', async () => {
  const ov = path.join(d.dataRoot, 'overlay2');
  await d.stop();
  const mnt = path.join(ov, '.mnt-crashed');
  fs.mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', 'crash', mnt]);
  fs.mkdirSync(path.join(ov, '.tmp-crashed', 'diff'), { recursive: true });
  // a container layer whose container record is gone (on an init layer, which stays: a cache of the image's)
  const orphan = 'f'.repeat(64);
  const init = 'init-scratch';
  for (const [name, rec] of [[orphan, { kind: 'active', name: orphan, parent: init }], [init, { kind: 'committed', name: init, parent: null, disposable: true }]] as const) {
    fs.mkdirSync(path.join(ov, name, 'diff'), { recursive: true });
    writeSnapshotRecord(path.join(ov, name), rec);
  }
  await d.start();
  assert.deepEqual(mountedUnder(ov), []);
  assert.deepEqual(fs.readdirSync(ov).filter((x) => x.includes('crash') || x === orphan), []);
  assert.ok(fs.existsSync(path.join(ov, init, 'diff')));
  ok(d.berth(['run', '--rm', 'busybox', 'true']));
});
