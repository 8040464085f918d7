/**
 * Containers and exec answer as dockerd does (moby's source is the spec): a bare Env entry,
 * the API < 1.44 container-wide MacAddress, GroupAdd and the primary group, device cgroup
 * rules and --device, log options, rm of a restarting container, exec framing by the start
 * body's Tty, exec start failures, cpuset checks at create, request bodies of hijacked
 * endpoints kept off stdin, and Go's case-insensitive JSON field names — through the docker
 * CLI, docker-py (Debian's python3-docker) and dockerode.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { dockerBin, runSync, type TestDaemon } from './harness.js';
import { busyboxDaemon, ok } from './containers-helpers.js';
import { api } from './hardening-helpers.js';
import { fetchAll } from './raw-client.js';

let d: TestDaemon;
let sleeper: string;
before(async () => {
  d = await busyboxDaemon();
  sleeper = ok(d.docker(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '1000'])).trim();
});

/** docker-py against the test daemon: `client` is an APIClient at `version`; the script prints. */
function dockerPy(version: string, script: string): string {
  const r = runSync('python3', ['-c', `import docker, json\nclient = docker.APIClient(base_url='unix://${d.socket}', version='${version}')\n${script}`]);
  assert.equal(r.code, 0, `docker-py failed:\n${r.stderr}`);
  return r.stdout;
}

/** The payloads of a stdcopy stream, in order, with their stream numbers. */
function demux(buf: Buffer): { stream: number; data: string }[] {
  const out: { stream: number; data: string }[] = [];
  for (let i = 0; i + 8 <= buf.length;) {
    const len = buf.readUInt32BE(i + 4);
    out.push({ stream: buf[i]!, data: buf.subarray(i + 8, i + 8 + len).toString('utf8') });
    i += 8 + len;
  }
  return out;
}

test('Env: a bare entry stays in Config.Env as given and unsets the variable in the process', () => {
  // The CLI resolves a bare -e from its own env: with the variable unset there, it sends it bare.
  const r = runSync('env', ['-u', 'FIDELITY_UNSET', '-u', 'HOSTNAME', dockerBin, '-H', d.host, 'run', '--name', 'env-bare',
    '-e', 'FIDELITY_UNSET', '-e', 'HOSTNAME', '-e', 'SET=1', 'busybox', 'env'], { env: { DOCKER_CONFIG: `${d.dir}/docker-config` } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(ok(d.docker(['inspect', '-f', '{{json .Config.Env}}', 'env-bare']))).sort(), ['FIDELITY_UNSET', 'HOSTNAME', 'SET=1']);
  const env = r.stdout.trim().split('\n').sort();
  // A bare entry unsets even a variable Docker sets itself (HOSTNAME).
  assert.deepEqual(env, ['HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'SET=1']);
});

test('MacAddress: Config.MacAddress of an API 1.43 client (docker-py) sets the interface MAC; 1.44+ warns', () => {
  const mac = dockerPy('1.43', `
c = client.create_container('busybox', ['cat', '/sys/class/net/eth0/address'], mac_address='02:42:ac:11:00:99')
client.start(c); client.wait(c)
print(client.logs(c).decode(), end='')`);
  assert.equal(mac, '02:42:ac:11:00:99\n');
  const out = JSON.parse(dockerPy('1.47', `
c = client.create_container('busybox', ['cat', '/sys/class/net/eth0/address'], mac_address='02:42:ac:11:00:98')
client.start(c); client.wait(c)
print(json.dumps({'warnings': c['Warnings'], 'mac': client.logs(c).decode()}))`));
  assert.deepEqual(out, { warnings: ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.'], mac: '02:42:ac:11:00:98\n' });
});

test('GroupAdd: names from the container\'s /etc/group and numeric gids; the primary gid is always a group', () => {
  // nobody (gid 65534) is in no supplementary group: `id` still lists its primary group.
  assert.match(ok(d.docker(['run', '--rm', '-u', 'nobody', 'busybox', 'id'])), /groups=65534\(nobody\)$/m);
  const groups = (s: string) => s.trim().split(/\s+/).map(Number).sort((a, b) => a - b);
  assert.deepEqual(groups(ok(d.docker(['run', '--rm', '-u', 'nobody', '--group-add', 'staff', '--group-add', '4242', 'busybox', 'id', '-G']))), [50, 4242, 65534]);
  // www is listed in staff (implicit supplementary group) and has its own primary group.
  assert.deepEqual(groups(ok(d.docker(['run', '--rm', '-u', 'www', 'busybox', 'id', '-G']))), [50, 1000]);
  // Execs run with the container's GroupAdd too.
  ok(d.docker(['run', '-d', '--name', 'grp', '--group-add', '4243', 'busybox', 'sleep', '1000']));
  assert.deepEqual(groups(ok(d.docker(['exec', '-u', 'nobody', 'grp', 'id', '-G']))), [4243, 65534]);
  // Names the container lacks: dockerd's own error while it builds the spec (no runtime wrapping).
  const bad = d.docker(['run', '--rm', '--group-add', 'nosuchgroup', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /^docker: Error response from daemon: unable to find group nosuchgroup: no matching entries in group file$/m);
  const user = d.docker(['run', '--rm', '-u', 'nosuchuser', 'busybox', 'true']);
  assert.equal(user.code, 125);
  assert.match(user.stderr, /^docker: Error response from daemon: unable to find user nosuchuser: no matching entries in passwd file$/m);
  const execUser = d.docker(['exec', '-u', 'nosuchuser', 'grp', 'true']);
  assert.equal(execUser.code, 126);
  assert.match(execUser.stdout + execUser.stderr, /^unable to find user nosuchuser: no matching entries in passwd file\r?$/m);
});

test('devices: --device-cgroup-rule reaches the devices cgroup and --device makes the node', () => {
  const list = ok(d.docker(['run', '--rm', '--device-cgroup-rule', 'c 42:* rmw', '--device-cgroup-rule', 'b 7:3 r', 'busybox',
    'cat', '/sys/fs/cgroup/devices/devices.list'])).split('\n');
  assert.ok(list.includes('c 42:* rwm'), list.join('\n'));
  assert.ok(list.includes('b 7:3 r'), list.join('\n'));
  assert.ok(!ok(d.docker(['run', '--rm', 'busybox', 'cat', '/sys/fs/cgroup/devices/devices.list'])).includes('c 42:*'));
  // --device: the host's node at the container path, opened as far as the cgroup rule it adds allows
  // (an unbound loop device: opening it does nothing).
  const probe = 'ls -l /dev/myloop; true < /dev/myloop && echo read-ok; true > /dev/myloop && echo write-ok || echo write-refused';
  const ro = ok(d.docker(['run', '--rm', '--device', '/dev/loop0:/dev/myloop:r', 'busybox', 'sh', '-c', probe]));
  assert.match(ro, /^brw-------\s+1 root\s+root\s+7,\s+0 .*\/dev\/myloop$/m);
  assert.match(ro, /^read-ok\nwrite-refused$/m);
  assert.match(ok(d.docker(['run', '--rm', '--device', '/dev/loop0:/dev/myloop:rw', 'busybox', 'sh', '-c', probe])), /^read-ok\nwrite-ok$/m);
  // The CLI exits 127 on "no such file or directory" in the daemon's answer, as with Docker.
  const missing = d.docker(['run', '--rm', '--device', '/dev/no-such-device', 'busybox', 'true']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /^docker: Error response from daemon: error gathering device information while adding custom device "\/dev\/no-such-device": no such file or directory$/m);
});

test('log options: max-file without max-size is accepted; an unknown driver is refused with dockerd\'s text', async () => {
  ok(d.docker(['run', '--rm', '--log-opt', 'max-file=3', 'busybox', 'true']));
  ok(d.docker(['run', '--rm', '--log-opt', 'mode=non-blocking', '--log-opt', 'max-buffer-size=4m', 'busybox', 'true']));
  // The CLI refuses options for `none` itself; dockerd takes anything for it.
  const none = await api(d, 'POST', '/containers/create', { Image: 'busybox', HostConfig: { LogConfig: { Type: 'none', Config: { anything: '1' } } } });
  assert.equal(none.status, 201, none.body);
  const r = d.docker(['run', '--rm', '--log-driver', 'nope', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^docker: Error response from daemon: logger: no log driver named 'nope' is registered$/m);
  const local = d.docker(['create', '--log-driver', 'local', '--log-opt', 'tag=x', 'busybox']);
  assert.equal(local.code, 1);
  assert.match(local.stderr, /^Error response from daemon: unknown log opt 'tag' for log driver local$/m);
});

test('rm of a restarting container: 409 with dockerd 20.10\'s text; rm -f removes it', async () => {
  ok(d.docker(['run', '-d', '--name', 'flapper', '--restart', 'always', 'busybox', 'false']));
  let last = '';
  for (let i = 0; i < 100 && !last.includes('restarting'); i++) {
    const r = d.docker(['rm', 'flapper']);
    assert.equal(r.code, 1, r.stderr);
    last = r.stderr;
    if (!last.includes('restarting')) await new Promise((res) => setTimeout(res, 50));
  }
  assert.match(last, /^Error response from daemon: You cannot remove a restarting container [0-9a-f]{64}\. Stop the container before attempting removal or force remove$/m);
  ok(d.docker(['rm', '-f', 'flapper']));
  assert.equal(d.docker(['inspect', 'flapper']).code, 1);
  // The same rule for a paused one, in its own words.
  ok(d.docker(['run', '-d', '--name', 'paused-one', 'busybox', 'sleep', '1000']));
  ok(d.docker(['pause', 'paused-one']));
  const paused = d.docker(['rm', 'paused-one']);
  assert.equal(paused.code, 1);
  assert.match(paused.stderr, /^Error response from daemon: You cannot remove a paused container [0-9a-f]{64}\. Unpause and then stop the container before attempting removal or force remove$/m);
  ok(d.docker(['rm', '-f', 'paused-one']));
});

/** Create an exec with `create` and start it (upgraded) with `start`: the raw answer. */
async function execRaw(create: Record<string, unknown>, start: Record<string, unknown>, version = '1.51') {
  const c = await api(d, 'POST', `/v${version}/containers/${sleeper}/exec`, create);
  assert.equal(c.status, 201, c.body);
  const r = await fetchAll(d.socket, {
    method: 'POST', path: `/v${version}/exec/${c.json().Id}/start`, upgrade: true,
    headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(start)),
  });
  assert.equal(r.status, 101, r.head);
  return { id: c.json().Id as string, contentType: /^Content-Type: (.*)$/mi.exec(r.head)?.[1]?.trim(), body: r.body };
}

test('exec start frames by the start body\'s Tty, not the create-time one', async () => {
  const raw = await execRaw({ Cmd: ['echo', 'hi'], AttachStdout: true, AttachStderr: true, Tty: false }, { Detach: false, Tty: true });
  assert.equal(raw.contentType, 'application/vnd.docker.raw-stream');
  assert.equal(raw.body.toString(), 'hi\n'); // no terminal (create-time Tty), no frames (start Tty)
  const muxed = await execRaw({ Cmd: ['echo', 'hi'], AttachStdout: true, AttachStderr: true, Tty: true }, { Detach: false, Tty: false });
  assert.equal(muxed.contentType, 'application/vnd.docker.multiplexed-stream');
  assert.deepEqual(demux(muxed.body), [{ stream: 1, data: 'hi\r\n' }]); // a terminal's output, framed
  // Before API 1.42 the header says raw-stream, but without Tty the stream is still framed.
  const old = await execRaw({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], AttachStdout: true, AttachStderr: true }, { Detach: false, Tty: false }, '1.41');
  assert.equal(old.contentType, 'application/vnd.docker.raw-stream');
  assert.deepEqual(demux(old.body).sort((a, b) => a.stream - b.stream), [{ stream: 1, data: 'out\n' }, { stream: 2, data: 'err\n' }]);
});

test('JSON field names match case-insensitively (Go\'s decoding) on create, exec create and exec start', async () => {
  const lower = await execRaw({ cmd: ['echo', 'lower'], attachstdout: true, attachStderr: true }, { detach: false, tty: true });
  assert.equal(lower.body.toString(), 'lower\n');
  const c = await api(d, 'POST', '/containers/create?name=lowercase', { image: 'busybox', cmd: ['true'], hostConfig: { groupAdd: ['4242'], memory: 64 << 20 } });
  assert.equal(c.status, 201, c.body);
  const hc = JSON.parse(ok(d.docker(['inspect', '-f', '{{json .HostConfig}}', 'lowercase'])));
  assert.deepEqual([hc.GroupAdd, hc.Memory], [['4242'], 64 << 20]);
  const u = await api(d, 'POST', '/containers/lowercase/update', { memory: 128 << 20, memoryswap: -1 });
  assert.equal(u.status, 200, u.body);
  assert.equal(ok(d.docker(['inspect', '-f', '{{.HostConfig.Memory}}', 'lowercase'])), `${128 << 20}\n`);
});

test('exec start failures: 126 for a missing binary and for one that cannot run, with the runtime\'s text', async () => {
  const missing = d.docker(['exec', 'sleeper', 'nope']);
  assert.equal(missing.code, 126, missing.stderr);
  assert.match(missing.stdout + missing.stderr, /OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in \$PATH: unknown/);
  const dir = d.docker(['exec', 'sleeper', '/etc']);
  assert.equal(dir.code, 126, dir.stderr);
  assert.match(dir.stdout + dir.stderr, /OCI runtime exec failed: exec failed: unable to start container process: exec: "\/etc": permission denied: unknown/);
  // The exec's ExitCode says the same.
  const e = await execRaw({ Cmd: ['nope'], AttachStdout: true }, { Detach: false, Tty: false });
  assert.equal((await api(d, 'GET', `/exec/${e.id}/json`)).json().ExitCode, 126);
});

test('cpuset: CPUs or memory nodes the host lacks are refused at create with dockerd\'s text', () => {
  const before = ok(d.docker(['ps', '-aq'])).split('\n').filter(Boolean).length;
  const cpus = d.docker(['run', '--rm', '--cpuset-cpus', '99', 'busybox', 'true']);
  assert.equal(cpus.code, 125);
  assert.match(cpus.stderr, /Error response from daemon: Requested CPUs are not available - requested 99, available: [0-9,-]+$/m);
  const mems = d.docker(['create', '--cpuset-mems', '9', 'busybox']);
  assert.equal(mems.code, 1);
  assert.match(mems.stderr, /Error response from daemon: Requested memory nodes are not available - requested 9, available: [0-9,-]+$/m);
  assert.equal(ok(d.docker(['ps', '-aq'])).split('\n').filter(Boolean).length, before); // refused before anything was made
  // update checks the same way, before it writes anything
  const upd = d.docker(['update', '--cpuset-cpus', '99', 'sleeper']);
  assert.equal(upd.code, 1);
  assert.match(upd.stderr, /^Error response from daemon: Requested CPUs are not available - requested 99, available: [0-9,-]+$/m);
  assert.equal(ok(d.docker(['inspect', '-f', '{{.HostConfig.CpusetCpus}}', 'sleeper'])), '\n');
});

/** Read a hijacked stream until `want` is in it, then `settle` ms more (to catch stray bytes). */
function readUntil(stream: Duplex, want: (b: Buffer) => boolean, settle = 300): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(buf.toString())}`)), 10000);
    stream.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (want(buf)) { clearTimeout(timer); setTimeout(() => resolve(buf), settle); }
    });
  });
}

test('dockerode: the JSON body of attach and exec start never reaches the container\'s stdin', async () => {
  const docker = new Docker({ socketPath: d.socket });
  ok(d.docker(['run', '-d', '-i', '--name', 'cat-attach', 'busybox', 'cat']));
  // dockerode sends its attach options as a JSON body (Content-Length) before the stream.
  const stream = await docker.getContainer('cat-attach').attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as Duplex;
  const got = readUntil(stream, (b) => b.includes('ping'));
  stream.write('ping\n');
  assert.deepEqual(demux(await got), [{ stream: 1, data: 'ping\n' }]);
  stream.destroy();
  // exec start: the body is the start options, the bytes after it are stdin.
  const exec = await docker.getContainer('sleeper').exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true });
  const es = await exec.start({ hijack: true, stdin: true }) as unknown as Duplex;
  const out = readUntil(es, (b) => b.includes('pong'));
  es.write('pong\n');
  assert.deepEqual(demux(await out), [{ stream: 1, data: 'pong\n' }]);
  es.destroy();
  assert.ok(fs.existsSync(d.socket));
});
