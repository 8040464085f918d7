/**
 * Engine API fidelity of files and images, through the real docker CLI (or the raw API where the
 * CLI cannot send the request), against Docker's answers read from moby's source:
 * commit right after start (pause if it can), committed images' Container/ContainerConfig
 * (API < 1.45), archive GET/HEAD/PUT on a created container (its init layer's placeholders, its
 * volumes and binds mounted for the copy), the owner of copied files (copyUIDGID), and
 * noOverwriteDirNonDir.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { repo, type TestDaemon } from './harness.js';
import { busyboxDaemon, ok } from './containers-helpers.js';
import { makeTar, type TarEntry } from '../packages/engine/src/images/test-tar.js';

let d: TestDaemon;
let tmp: string;
before(async () => { d = await busyboxDaemon(); tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fidelity-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const tarEntries = (buf: Buffer) => execFileSync('tar', ['-tv', '--numeric-owner'], { input: buf }).toString().split('\n').filter(Boolean);
/** A docker-py (Debian's python3-docker) script against the daemon, `c` its APIClient; its stdout. */
function py(script: string, input?: Buffer): string {
  const full = `import docker, sys, json\nc = docker.APIClient(base_url=${JSON.stringify(d.host)}, version='1.51')\n${script}`;
  return execFileSync('python3', ['-c', full], { input, env: { ...process.env } }).toString();
}
const cpOut = (src: string, ...flags: string[]) => execFileSync('/usr/local/bin/docker', ['-H', d.host, 'cp', ...flags, src, '-'], { env: { ...process.env, DOCKER_CONFIG: path.join(d.dir, 'docker-config') } });
const cpOutL = (src: string) => cpOut(src, '-L');

test('commit right after start pauses if it can and commits; the image keeps Container and ContainerConfig below API 1.45', async () => {
  // docker-py, back to back: the container's cgroup may not be there yet, or gone already (pause=True is its default)
  const made = JSON.parse(py(`
out = []
for i in range(8):
    cmd = 'echo hi > /made' if i % 2 else 'echo hi > /made; sleep 30'
    cid = c.create_container('busybox', ['sh', '-c', cmd], name='fresh%d' % i)['Id']
    c.start(cid)
    out.append({'id': cid, 'img': c.commit(cid)['Id']})
print(json.dumps(out))`)) as { id: string; img: string }[];
  for (const m of made) assert.match(m.img, /^sha256:[0-9a-f]{64}$/);
  const { id, img } = made[0]!;
  const old = JSON.parse(ok(d.docker(['image', 'inspect', img], { env: { DOCKER_API_VERSION: '1.44' } })))[0];
  assert.equal(old.Container, id);
  assert.deepEqual(old.ContainerConfig.Cmd, ['sh', '-c', 'echo hi > /made; sleep 30']);
  assert.equal(old.ContainerConfig.Image, 'busybox');
  const now = JSON.parse(ok(d.docker(['image', 'inspect', img], { env: { DOCKER_API_VERSION: '1.45' } })))[0];
  assert.ok(!('Container' in now) && !('ContainerConfig' in now), Object.keys(now).join(','));
  // an image made by no container: Docker's zero struct
  const plain = JSON.parse(ok(d.docker(['image', 'inspect', 'busybox'], { env: { DOCKER_API_VERSION: '1.44' } })))[0];
  assert.equal(plain.Container, '');
  assert.deepEqual(plain.ContainerConfig, { Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null, WorkingDir: '', Entrypoint: null, Labels: null });
  ok(d.docker(['rm', '-f', ...made.map((m) => m.id)]));
  ok(d.docker(['rmi', ...made.map((m) => m.img)]));
  // an exited container commits too (nothing to pause)
  ok(d.docker(['run', '--name', 'exited', 'busybox', 'sh', '-c', 'echo bye > /gone']));
  const exitedImg = ok(d.docker(['commit', 'exited', 'exited:img'])).trim();
  assert.equal(ok(d.docker(['run', '--rm', exitedImg, 'cat', '/gone'])), 'bye\n');
  ok(d.docker(['rm', 'exited']));
  ok(d.docker(['rmi', 'exited:img']));
});

test('a created, never started container: /etc/hosts, hostname and resolv.conf are the init layer\'s placeholders (GET and HEAD); started once, its own', async () => {
  ok(d.docker(['create', '--name', 'created', '--hostname', 'crhost', '--add-host', 'foo:1.2.3.4', 'busybox']));
  for (const f of ['/etc/resolv.conf', '/etc/hosts', '/etc/hostname']) {
    const list = tarEntries(cpOut(`created:${f}`));
    assert.equal(list.length, 1, list.join('\n'));
    assert.match(list[0]!, new RegExp(`^-rwxr-xr-x 0/0 +0 .* ${path.basename(f)}$`));
    // -L stats the path first (HEAD)
    assert.equal(tarEntries(cpOutL(`created:${f}`)).length, 1);
    const stat = JSON.parse(py(`_, st = c.get_archive('created', '${f}')\nprint(json.dumps(st))`));
    assert.deepEqual({ name: stat.name, size: stat.size, mode: stat.mode }, { name: path.basename(f), size: 0, mode: 0o755 });
  }
  // once started, a stopped container shows its own files (moby's NetworkMounts), export the placeholders
  ok(d.docker(['start', '-a', 'created']));
  const fileOf = (f: string) => execFileSync('tar', ['-xO'], { input: cpOut(`created:${f}`) }).toString();
  assert.equal(fileOf('/etc/hostname'), 'crhost\n');
  assert.match(fileOf('/etc/hosts'), /^1\.2\.3\.4\tfoo$/m);
  assert.match(fileOf('/etc/resolv.conf'), /nameserver/);
  const exported = execFileSync('tar', ['-xO', 'etc/hostname'], { input: execFileSync('/usr/local/bin/docker', ['-H', d.host, 'export', 'created'], { maxBuffer: 1 << 28 }) });
  assert.equal(exported.length, 0);
  ok(d.docker(['rm', 'created']));
});

test('a created container\'s volumes and bind mounts are mounted for cp (PUT and GET), never started', async () => {
  const host = fs.mkdtempSync(path.join(tmp, 'bind-'));
  const hostFile = path.join(tmp, 'bound-file');
  fs.writeFileSync(hostFile, 'host file\n');
  ok(d.docker(['create', '--name', 'vols', '-v', 'fvol:/vol1', '-v', `${host}:/deep/bind`, '-v', `${hostFile}:/etc/bound:ro`, '-v', `${host}:/robind:ro`, 'busybox']));
  const src = path.join(tmp, 'hello.txt');
  fs.writeFileSync(src, 'to the volume\n');
  ok(d.docker(['cp', src, 'vols:/vol1/']));
  ok(d.docker(['cp', src, 'vols:/deep/bind/']));
  assert.equal(fs.readFileSync(path.join(host, 'hello.txt'), 'utf8'), 'to the volume\n');
  assert.match(tarEntries(cpOut('vols:/vol1/hello.txt'))[0]!, / hello.txt$/);
  assert.equal(ok(d.docker(['run', '--rm', '-v', 'fvol:/v', 'busybox', 'cat', '/v/hello.txt'])), 'to the volume\n');
  assert.equal(cpOut('vols:/etc/bound').subarray(512, 522).toString(), 'host file\n');
  // Docker's answer: 400 (a bind's mountpoint itself is busy, as in Docker)
  const ro = py(`try:\n    c.put_archive('vols', '/robind', sys.stdin.buffer.read())\nexcept docker.errors.APIError as e:\n    print(e.status_code, e.explanation)`,
    await makeTar([{ name: 'x', content: 'x' }]));
  assert.equal(ro, '400 mounted volume is marked read-only\n');
  const busy = d.docker(['cp', src, 'vols:/etc/bound']);
  assert.equal(busy.stderr, 'Error response from daemon: unlinkat /etc/bound: device or resource busy\n');
  // the mountpoints are made in the container's layer, the copies went to the mounts
  assert.deepEqual(ok(d.docker(['diff', 'vols'])).split('\n').filter((l) => /hello|bound|vol1|deep|robind/.test(l)).sort(),
    ['A /deep', 'A /deep/bind', 'A /etc/bound', 'A /robind', 'A /vol1'].sort());
  ok(d.docker(['rm', '-v', 'vols']));
  ok(d.docker(['volume', 'rm', 'fvol']));
});

test('PUT archive keeps the tar\'s owners; copyUIDGID=1 gives them to the container\'s user', async () => {
  const tar = await makeTar([{ name: 'own/', type: 'directory', uid: 1234, gid: 5678 }, { name: 'own/f', content: 'x', uid: 1234, gid: 5678 }]);
  ok(d.docker(['create', '--name', 'owners', 'busybox']));
  ok(d.docker(['create', '--name', 'owners-user', '--user', 'nobody', 'busybox']));
  ok(d.docker(['create', '--name', 'owners-uid', '--user', '4321:99', 'busybox']));
  const owners = (ctr: string) => tarEntries(cpOut(`${ctr}:/tmp/own`)).map((l) => l.split(/\s+/)[1]);
  ok(d.docker(['cp', '-', 'owners:/tmp'], { input: tar }));
  assert.deepEqual(owners('owners'), ['1234/5678', '1234/5678']);
  // -a sends copyUIDGID=1: a container without a user keeps the tar's owners too
  ok(d.docker(['cp', '-a', '-', 'owners:/tmp'], { input: tar }));
  assert.deepEqual(owners('owners'), ['1234/5678', '1234/5678']);
  const nobody = /^nobody:[^:]*:(\d+):(\d+):/m.exec(ok(d.docker(['run', '--rm', 'busybox', 'cat', '/etc/passwd'])))!;
  ok(d.docker(['cp', '-a', '-', 'owners-user:/tmp'], { input: tar }));
  assert.deepEqual(owners('owners-user'), [`${nobody[1]}/${nobody[2]}`, `${nobody[1]}/${nobody[2]}`]);
  ok(d.docker(['cp', '-a', '-', 'owners-uid:/tmp'], { input: tar }));
  assert.deepEqual(owners('owners-uid'), ['4321/99', '4321/99']);
  // a host file's owner travels in the tar the CLI makes (docker and berth alike)
  const owned = path.join(tmp, 'owned.txt');
  fs.writeFileSync(owned, 'owned\n');
  fs.chownSync(owned, 2345, 6789);
  ok(d.docker(['cp', owned, 'owners:/tmp/docker-owned.txt']));
  ok(d.berth(['cp', owned, 'owners:/tmp/berth-owned.txt']));
  for (const f of ['docker-owned.txt', 'berth-owned.txt']) assert.equal(tarEntries(cpOut(`owners:/tmp/${f}`))[0]!.split(/\s+/)[1], '2345/6789', f);
  ok(d.docker(['create', '--name', 'owners-bad', '--user', 'nosuchuser', 'busybox']));
  const bad = d.docker(['cp', '-a', '-', 'owners-bad:/tmp'], { input: tar });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Error response from daemon: failed to look up user "nosuchuser" in container: no matching entries in passwd file/);
  ok(d.docker(['rm', 'owners', 'owners-user', 'owners-uid', 'owners-bad']));
});

test('noOverwriteDirNonDir: a directory is not replaced by a file nor the reverse (Docker\'s 500 and text)', async () => {
  ok(d.docker(['create', '--name', 'nodir', 'busybox']));
  ok(d.docker(['cp', '-', 'nodir:/tmp'], { input: await makeTar([{ name: 'd/', type: 'directory' }, { name: 'f', content: 'file' }]) }));
  let r = d.docker(['cp', '-', 'nodir:/tmp'], { input: await makeTar([{ name: 'd', content: 'not a dir' }]) });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'Error response from daemon: cannot overwrite directory "d" with non-directory "/tmp"');
  r = d.docker(['cp', '-', 'nodir:/tmp'], { input: await makeTar([{ name: 'f/', type: 'directory' }]) });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'Error response from daemon: cannot overwrite non-directory "f" with directory "/tmp"');
  // without the flag (the API's default; docker-py sends none) the replacement happens
  assert.equal(py(`print(c.put_archive('nodir', '/tmp', sys.stdin.buffer.read()))`, await makeTar([{ name: 'f/', type: 'directory' }])), 'True\n');
  assert.match(tarEntries(cpOut('nodir:/tmp/f'))[0]!, /^d/);
  ok(d.docker(['rm', 'nodir']));
});

const sha = (s: string) => `sha256:${crypto.createHash('sha256').update(s).digest('hex')}`;
const chainOf = (diffIDs: string[]) => diffIDs.reduce<string[]>((acc, d) => [...acc, acc.length ? sha(`${acc[acc.length - 1]} ${d}`) : d], []);

test('save of a two-layer image: Docker 25+\'s entries (blobs, a v1 JSON per layer, index.json, manifest.json, oci-layout, repositories)', () => {
  ok(d.docker(['run', '--name', 'twolayer', 'busybox', 'sh', '-c', 'echo two > /two']));
  ok(d.docker(['commit', 'twolayer', 'two:layers']));
  const inspect = JSON.parse(ok(d.docker(['image', 'inspect', 'two:layers'])))[0];
  const out = path.join(tmp, 'two.tar');
  ok(d.docker(['save', '-o', out, 'two:layers']));
  const names = execFileSync('tar', ['-tf', out]).toString().split('\n').filter(Boolean);
  assert.equal(names.length, 12, names.join('\n'));
  const blobs = names.filter((n) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n.slice(13)}`);
  assert.deepEqual(names.filter((n) => !blobs.includes(`sha256:${n.slice(13)}`)).sort(),
    ['blobs/', 'blobs/sha256/', 'index.json', 'manifest.json', 'oci-layout', 'repositories']);
  const read = (n: string) => execFileSync('tar', ['-xOf', out, n]);
  const manifest = JSON.parse(read('manifest.json').toString())[0];
  const v1 = blobs.filter((b) => b !== inspect.Id && !manifest.Layers.includes(`blobs/sha256/${b.slice(7)}`) && !JSON.parse(read(`blobs/sha256/${b.slice(7)}`).toString()).schemaVersion)
    .map((b) => JSON.parse(read(`blobs/sha256/${b.slice(7)}`).toString()));
  assert.equal(v1.length, 2);
  const bottom = v1.find((j) => !j.parent)!;
  const top = v1.find((j) => j.parent)!;
  assert.equal(top.parent, bottom.id);
  assert.equal(bottom.created, '1970-01-01T00:00:00Z');
  assert.equal(top.container, inspect.Container ?? top.container);
  assert.deepEqual(JSON.parse(read('repositories').toString()), { two: { layers: inspect.RootFS.Layers[1].slice(7) } });
  assert.equal(read('oci-layout').toString(), '{"imageLayoutVersion": "1.0.0"}');
  assert.ok(!read('index.json').toString().endsWith('\n') && read('manifest.json').toString().endsWith(']\n'));
  // saved by ID: no tags, Go's nil slice
  const byId = path.join(tmp, 'byid.tar');
  ok(d.docker(['save', '-o', byId, inspect.Id]));
  assert.equal(JSON.parse(execFileSync('tar', ['-xOf', byId, 'manifest.json']).toString())[0].RepoTags, null);
  // and it loads back
  ok(d.docker(['rmi', 'two:layers']));
  assert.match(ok(d.docker(['load', '-i', out])), /Loaded image: two:layers/);
  ok(d.docker(['rm', 'twolayer']));
});

test('rmi -f of a committed image: the layers a container still holds are not deleted (Docker\'s Untagged/Deleted lines)', () => {
  ok(d.docker(['run', '--name', 'rmisrc', 'busybox', 'sh', '-c', 'echo a > /a']));
  const one = ok(d.docker(['commit', 'rmisrc', 'rmi:one'])).trim();
  const chain = chainOf(JSON.parse(ok(d.docker(['image', 'inspect', 'rmi:one'])))[0].RootFS.Layers);
  // nothing holds its layer: the image and its own layer go; busybox (tagged) stays
  assert.equal(ok(d.docker(['rmi', '-f', 'rmi:one'])), `Untagged: rmi:one\nDeleted: ${one}\nDeleted: ${chain[1]}\n`);
  const two = ok(d.docker(['commit', 'rmisrc', 'rmi:two'])).trim();
  ok(d.docker(['create', '--name', 'rmiuser', 'rmi:two']));
  // a stopped container of it holds its layers: -f deletes the image, not the layers
  assert.equal(ok(d.docker(['rmi', '-f', 'rmi:two'])), `Untagged: rmi:two\nDeleted: ${two}\n`);
  assert.equal(ok(d.docker(['start', '-a', 'rmiuser'])), '');
  ok(d.docker(['rm', 'rmiuser', 'rmisrc']));
});

/** A pre-1.10 `docker save` archive: `repositories` and per v1 layer `<id>/json`, `<id>/layer.tar`, `<id>/VERSION`. */
async function legacyArchive(layers: { id: string; json: object | string; tar: Buffer }[], repositories: object, extra: TarEntry[] = []): Promise<Buffer> {
  const entries: TarEntry[] = [{ name: 'repositories', content: JSON.stringify(repositories) }];
  for (const l of layers) {
    entries.push({ name: `${l.id}/`, type: 'directory' }, { name: `${l.id}/VERSION`, content: '1.0' },
      { name: `${l.id}/json`, content: typeof l.json === 'string' ? l.json : JSON.stringify(l.json) }, { name: `${l.id}/layer.tar`, content: l.tar });
  }
  return makeTar([...entries, ...extra]);
}
const v1id = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const busyboxLayer = () => execFileSync('tar', ['-xOf', path.join(repo, 'e2e/fixtures/busybox.tar'), '95de624cb45249a081e7de0d964b21a8f5dfea21892eeeecbd5e6b9d25a96869/layer.tar'], { maxBuffer: 64 << 20 });
/** What the image stores hold: every image, blob and layer. */
const storeState = () => [ok(d.docker(['images', '-aq', '--no-trunc'])),
  ...['image/blobs/sha256', 'image/layers'].map((sub) => fs.readdirSync(path.join(d.dataRoot, sub)).filter((n) => !n.startsWith('.')).sort().join(' '))];

test('load of an archive in the pre-1.10 layout (no manifest.json): loaded as dockerd 20.10 did, one image per v1 layer', async () => {
  const [bottom, top] = [v1id('legacy-bottom'), v1id('legacy-top')];
  const topTar = await makeTar([{ name: 'legacy.txt', content: 'from the second layer\n' }]);
  const archive = await legacyArchive([
    { id: bottom, tar: busyboxLayer(), json: { id: bottom, created: '2015-06-01T10:00:00.000000000Z', docker_version: '1.9.1', architecture: 'amd64', os: 'linux',
      container_config: { Cmd: ['/bin/sh', '-c', '#(nop) ADD file:busybox in /'] } } },
    { id: top, tar: topTar, json: { id: top, parent: bottom, created: '2015-06-01T10:01:00.5Z', docker_version: '1.9.1', architecture: 'amd64', os: 'linux', Size: 22,
      container_config: { Cmd: ['/bin/sh', '-c', 'echo from the second layer > /legacy.txt'] }, config: { Cmd: ['sh'], Env: ['PATH=/usr/bin:/bin'] } } },
  ], { 'legacy/app': { v1: top } });
  const file = path.join(tmp, 'legacy.tar');
  fs.writeFileSync(file, archive);
  // 20.10's legacyLoad prints nothing (no "Loaded image" line for this layout)
  assert.equal(ok(d.docker(['load', '-i', file])), '');
  assert.equal(ok(d.docker(['run', '--rm', 'legacy/app:v1', 'cat', '/legacy.txt'])), 'from the second layer\n');
  const img = JSON.parse(ok(d.docker(['image', 'inspect', 'legacy/app:v1'])))[0];
  assert.deepEqual(img.RootFS.Layers, ['sha256:17316851af39664976bf754a664bf2419ac90e835b95584909288f8ea19961de', `sha256:${crypto.createHash('sha256').update(topTar).digest('hex')}`]);
  assert.deepEqual(img.Config.Cmd, ['sh']);
  assert.equal(img.Created, '2015-06-01T10:01:00.5Z');
  // the bottom v1 layer is an image of its own, the top one's parent: hidden from `images`, listed by `images -a`
  const parent = JSON.parse(ok(d.docker(['image', 'inspect', img.Parent])))[0];
  assert.deepEqual(parent.RootFS.Layers, img.RootFS.Layers.slice(0, 1));
  assert.deepEqual(parent.RepoTags, []);
  assert.equal(ok(d.docker(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}', 'legacy/app:v1'])),
    `${img.Id}|/bin/sh -c echo from the second layer > /legacy.txt\n${parent.Id}|/bin/sh -c #(nop) ADD file:busybox in /\n`);
  assert.equal(ok(d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'legacy/app'])), `legacy/app:v1 ${img.Id.slice(7, 19)}\n`);
  assert.ok(!ok(d.docker(['images', '-q', '--no-trunc'])).includes(parent.Id));
  assert.ok(ok(d.docker(['images', '-aq', '--no-trunc'])).includes(parent.Id));
  // loading it again changes nothing
  assert.equal(ok(d.docker(['load', '-i', file])), '');
  assert.equal(JSON.parse(ok(d.docker(['image', 'inspect', 'legacy/app:v1'])))[0].Id, img.Id);
  ok(d.docker(['rmi', 'legacy/app:v1']));
  assert.equal(d.docker(['image', 'inspect', parent.Id]).code, 1, 'rmi of the top removes its untagged parent too');
  // Docker ≤ 24's save without its manifest.json and config: its v1 JSON converts back to the same image (same ID)
  const dir = fs.mkdtempSync(path.join(tmp, 'legacy-'));
  execFileSync('tar', ['-xf', path.join(repo, 'e2e/fixtures/busybox.tar'), '-C', dir]);
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.json')) fs.rmSync(path.join(dir, f));
  const savedId = JSON.parse(execFileSync('tar', ['-xOf', path.join(repo, 'e2e/fixtures/busybox.tar'), 'manifest.json']).toString())[0].Config.replace(/\.json$/, '');
  fs.writeFileSync(path.join(dir, 'repositories'), fs.readFileSync(path.join(dir, 'repositories'), 'utf8').replace('"busybox":{"latest"', '"legacy/busybox":{"saved"'));
  execFileSync('tar', ['-cf', file, '-C', dir, '.']);
  assert.equal(ok(d.docker(['load', '-i', file])), '');
  assert.equal(JSON.parse(ok(d.docker(['image', 'inspect', 'legacy/busybox:saved'])))[0].Id, `sha256:${savedId}`);
  ok(d.docker(['rmi', 'legacy/busybox:saved']));
});

test('hostile pre-1.10 archives (a ".." entry, a symlinked json, a parent cycle, a missing parent, a bad tag target, a huge json) are refused with nothing written', async () => {
  const before = storeState();
  const [a, b] = [v1id('hostile-a'), v1id('hostile-b')];
  const layerTar = await makeTar([{ name: 'x', content: 'x' }]);
  const json = (id: string, parent?: string) => ({ id, parent, docker_version: '1.9.1', created: '2015-06-01T10:00:00Z' });
  const refused = async (archive: Buffer, message: RegExp | string) => {
    const file = path.join(tmp, 'hostile-legacy.tar');
    fs.writeFileSync(file, archive);
    const r = d.docker(['load', '-i', file]);
    assert.equal(r.code, 1, r.stdout);
    if (typeof message === 'string') assert.equal(r.stderr.trim(), message);
    else assert.match(r.stderr, message);
    assert.deepEqual(storeState(), before, 'no image, blob or layer left');
  };
  // a ".." entry after the layers went into the store
  await refused(await legacyArchive([{ id: a, json: json(a), tar: layerTar }], { evil: { latest: a } }, [{ name: '../escape', content: 'x' }]),
    'invalid archive entry name: ../escape');
  assert.ok(!fs.existsSync(path.join(tmp, 'escape')));
  // json as a symlink to a file elsewhere
  await refused(await makeTar([{ name: 'repositories', content: JSON.stringify({ evil: { latest: a } }) },
    { name: `${a}/json`, type: 'symlink', linkname: '/etc/passwd' }, { name: `${a}/layer.tar`, content: layerTar }]), `invalid archive: ${a}/json not found`);
  await refused(await legacyArchive([{ id: a, json: json(a, b), tar: layerTar }, { id: b, json: json(b, a), tar: layerTar }], { evil: { latest: a } }),
    /invalid archive: parent cycle: layer [a-f0-9]{64} is its own ancestor/);
  await refused(await legacyArchive([{ id: a, json: json(a, a), tar: layerTar }], {}), `invalid archive: parent cycle: layer ${a} is its own ancestor`);
  await refused(await legacyArchive([{ id: a, json: json(a, '../../etc'), tar: layerTar }], {}), `invalid archive: ../../etc/json not found (parent of ${a})`);
  await refused(await legacyArchive([{ id: a, json: json(a), tar: layerTar }], { evil: { latest: b } }), `invalid target ID: ${b}`);
  await refused(await legacyArchive([{ id: a, json: json(a), tar: layerTar }], { Evil: { latest: a } }), /invalid reference format: repository name .*must be lowercase/);
  await refused(await legacyArchive([{ id: a, json: '{"id":', tar: layerTar }], {}), new RegExp(`invalid archive: ${a}/json: invalid character`));
  await refused(await makeTar([{ name: `${a}/json`, content: JSON.stringify(json(a)) }, { name: `${a}/layer.tar`, content: layerTar }]), 'invalid archive: repositories not found');
  // a json past the 16 MiB kept in memory is not read at all
  const huge = JSON.stringify({ ...json(a), comment: 'x'.repeat(17 << 20) });
  await refused(await legacyArchive([{ id: a, json: huge, tar: layerTar }], { evil: { latest: a } }), `invalid archive: ${a}/json is too large`);
});

// moby's saveConfigAndLayer writes every layer as its uncompressed tar, named by its diffID, with
// mediaType application/vnd.oci.image.layer.v1.tar; berth writes the blob the layer came in (the
// same for loaded, imported, built and committed images, gzip for pulled ones). Reproducer: pull
// from the e2e registry (e2e/registry.ts), `docker save -o x.tar img`, `tar -tf x.tar`: the layer
// entries are the gzip blobs' digests, not the RootFS.Layers.
test.todo('save of a pulled image writes its layers uncompressed, named by diffID, as Docker does');
