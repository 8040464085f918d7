/**
 * Registries: push to and pull from Debian's docker-registry (anonymous and htpasswd basic auth)
 * with berth and the real docker CLI, digests as the registry reports them, Docker's texts for
 * missing tags and wrong passwords, and a pull killed mid-way that leaves no image behind.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { useDaemon, repo, type TestDaemon } from './harness.js';
import { registryPool, type TestRegistry } from './registry.js';

const fixture = path.join(repo, 'e2e/fixtures/busybox.tar');
const user = { username: 'berth', password: 'pa55-word' };

let d: TestDaemon;
let reg: TestRegistry;
let authReg: TestRegistry;
const registries = registryPool();

before(async () => {
  d = await useDaemon();
  reg = await registries.start(d);
  authReg = await registries.start(d, { auth: user });
  const r = d.docker(['load', '-i', fixture]);
  assert.equal(r.code, 0, r.stderr);
});

const id = (ref: string) => d.berth(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim()
  || d.docker(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim();

function tag(src: string, dst: string) {
  const r = d.docker(['tag', src, dst]);
  assert.equal(r.code, 0, r.stderr);
}

test('berth push: Docker\'s lines, the digest the registry reports, then "Layer already exists"', () => {
  const name = `${reg.host}/busybox`;
  tag('busybox:latest', `${name}:latest`);
  let r = d.berth(['push', `${name}:latest`]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `The push refers to repository [${name}]`);
  assert.match(r.stdout, /^[a-f0-9]{12}: Preparing$/m);
  assert.match(r.stdout, /^[a-f0-9]{12}: Pushed$/m);
  const m = /^latest: digest: (sha256:[a-f0-9]{64}) size: (\d+)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(reg.manifestDigest('busybox', 'latest'), m[1]);
  r = d.berth(['push', name]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Using default tag: latest\n/);
  assert.match(r.stdout, /^[a-f0-9]{12}: Layer already exists$/m);
  assert.match(r.stdout, new RegExp(`^latest: digest: ${m[1]} size: ${m[2]}$`, 'm'));
});

test('berth pull after rmi restores the identical image, with the registry\'s digest in RepoDigests', () => {
  const name = `${reg.host}/busybox`;
  const before = id(`${name}:latest`);
  assert.match(before, /^sha256:[a-f0-9]{64}$/);
  tag(`${name}:latest`, `${reg.host}/other:v1`);
  let r = d.berth(['push', `${reg.host}/other:v1`]);
  assert.equal(r.code, 0, r.stderr);
  r = d.docker(['rmi', '-f', before]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(d.docker(['images', '-q']).stdout, '');

  r = d.berth(['pull', `${name}:latest`]);
  assert.equal(r.code, 0, r.stderr);
  const digest = reg.manifestDigest('busybox', 'latest');
  assert.match(r.stdout, /^latest: Pulling from busybox\n/);
  assert.match(r.stdout, /^[a-f0-9]{12}: Pulling fs layer$/m);
  assert.match(r.stdout, /^[a-f0-9]{12}: Pull complete$/m);
  assert.ok(r.stdout.endsWith(`Digest: ${digest}\nStatus: Downloaded newer image for ${name}:latest\n${name}:latest\n`), r.stdout);
  assert.doesNotMatch(r.stdout, /Downloading|Extracting/, 'byte counts are left out off a terminal');
  assert.equal(id(`${name}:latest`), before);
  const digests = JSON.parse(d.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', `${name}:latest`]).stdout);
  assert.deepEqual(digests, [`${name}@${digest}`]);

  r = d.berth(['pull', `${name}:latest`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[a-f0-9]{12}: Already exists$/m);
  assert.match(r.stdout, new RegExp(`Status: Image is up to date for ${name}:latest\n`));

  r = d.berth(['pull', '-q', `${reg.host}/other:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${reg.host}/other:v1\n`);
  assert.equal(id(`${reg.host}/other:v1`), before);
});

test('pull by digest and GET /distribution/{name}/json', () => {
  const digest = reg.manifestDigest('busybox', 'latest');
  let r = d.berth(['pull', `${reg.host}/busybox@${digest}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${digest}: Pulling from busybox$`, 'm'));
  const out = d.inNetns(['curl', '-sS', '--unix-socket', d.socket, `http://berth/v1.51/distribution/${reg.host}/busybox/json`]);
  const doc = JSON.parse(out.stdout);
  assert.equal(doc.Descriptor.digest, digest);
  assert.equal(doc.Descriptor.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.deepEqual(doc.Platforms, [{ architecture: 'amd64', os: 'linux' }]);
});

test('pull -a: every tag of the repository, the name-only reference last', () => {
  const name = `${reg.host}/alltags`;
  for (const t of ['a', 'b']) {
    tag(`${reg.host}/busybox:latest`, `${name}:${t}`);
    const r = d.berth(['push', '-q', `${name}:${t}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${name}:${t}\n`);
  }
  d.docker(['rmi', `${name}:a`, `${name}:b`]);
  let r = d.berth(['pull', '-a', `${name}:a`]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'tag can\'t be used with --all-tags/-a\n');
  r = d.berth(['pull', '-a', name]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^a: Pulling from alltags\n/m);
  assert.match(r.stdout, /^b: Pulling from alltags\n/m);
  assert.ok(r.stdout.endsWith(`Status: Downloaded newer image for ${name}\n${name}\n`), r.stdout);
  assert.equal(id(`${name}:a`), id(`${name}:b`));
});

test('a missing tag or repository: Docker\'s 404 text and exit 1, from berth and docker', () => {
  for (const run of [d.berth.bind(d), d.docker.bind(d)]) {
    let r = run(['pull', `${reg.host}/busybox:nope`]);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `Error response from daemon: manifest for ${reg.host}/busybox:nope not found: manifest unknown: manifest unknown\n`);
    r = run(['pull', `${reg.host}/nothing-here`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error response from daemon: manifest for ${reg.host}/nothing-here:latest not found: manifest unknown: manifest unknown\n$`));
  }
  const r = d.berth(['push', `${reg.host}/not-local:v1`]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `An image does not exist locally with the tag: ${reg.host}/not-local\n`);
});

test('docker CLI: push to and pull from the registry through berthd', () => {
  const name = `${reg.host}/via-docker`;
  tag(`${reg.host}/busybox:latest`, `${name}:1.0`);
  let r = d.docker(['push', `${name}:1.0`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[a-f0-9]{12}: Mounted from [a-z]+$/m);
  const m = /^1\.0: digest: (sha256:[a-f0-9]{64}) size: \d+$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(reg.manifestDigest('via-docker', '1.0'), m[1]);
  r = d.docker(['rmi', `${name}:1.0`]);
  assert.equal(r.code, 0, r.stderr);
  r = d.docker(['pull', `${name}:1.0`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Status: Downloaded newer image for ${name}:1.0\n${name}:1.0\n$`));
});

test('basic auth: wrong password refused with Docker\'s text; login, push, pull, logout', () => {
  const host = authReg.host;
  for (const run of [d.berth.bind(d), d.docker.bind(d)]) {
    const r = run(['login', '-u', user.username, '--password-stdin', host], { input: 'wrong\n' });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `Error response from daemon: login attempt to http://${host}/v2/ failed with status: 401 Unauthorized\n`);
  }
  tag(`${reg.host}/busybox:latest`, `${host}/secret:latest`);
  let r = d.berth(['push', `${host}/secret:latest`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no basic auth credentials/);

  r = d.berth(['login', '-u', user.username, '-p', user.password, host]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^WARNING! Using --password via the CLI is insecure\. Use --password-stdin\.\n/);
  assert.match(r.stdout, /Login Succeeded\n$/);
  const cfg = JSON.parse(fs.readFileSync(path.join(d.dir, 'berth-config', 'config.json'), 'utf8'));
  assert.equal(cfg.auths[host].auth, Buffer.from(`${user.username}:${user.password}`).toString('base64'));

  r = d.berth(['push', `${host}/secret:latest`]);
  assert.equal(r.code, 0, r.stderr);
  const digest = authReg.manifestDigest('secret', 'latest');
  assert.match(r.stdout, new RegExp(`latest: digest: ${digest} size: \\d+`));
  const before = id(`${host}/secret:latest`);
  d.docker(['rmi', `${host}/secret:latest`]);
  r = d.berth(['pull', `${host}/secret:latest`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(id(`${host}/secret:latest`), before);

  // The real docker CLI logs in through berthd's /auth and sends X-Registry-Auth itself.
  r = d.docker(['login', '-u', user.username, '--password-stdin', host], { input: user.password + '\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Login Succeeded/);
  tag(`${host}/secret:latest`, `${host}/secret:docker`);
  r = d.docker(['push', `${host}/secret:docker`]);
  assert.equal(r.code, 0, r.stderr);
  d.docker(['rmi', `${host}/secret:docker`]);
  r = d.docker(['pull', `${host}/secret:docker`]);
  assert.equal(r.code, 0, r.stderr);

  r = d.berth(['logout', host]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Removing login credentials for ${host}\n`);
  const after = JSON.parse(fs.readFileSync(path.join(d.dir, 'berth-config', 'config.json'), 'utf8'));
  assert.equal(after.auths[host], undefined);
  r = d.berth(['pull', `${host}/secret:latest`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no basic auth credentials/);
});

test('search: the distribution registry offers no v1 search — Docker\'s error', () => {
  const r = d.berth(['search', `${reg.host}/busybox`]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: Unexpected status code 404\n');
});

/** POST /images/create and resolve at the first line matching `until` (the caller then kills berthd). */
function pullUntil(socket: string, fromImage: string, tagName: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, agent: false, method: 'POST', path: `/v1.51/images/create?fromImage=${encodeURIComponent(fromImage)}&tag=${tagName}` }, (res) => {
      let seen = `${res.statusCode} `;
      res.on('data', (c) => {
        seen += c;
        if (until.test(seen)) { resolve(seen); req.destroy(); }
      });
      res.on('end', () => resolve(seen));
      res.on('error', () => resolve(seen));
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

test('berthd killed in the middle of a pull: no partial image, and the pull can be redone', async () => {
  const name = `${reg.host}/big`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-big-'));
  try {
    fs.mkdirSync(path.join(dir, 'rootfs', 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rootfs', 'data', 'random.bin'), randomBytes(30 * 1024 * 1024));
    execFileSync('tar', ['-C', path.join(dir, 'rootfs'), '-cf', path.join(dir, 'big.tar'), '.']);
    let r = d.docker(['import', path.join(dir, 'big.tar'), `${name}:latest`], { timeout: 120000 });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const original = id(`${name}:latest`);
  let r = d.berth(['push', `${name}:latest`], { timeout: 120000 });
  assert.equal(r.code, 0, r.stderr);
  r = d.docker(['rmi', `${name}:latest`]);
  assert.equal(r.code, 0, r.stderr);

  const seen = await pullUntil(d.socket, name, 'latest', /"Downloading"/);
  assert.match(seen, /^200 .*Pulling fs layer/s);
  process.kill(d.proc!.pid!, 'SIGKILL');
  await new Promise((res) => (d.proc!.exitCode !== null || d.proc!.signalCode !== null ? res(null) : d.proc!.once('exit', res)));
  await d.start();

  r = d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  if (r.code !== 0) r = d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /big/);
  const blobs = path.join(d.dataRoot, 'image', 'blobs', 'sha256');
  for (const f of fs.readdirSync(blobs)) assert.ok(!f.startsWith('.tmp'), `leftover ${f}`);

  r = d.berth(['pull', `${name}:latest`], { timeout: 120000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(id(`${name}:latest`), original);
});
