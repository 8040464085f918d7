/** Images end to end: import, tag, save, rmi, load, history, inspect, prune with berth and docker; interop with skopeo and Docker-made archives. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { useDaemon, runSync, type TestDaemon } from './harness.js';
import { busyboxRootfs, ensureBusybox, fixture } from './images.js';
import { makeTar } from '../packages/engine/src/images/test-tar.js';

let d: TestDaemon;
let tmp: string;
before(async () => {
  d = await useDaemon();
  tmp = path.join(d.dir, 'work');
  fs.mkdirSync(tmp);
});

const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r.stdout; };
const inspect = (name: string) => JSON.parse(ok(d.berth(['image', 'inspect', name])))[0];

test('import -c CMD gives busybox:latest with the layer extracted', () => {
  const id = ensureBusybox(d);
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const img = inspect('busybox');
  assert.equal(img.Id, id);
  assert.deepEqual(img.RepoTags, ['busybox:latest']);
  assert.deepEqual(img.Config.Cmd, ['sh']);
  assert.equal(img.Comment, `Imported from -`);
  assert.equal(img.GraphDriver.Name, 'overlay2');
  assert.ok(fs.statSync(path.join(img.GraphDriver.Data.UpperDir, 'bin/busybox')).isFile());
  assert.equal(fs.readlinkSync(path.join(img.GraphDriver.Data.UpperDir, 'bin/sh')).replace(/^\/bin\//, ''), 'busybox');
  // /info counts it.
  assert.match(ok(d.docker(['info', '--format', '{{.Images}}'])), /^[1-9]\d*\n$/);
});

test('import from a file with -m and changes, from stdin, and from a URL', async () => {
  const tar = busyboxRootfs();
  let r = d.berth(['import', '-m', 'my message', '-c', 'ENV A=1 B=two', '-c', 'EXPOSE 80', '-c', 'WORKDIR /srv', '-c', 'LABEL x=y', '-c', 'ENTRYPOINT ["/bin/sh", "-c"]', '-c', 'USER nobody', tar, 'imp/one:v1']);
  const id = ok(r).trim();
  const img = inspect('imp/one:v1');
  assert.equal(img.Id, id);
  assert.equal(img.Comment, 'my message');
  assert.deepEqual(img.Config.Env, ['A=1', 'B=two']);
  assert.deepEqual(img.Config.ExposedPorts, { '80/tcp': {} });
  assert.equal(img.Config.WorkingDir, '/srv');
  assert.deepEqual(img.Config.Labels, { x: 'y' });
  assert.deepEqual(img.Config.Entrypoint, ['/bin/sh', '-c']);
  assert.equal(img.Config.User, 'nobody');
  r = d.berth(['import', '-', 'imp/stdin'], { input: fs.readFileSync(tar) });
  assert.match(ok(r), /^sha256:[a-f0-9]{64}\n$/);
  // Same layer: stored once.
  assert.equal(inspect('imp/stdin').GraphDriver.Data.UpperDir, inspect('imp/one:v1').GraphDriver.Data.UpperDir);
  r = d.berth(['import', '-c', 'BOGUS x', tar]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bogus is not a valid change command/);
  // URL import: busybox httpd on 127.0.0.1 inside the daemon's network namespace serves the tar.
  const www = fs.mkdtempSync(path.join(d.dir, 'www-'));
  fs.copyFileSync(tar, path.join(www, 'rootfs.tar'));
  const port = 30000 + Math.floor(Math.random() * 10000);
  const argv = d.nsArgv(['busybox', 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', www]);
  const server = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && d.inNetns(['curl', '-sf', '-o', '/dev/null', `http://127.0.0.1:${port}/rootfs.tar`]).code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = d.berth(['import', `http://127.0.0.1:${port}/rootfs.tar`, 'imp/url']);
    assert.match(ok(out), /sha256:[a-f0-9]{64}\n$/);
    assert.match(inspect('imp/url').Comment, /^Imported from http:\/\/127\.0\.0\.1:\d+\/rootfs\.tar$/);
  } finally {
    server.kill('SIGKILL');
  }
  for (const n of ['imp/one:v1', 'imp/stdin', 'imp/url']) ok(d.berth(['rmi', n]));
});

test('import → tag → save → rmi → load → images round-trips with identical IDs (berth)', () => {
  const id = ensureBusybox(d);
  ok(d.berth(['tag', 'busybox', 'localhost:5000/rt/app:v1']));
  ok(d.berth(['tag', id.slice(7, 19), 'rt/other']));
  let out = ok(d.berth(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']));
  for (const n of ['busybox:latest', 'localhost:5000/rt/app:v1', 'rt/other:latest']) assert.ok(out.includes(`${n} ${id.slice(7, 19)}`), out);
  const archive = path.join(tmp, 'rt.tar');
  ok(d.berth(['save', '-o', archive, 'busybox', 'localhost:5000/rt/app:v1', 'rt/other']));
  const files = ok(runSync('tar', ['tf', archive])).split('\n');
  for (const f of ['manifest.json', 'index.json', 'oci-layout', 'repositories', `blobs/sha256/${id.slice(7)}`]) assert.ok(files.includes(f), f);
  const manifest = JSON.parse(ok(runSync('tar', ['xOf', archive, 'manifest.json'])));
  assert.equal(manifest.length, 1);
  assert.deepEqual(manifest[0].RepoTags.sort(), ['busybox:latest', 'localhost:5000/rt/app:v1', 'rt/other:latest']);
  const rmi = ok(d.berth(['rmi', 'localhost:5000/rt/app:v1', 'rt/other']));
  assert.equal(rmi, 'Untagged: localhost:5000/rt/app:v1\nUntagged: rt/other:latest\n');
  const rm = ok(d.berth(['rmi', 'busybox']));
  assert.match(rm, new RegExp(`^Untagged: busybox:latest\nDeleted: ${id}\nDeleted: sha256:[a-f0-9]{64}\n$`));
  assert.equal(ok(d.berth(['images', '-q'])).includes(id.slice(7, 19)), false);
  const load = ok(d.berth(['load', '-i', archive]));
  assert.equal(load.split('\n').filter(Boolean).sort().join('\n'), ['Loaded image: busybox:latest', 'Loaded image: localhost:5000/rt/app:v1', 'Loaded image: rt/other:latest'].join('\n'));
  out = ok(d.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']));
  for (const n of ['busybox:latest', 'localhost:5000/rt/app:v1', 'rt/other:latest']) assert.ok(out.includes(`${n} ${id}`), out);
  // Save again: byte-identical archive.
  const again = path.join(tmp, 'rt2.tar');
  ok(d.berth(['save', '-o', again, 'busybox', 'localhost:5000/rt/app:v1', 'rt/other']));
  assert.ok(fs.readFileSync(again).equals(fs.readFileSync(archive)));
  ok(d.berth(['rmi', 'localhost:5000/rt/app:v1', 'rt/other']));
});

test('the same round trip with the docker CLI', () => {
  const id = ensureBusybox(d);
  ok(d.docker(['tag', 'busybox', 'dk/x:1']));
  const table = ok(d.docker(['images']));
  assert.match(table, /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\n/);
  assert.match(table, new RegExp(`\ndk/x +1 +${id.slice(7, 19)} +.+ ago +\\d`));
  const archive = path.join(tmp, 'dk.tar');
  ok(d.docker(['save', '-o', archive, 'dk/x:1']));
  assert.equal(ok(d.docker(['rmi', 'dk/x:1'])), 'Untagged: dk/x:1\n');
  assert.match(ok(d.docker(['load', '-i', archive])), /Loaded image: dk\/x:1\n/);
  assert.equal(ok(d.docker(['inspect', '--format', '{{.Id}}', 'dk/x:1'])).trim(), id);
  assert.equal(ok(d.docker(['image', 'inspect', '--format', '{{index .RepoTags 0}} {{.Os}}', 'dk/x:1'])), 'busybox:latest linux\n'.replace('busybox:latest', inspect('dk/x:1').RepoTags[0]));
  const hist = ok(d.docker(['history', 'dk/x:1']));
  assert.match(hist, /^IMAGE +CREATED +CREATED BY +SIZE +COMMENT\n/);
  assert.match(hist, new RegExp(`\n${id.slice(7, 19)} +.+ ago +\\S+ +Imported from -\n$`));
  const utc = { env: { TZ: 'UTC' } };
  assert.equal(ok(d.berth(['history', '--human=false', 'dk/x:1'], utc)), ok(d.docker(['history', '--human=false', 'dk/x:1'], utc)), 'berth history matches docker history');
  const fmt = ['--format', 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}\t{{.CreatedAt}}'];
  assert.equal(ok(d.berth(['images', ...fmt, 'dk/x'])), ok(d.docker(['images', ...fmt, 'dk/x'])), 'berth images matches docker images');
  assert.equal(ok(d.docker(['rmi', 'dk/x:1'])), 'Untagged: dk/x:1\n');
});

test('Docker-made multilayer archive: whiteouts honoured through an overlay of the layer dirs', () => {
  const r = d.berth(['load', '-i', fixture('multilayer.tar')]);
  assert.equal(ok(r), 'Loaded image: anchor/multilayer:latest\n');
  const img = inspect('anchor/multilayer');
  assert.equal(img.Id, 'sha256:1b16c3982d507e9675aa5c473cff80e466569bc659e1edc6cfbb68ac63186a5f');
  assert.equal(img.RootFS.Layers.length, 4);
  assert.deepEqual(img.Config.ExposedPorts, { '80/tcp': {} });
  const lower = [img.GraphDriver.Data.UpperDir, ...img.GraphDriver.Data.LowerDir.split(':')];
  assert.equal(lower.length, 4);
  // The whiteout layer holds overlay whiteouts.
  const wl = lower.find((l: string) => fs.existsSync(path.join(l, 'bin/vi')))!;
  assert.ok(fs.lstatSync(path.join(wl, 'bin/vi')).isCharacterDevice());
  const mnt = path.join(tmp, 'mnt');
  fs.mkdirSync(mnt);
  ok(runSync('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${lower.join(':')}`, mnt]));
  try {
    assert.equal(fs.readFileSync(path.join(mnt, 'data/keep/k.txt'), 'utf8'), 'keep\n');
    assert.equal(fs.readFileSync(path.join(mnt, 'data/sub/c.txt'), 'utf8'), 'new\n');
    assert.equal(fs.readFileSync(path.join(mnt, 'data/hello.txt'), 'utf8').trim(), 'copied from build context');
    assert.ok(!fs.existsSync(path.join(mnt, 'data/b.txt')));
    assert.ok(!fs.existsSync(path.join(mnt, 'data/sub/a.txt')));
    assert.ok(!fs.existsSync(path.join(mnt, 'bin/vi')));
    assert.ok(fs.existsSync(path.join(mnt, 'bin/busybox')));
  } finally {
    runSync('umount', [mnt]);
  }
  const hist = ok(d.berth(['history', 'anchor/multilayer']));
  assert.match(hist, /^IMAGE {10}CREATED +CREATED BY +SIZE +COMMENT\n1b16c3982d50 /);
  assert.match(hist, /\n1b16c3982d50 +.+ago +\/bin\/sh -c #\(nop\)  CMD \["httpd" "-f" "-v" "-… +0B +\n<missing> /);
  assert.match(hist, /\n<missing> +.+ago + +1\.98MB +busybox-static 1:1\.35\.0-4\+deb12u1\+b1 rootfs\n$/);
  assert.equal(ok(d.berth(['history', '-q', 'anchor/multilayer'])).split('\n')[0], '1b16c3982d50');
});

test('busybox.tar and the OCI layout busybox-oci.tar load', () => {
  assert.match(ok(d.berth(['load', '-i', fixture('busybox-oci.tar')])), /^Loaded image ID: sha256:6a6b45b086ff1de6dccfd787f54ff325bbde627e096dfe30013b20536ef3e63c\n$/);
  const img = inspect('6a6b45b086ff');
  assert.deepEqual(img.RepoTags, []);
  assert.ok(fs.existsSync(path.join(img.GraphDriver.Data.UpperDir, 'www/index.html')));
  const out = ok(d.berth(['load'], { input: fs.readFileSync(fixture('busybox.tar')) }));
  assert.match(out, /Loaded image: busybox:latest\n$/);
  // docker images shows the untagged OCI image as <none>.
  assert.match(ok(d.docker(['images', '-a'])), /\n<none> +<none> +6a6b45b086ff /);
  ok(d.berth(['rmi', '6a6b45b086ff']));
  // busybox:latest now is the fixture's image; our ensureBusybox image lost its tag.
  assert.equal(inspect('busybox').Id, 'sha256:f858099fac7b72f2b3ef24fbd3915539e75bcc6b19489d7a5de366f73a4fe493');
});

test('skopeo reads our save output (docker-archive: inspect and copy to oci:)', () => {
  const archive = path.join(tmp, 'sk.tar');
  ok(d.berth(['save', '-o', archive, 'anchor/multilayer']));
  const info = JSON.parse(ok(runSync('skopeo', ['inspect', `docker-archive:${archive}`])));
  assert.equal(info.Layers.length, 4);
  assert.equal(info.Os, 'linux');
  assert.equal(info.Architecture, 'amd64');
  const oci = path.join(tmp, 'oci');
  ok(runSync('skopeo', ['copy', '-q', `docker-archive:${archive}`, `oci:${oci}:ml`]));
  const index = JSON.parse(fs.readFileSync(path.join(oci, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'ml');
  const cfgDigest = JSON.parse(fs.readFileSync(path.join(oci, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8')).config.digest;
  const cfg = JSON.parse(fs.readFileSync(path.join(oci, 'blobs/sha256', cfgDigest.slice(7)), 'utf8'));
  assert.deepEqual(cfg.rootfs.diff_ids, inspect('anchor/multilayer').RootFS.Layers);
});

test('save to a terminal is refused; save to stdout works', () => {
  const r = runSync('script', ['-qc', `${process.execPath} ${path.resolve(path.dirname(new URL(import.meta.url).pathname), '../packages/cli/bin/berth')} -H ${d.host} save busybox`, '/dev/null']);
  assert.match(r.stdout, /cowardly refusing to save to a terminal\. Use the -o flag or redirect/);
  const out = spawnSync(process.execPath, [path.resolve(path.dirname(new URL(import.meta.url).pathname), '../packages/cli/bin/berth'), '-H', d.host, 'save', 'busybox'], { maxBuffer: 1 << 28 });
  assert.equal(out.status, 0);
  assert.equal(out.stdout.subarray(0, 5).toString(), 'blobs');
});

test('rmi: untag vs delete, shared layers kept while referenced, conflicts and prune', () => {
  const base = inspect('busybox');
  const layer = base.GraphDriver.Data.UpperDir;
  ok(d.berth(['tag', 'busybox', 'keep/a']));
  ok(d.berth(['tag', 'busybox', 'keep/b']));
  // By ID with several repositories: conflict.
  let r = d.berth(['rmi', base.Id.slice(7, 19)]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `Error response from daemon: conflict: unable to delete ${base.Id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
  assert.equal(ok(d.berth(['rmi', 'keep/a'])), 'Untagged: keep/a:latest\n');
  // Another image sharing the layer (the OCI fixture has the same layer with another config).
  ok(d.berth(['load', '-i', fixture('busybox-oci.tar')]));
  r = d.berth(['rmi', '-f', base.Id.slice(7, 19)]);
  // References go in lexical order of their full form (docker.io/keep/b < docker.io/library/busybox), as Docker's.
  assert.equal(ok(r), `Untagged: keep/b:latest\nUntagged: busybox:latest\nDeleted: ${base.Id}\n`);
  assert.ok(fs.existsSync(layer), 'shared layer kept');
  r = d.berth(['image', 'prune', '-f']);
  // Dangling: the OCI image, and our first busybox import that lost its tag to the fixture's busybox.
  const pruned = ok(r);
  assert.match(pruned, /^Deleted Images:\n(deleted: sha256:[a-f0-9]{64}\n)+\nTotal reclaimed space: \d/);
  assert.match(pruned, /\ndeleted: sha256:6a6b45b086ff1de6dccfd787f54ff325bbde627e096dfe30013b20536ef3e63c\n/);
  // The multilayer image's base layer is the same busybox layer: still there.
  assert.ok(fs.existsSync(layer));
  r = d.berth(['image', 'prune', '-f']);
  assert.equal(ok(r), 'Total reclaimed space: 0B\n');
  r = d.berth(['image', 'prune'], { input: 'n\n' });
  assert.equal(ok(r), 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
});

test('bad input: Docker\'s messages and exit codes', async () => {
  let r = d.berth(['image', 'inspect', 'nope']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'Error response from daemon: No such image: nope:latest');
  r = d.docker(['rmi', 'nope']);
  assert.equal(r.stderr.trim(), 'Error response from daemon: No such image: nope:latest');
  r = d.berth(['rmi', 'nope']);
  assert.equal([r.code, r.stderr.trim()].join(' '), '1 Error response from daemon: No such image: nope:latest');
  r = d.berth(['history', 'Bad:Ref']);
  assert.equal(r.stderr.trim(), 'Error response from daemon: invalid reference format: repository name (library/Bad) must be lowercase');
  r = d.berth(['image', 'inspect', 'a:b:c']);
  assert.equal(r.stderr.trim(), 'Error response from daemon: invalid reference format');
  r = d.berth(['save', '-o', path.join(tmp, 'x.tar'), 'nope']);
  assert.equal([r.code, r.stderr.trim()].join(' '), '1 Error response from daemon: No such image: nope:latest');
  assert.ok(!fs.existsSync(path.join(tmp, 'x.tar')));
  // A corrupt archive.
  const corrupt = path.join(tmp, 'corrupt.tar');
  fs.writeFileSync(corrupt, Buffer.concat([fs.readFileSync(fixture('busybox.tar')).subarray(0, 4096), Buffer.alloc(100, 7)]));
  r = d.berth(['load', '-i', corrupt]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid|unexpected end|manifest/i);
  // A hostile rootfs: refused, nothing written outside the store, no image listed.
  const before = ok(d.berth(['images', '-aq', '--no-trunc']));
  const hostile = path.join(tmp, 'hostile.tar');
  fs.writeFileSync(hostile, await makeTar([{ name: 'a', type: 'symlink', linkname: tmp }, { name: 'a/pwned', content: 'x' }]));
  r = d.berth(['import', hostile, 'evil']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refusing to extract "a\/pwned": path traverses symlink "a"/);
  assert.ok(!fs.existsSync(path.join(tmp, 'pwned')));
  fs.writeFileSync(hostile, await makeTar([{ name: '../../../../pwned', content: 'x' }]));
  r = d.berth(['import', hostile, 'evil']);
  assert.match(r.stderr, /path escapes the layer directory/);
  assert.equal(ok(d.berth(['images', '-aq', '--no-trunc'])), before);
  r = d.berth(['import', path.join(tmp, 'missing.tar')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such file or directory/);
});

test('a restart keeps images and cleans crash leftovers', async () => {
  const list = () => ok(d.berth(['images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}} {{.Size}}']));
  const before = list();
  const root = path.join(d.dataRoot, 'image');
  await d.stop();
  fs.writeFileSync(path.join(root, 'blobs/sha256/.tmp-ingest-1-abcd'), 'partial');
  fs.mkdirSync(path.join(root, 'layers/.tmp-deadbeef-1-abcd/diff'), { recursive: true });
  fs.mkdirSync(path.join(root, 'layers', 'f'.repeat(64), 'diff'), { recursive: true }); // no layer.json
  fs.writeFileSync(path.join(root, 'blobs/sha256', 'e'.repeat(64)), 'orphan');
  await d.start();
  assert.equal(list(), before);
  assert.ok(!fs.existsSync(path.join(root, 'blobs/sha256/.tmp-ingest-1-abcd')));
  assert.ok(!fs.existsSync(path.join(root, 'layers/.tmp-deadbeef-1-abcd')));
  assert.ok(!fs.existsSync(path.join(root, 'layers', 'f'.repeat(64))));
  assert.ok(!fs.existsSync(path.join(root, 'blobs/sha256', 'e'.repeat(64))));
});
