/** berth and the real docker CLI against berthd: version, info, errors and exit codes. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useDaemon, runSync, berthBin, berthdBin, TestDaemon } from './harness.js';

let d: TestDaemon;
const tcpPort = 20000 + Math.floor(Math.random() * 20000);
before(async () => { d = await useDaemon({ args: ['-H', `tcp://127.0.0.1:${tcpPort}`] }); });

test('berth version prints Client and Server sections from berthd', () => {
  const r = d.berth(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Client:\n Version: +0\.1\.0\n API version: +1\.51\n/);
  assert.match(r.stdout, /\nServer: Berth Engine\n Engine:\n  Version: +0\.1\.0\n  API version: +1\.51 \(minimum version 1\.24\)\n/);
  assert.match(r.stdout, /  OS\/Arch: +linux\/amd64\n/);
});

test('berth version --format uses Go templates', () => {
  let r = d.berth(['version', '--format', '{{.Server.Version}}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0.1.0\n');
  r = d.berth(['version', '--format', '{{json .Server.Components}}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout)[0].Name, 'Engine');
});

test('docker CLI: version and info print a Server section from berthd', () => {
  let r = d.docker(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nServer: Berth Engine\n Engine:\n  Version: +0\.1\.0\n  API version: +1\.51 \(minimum version 1\.24\)/);
  r = d.docker(['info']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nServer:\n Containers: 0\n  Running: 0\n  Paused: 0\n  Stopped: 0\n Images: \d+\n/);
  assert.match(r.stdout, new RegExp(` Docker Root Dir: ${d.dataRoot}\n`));
  assert.match(r.stdout, / Cgroup Driver: cgroupfs\n/);
  r = d.docker(['version', '--format', '{{.Server.APIVersion}}']);
  assert.equal(r.stdout.trim(), '1.51');
});

test('berth info matches the daemon\'s figures and docker info\'s layout', () => {
  const mine = d.berth(['info']);
  const theirs = d.docker(['info']);
  assert.equal(mine.code, 0, mine.stderr);
  const server = (s: string) => s.slice(s.indexOf('\nServer:\n')).split('\n')
    .filter((l) => !/^ (Name|ID|Kernel Version|Total Memory|Server Version|containerd version|runc version|init version|Runtimes|Default Runtime|Init Binary):/.test(l));
  // Every line berth prints for the server is a line docker prints too.
  const theirLines = new Set(server(theirs.stdout));
  for (const line of server(mine.stdout)) assert.ok(theirLines.has(line), `docker info lacks: ${JSON.stringify(line)}`);
  const r = d.berth(['info', '--format', '{{.ServerVersion}} {{.CgroupVersion}} {{.ClientInfo.Context}}']);
  assert.equal(r.stdout, `0.1.0 ${fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1'} default\n`);
});

test('BERTH_HOST selects the daemon like -H', () => {
  const r = runSync(process.execPath, [berthBin, 'version', '--format', '{{.Server.Version}}'], { env: { BERTH_HOST: d.host } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0.1.0\n');
});

test('a stopped daemon: Docker\'s "Cannot connect" message and exit 1', () => {
  const sock = path.join(d.dir, 'nobody-here.sock');
  const r = runSync(process.execPath, [berthBin, '-H', `unix://${sock}`, 'version']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Client:\n Version: +0\.1\.0\n/);
  assert.equal(r.stderr, `Cannot connect to the Berth daemon at unix://${sock}. Is the berth daemon running?\n`);
  const ps = runSync(process.execPath, [berthBin, '-H', `unix://${sock}`, 'info', '--format', '{{.ID}}']);
  assert.equal(ps.code, 1);
});

test('unknown commands and flags are refused as Docker refuses them', () => {
  let r = d.berth(['nosuchcommand']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "berth: unknown command: berth nosuchcommand\n\nRun 'berth --help' for more information\n");
  r = d.berth(['version', '--nosuchflag']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^unknown flag: --nosuchflag\n\nUsage:  berth version \[OPTIONS\]\n/);
  r = d.berth(['version', 'extra']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^berth: 'berth version' accepts no arguments\n/);
  r = d.berth(['swarm', 'init']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /swarm mode/);
});

test('--help on commands shows Docker\'s usage layout', () => {
  let r = d.berth(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:  berth \[OPTIONS\] COMMAND\n/);
  assert.match(r.stdout, /\nCommon Commands:\n  run +Create and run a new container from an image\n/);
  r = d.berth(['run', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage:  berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n/);
  assert.match(r.stdout, /\n  -d, --detach +Run container in background and\n +print container ID\n/);
  r = d.berth(['container', '--help']);
  assert.match(r.stdout, /^Usage:  berth container COMMAND\n/);
});

test('API errors over the wire: unknown route, too-new version, unsupported endpoints', () => {
  const curl = (p: string) => runSync('curl', ['-s', '-w', '\n%{http_code}', '--unix-socket', d.socket, `http://berth${p}`]);
  let r = curl('/v1.51/no/such/route');
  assert.equal(r.stdout, '{"message":"page not found"}\n\n404');
  r = curl('/v1.99/version');
  assert.equal(r.stdout, '{"message":"client version 1.99 is too new. Maximum supported API version is 1.51"}\n\n400');
  r = curl('/v1.51/swarm');
  assert.equal(r.stdout, '{"message":"This node is not a swarm manager. Use \\"docker swarm init\\" or \\"docker swarm join\\" to connect this node to swarm and try again."}\n\n503');
});

test('berthd refuses a second daemon on the same pidfile, and unknown daemon.json keys', () => {
  let r = runSync(process.execPath, [berthdBin, '-H', `unix://${d.dir}/second.sock`, '--data-root', d.dataRoot,
    '--exec-root', d.execRoot, '--pidfile', d.pidfile, '--config-file', path.join(d.dir, 'daemon.json')], { timeout: 10000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /pid file found, ensure berthd is not running/);
  const bad = path.join(d.dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ 'no-such-key': true, debug: true }));
  r = runSync(process.execPath, [berthdBin, '--config-file', bad, '--pidfile', path.join(d.dir, 'x.pid')], { timeout: 10000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the following directives don't match any configuration option: no-such-key/);
});

test('berthd listens on tcp too, and -H tcp:// reaches it', () => {
  const r = d.inNetns([process.execPath, berthBin, '-H', `tcp://127.0.0.1:${tcpPort}`, 'version', '--format', '{{.Server.Version}}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0.1.0\n');
  const dk = d.inNetns(['/usr/local/bin/docker', '-H', `tcp://127.0.0.1:${tcpPort}`, 'version', '--format', '{{.Server.Version}}'], {});
  assert.equal(dk.stdout, '0.1.0\n', dk.stderr);
});

test('SIGTERM shuts berthd down cleanly: exit 0, socket and pidfile gone; a stale socket is replaced', async () => {
  const other = new TestDaemon();
  try {
    fs.writeFileSync(other.socket, 'stale');
    await other.start();
    assert.ok(fs.existsSync(other.pidfile));
    assert.equal(await other.stop('SIGTERM'), 0);
    assert.ok(!fs.existsSync(other.socket), 'socket removed');
    assert.ok(!fs.existsSync(other.pidfile), 'pidfile removed');
  } finally {
    await other.teardown();
  }
});
