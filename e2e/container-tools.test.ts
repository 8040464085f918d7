/**
 * commit / diff / export | import / cp with berth and the real docker CLI (seed 000's commit and
 * export/import walkthroughs): whiteouts, -c changes, history comment/author, path rules,
 * stopped containers, symlink escapes kept inside, read-only refusals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok } from './containers-helpers.js';

let d: TestDaemon;
let tmp: string;
before(async () => { d = await busyboxDaemon(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tools-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const tarList = (buf: Buffer) => execFileSync('tar', ['-t'], { input: buf }).toString().split('\n').filter(Boolean);

for (const cli of CLIS) {
  const run = (args: string[], opts: { input?: string | Buffer } = {}) => d[cli](args, opts);
  const n = (s: string) => `${cli}-${s}`;

  test(`${cli}: diff shows A/C/D, commit captures a new file and a deletion, the image runs with them`, () => {
    ok(run(['run', '--name', n('c1'), 'busybox', 'sh', '-c', 'echo hi > /tmp/x; rm /bin/vi; mkdir /abc']));
    const diff = ok(run(['diff', n('c1')])).split('\n');
    for (const l of ['C /tmp', 'A /tmp/x', 'C /bin', 'D /bin/vi', 'A /abc']) assert.ok(diff.includes(l), `${l} in\n${diff.join('\n')}`);
    assert.ok(!diff.some((l) => /\/etc\/(hosts|hostname|resolv\.conf)$/.test(l)), diff.join('\n'));
    const id = ok(run(['commit', '-m', 'added x', '-a', 'Tester <t@example.com>', n('c1'), `${cli}/committed:v2`])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(run(['run', '--rm', `${cli}/committed:v2`, 'cat', '/tmp/x'])), 'hi\n');
    const vi = run(['run', '--rm', `${cli}/committed:v2`, 'ls', '/bin/vi']);
    assert.notEqual(vi.code, 0);
    assert.equal(ok(run(['run', '--rm', `${cli}/committed:v2`, 'sh', '-c', 'test -d /abc && echo dir'])), 'dir\n');
    const hist = ok(run(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', `${cli}/committed:v2`])).split('\n');
    assert.equal(hist[0], 'sh -c echo hi > /tmp/x; rm /bin/vi; mkdir /abc|added x');
    const author = ok(run(['image', 'inspect', '--format', '{{.Author}}|{{.Comment}}|{{len .RootFS.Layers}}', `${cli}/committed:v2`])).trim();
    assert.equal(author, 'Tester <t@example.com>|added x|2');
    ok(run(['rm', n('c1')]));
  });

  test(`${cli}: commit -c 'CMD ["x"]' and --change ENV change the config; a running container is paused and resumed`, () => {
    ok(run(['run', '-d', '--name', n('c2'), 'busybox', 'sh', '-c', 'echo hello > /greeting; while true; do sleep 1; done']));
    const id = ok(run(['commit', '-c', 'CMD ["cat", "/greeting"]', '--change', 'ENV FOO=bar', n('c2'), `${cli}/cmd`])).trim();
    assert.match(id, /^sha256:/);
    assert.equal(ok(run(['inspect', '--format', '{{.State.Status}}', n('c2')])).trim(), 'running');
    assert.equal(ok(run(['image', 'inspect', '--format', '{{json .Config.Cmd}} {{index .Config.Env 0}}', `${cli}/cmd`])).trim().split(' ')[0], '["cat","/greeting"]');
    assert.match(ok(run(['image', 'inspect', '--format', '{{json .Config.Env}}', `${cli}/cmd`])), /"FOO=bar"/);
    assert.equal(ok(run(['run', '--rm', `${cli}/cmd`])), 'hello\n');
    ok(run(['pause', n('c2')]));
    ok(run(['commit', '--pause=false', n('c2'), `${cli}/from-paused`]));
    assert.equal(ok(run(['inspect', '--format', '{{.State.Status}}', n('c2')])).trim(), 'paused');
    ok(run(['rm', '-f', n('c2')]));
  });

  test(`${cli}: volume contents are not committed but the mountpoint is`, () => {
    ok(run(['run', '--name', n('c3'), '-v', '/data', 'busybox', 'sh', '-c', 'echo v > /data/in-volume; echo r > /root-file']));
    ok(run(['commit', n('c3'), `${cli}/vol`]));
    assert.equal(ok(run(['run', '--rm', `${cli}/vol`, 'sh', '-c', 'ls -a /data | wc -l; cat /root-file'])).replace(/ +/g, ''), '2\nr\n');
    ok(run(['rm', '-v', n('c3')]));
  });

  test(`${cli}: export | import round trip runs, export refuses nothing when piped`, () => {
    ok(run(['run', '--name', n('ex'), 'busybox', 'sh', '-c', 'echo exported > /marker']));
    const tarFile = path.join(tmp, `${cli}-export.tar`);
    ok(run(['export', '-o', tarFile, n('ex')]));
    const names = tarList(fs.readFileSync(tarFile));
    assert.ok(names.includes('marker'), names.slice(0, 20).join(','));
    assert.ok(names.includes('bin/busybox') || names.includes('bin/sh'), 'busybox binaries exported');
    const piped = d[cli](['export', n('ex')]);
    assert.equal(piped.code, 0);
    const imp = ok(run(['import', tarFile, `${cli}/imported:v4`])).trim();
    assert.match(imp, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(run(['run', '--rm', `${cli}/imported:v4`, 'cat', '/marker'])), 'exported\n');
    // seed 000: cat ubuntu.tar | docker import - test/ubuntu:v4
    const fromStdin = ok(run(['import', '-', `${cli}/stdin:v4`], { input: fs.readFileSync(tarFile) })).trim();
    assert.match(fromStdin, /^sha256:[0-9a-f]{64}$/);
    assert.match(ok(run(['images', `${cli}/stdin`])), new RegExp(`^${cli}/stdin +v4 +${fromStdin.slice(7, 19)} +(Less than a second|\\d+ seconds?) ago`, 'm'));
    assert.equal(ok(run(['run', '--rm', `${cli}/stdin:v4`, 'cat', '/marker'])), 'exported\n');
    ok(run(['rm', n('ex')]));
  });

  test(`${cli}: cp from a running container: file, dir, dir/., stdout tar, missing path`, () => {
    ok(run(['run', '-d', '--name', n('cp1'), 'busybox', 'sh', '-c', 'mkdir -p /d/sub; echo one > /d/one; echo two > /d/sub/two; while true; do sleep 1; done']));
    const out = path.join(tmp, `${cli}-cp1`);
    fs.mkdirSync(out);
    for (let i = 0; i < 50 && run(['exec', n('cp1'), 'test', '-f', '/d/sub/two']).code !== 0; i++) execFileSync('sleep', ['0.1']);
    ok(run(['cp', `${n('cp1')}:/d/one`, path.join(out, 'renamed')]));
    assert.equal(fs.readFileSync(path.join(out, 'renamed'), 'utf8'), 'one\n');
    ok(run(['cp', `${n('cp1')}:/d`, out]));
    assert.equal(fs.readFileSync(path.join(out, 'd/sub/two'), 'utf8'), 'two\n');
    ok(run(['cp', `${n('cp1')}:/d/.`, path.join(out, 'flat')]));
    assert.equal(fs.readFileSync(path.join(out, 'flat/one'), 'utf8'), 'one\n');
    const tarOut = run(['cp', `${n('cp1')}:/d/one`, '-']);
    assert.equal(tarOut.code, 0);
    assert.deepEqual(tarList(Buffer.from(tarOut.stdout, 'latin1')), ['one']);
    const missing = run(['cp', `${n('cp1')}:/nope`, out]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`Error response from daemon: Could not find the file /nope in container ${n('cp1')}`));
    ok(run(['rm', '-f', n('cp1')]));
  });

  test(`${cli}: cp into running and stopped containers, tar on stdin, a symlink to / stays inside`, () => {
    const src = path.join(tmp, `${cli}-src`);
    fs.mkdirSync(path.join(src, 'tree'), { recursive: true });
    fs.writeFileSync(path.join(src, 'file.txt'), 'payload\n');
    fs.writeFileSync(path.join(src, 'tree/leaf'), 'leaf\n');
    ok(run(['run', '-d', '--name', n('cp2'), 'busybox', 'sh', '-c', 'ln -s / /etc/x; while true; do sleep 1; done']));
    const r = run(['cp', path.join(src, 'file.txt'), `${n('cp2')}:/tmp/copied.txt`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ok(run(['exec', n('cp2'), 'cat', '/tmp/copied.txt'])), 'payload\n');
    ok(run(['cp', path.join(src, 'tree'), `${n('cp2')}:/tmp/`]));
    assert.equal(ok(run(['exec', n('cp2'), 'cat', '/tmp/tree/leaf'])), 'leaf\n');
    // a symlink /etc/x -> / resolves inside the container, never to the host's /
    ok(run(['cp', path.join(src, 'file.txt'), `${n('cp2')}:/etc/x/tmp/escape.txt`]));
    assert.ok(!fs.existsSync('/tmp/escape.txt'), 'wrote through to the host');
    assert.equal(ok(run(['exec', n('cp2'), 'cat', '/tmp/escape.txt'])), 'payload\n');
    const tarIn = execFileSync('tar', ['-C', src, '-c', 'file.txt']);
    ok(run(['cp', '-', `${n('cp2')}:/root`], { input: tarIn }));
    assert.equal(ok(run(['exec', n('cp2'), 'cat', '/root/file.txt'])), 'payload\n');
    ok(run(['stop', '-t', '0', n('cp2')]));
    ok(run(['cp', path.join(src, 'file.txt'), `${n('cp2')}:/stopped.txt`]));
    const back = path.join(tmp, `${cli}-back.txt`);
    ok(run(['cp', `${n('cp2')}:/stopped.txt`, back]));
    assert.equal(fs.readFileSync(back, 'utf8'), 'payload\n');
    ok(run(['cp', `${n('cp2')}:/etc/x/tmp/copied.txt`, path.join(tmp, `${cli}-via-link`)]));
    assert.equal(fs.readFileSync(path.join(tmp, `${cli}-via-link`), 'utf8'), 'payload\n');
    ok(run(['start', n('cp2')]));
    assert.equal(ok(run(['exec', n('cp2'), 'cat', '/stopped.txt'])), 'payload\n');
    ok(run(['rm', '-f', n('cp2')]));
  });

  test(`${cli}: cp refuses --read-only rootfs and read-only volumes with Docker's messages`, () => {
    const src = path.join(tmp, `${cli}-ro.txt`);
    fs.writeFileSync(src, 'x');
    ok(run(['run', '-d', '--read-only', '--name', n('ro'), '-v', `${cli}-rovol:/ro:ro`, 'busybox', 'sleep', '1000']));
    const r1 = run(['cp', src, `${n('ro')}:/`]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /Error response from daemon: container rootfs is marked read-only/);
    const r2 = run(['cp', src, `${n('ro')}:/ro/`]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /Error response from daemon: mounted volume is marked read-only/);
    ok(run(['rm', '-f', '-v', n('ro')]));
    run(['volume', 'rm', `${cli}-rovol`]);
  });
}
