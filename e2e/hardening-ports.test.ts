/**
 * Published ports outlive berthd: their host sockets live in each container's berth-monitor, so
 * 127.0.0.1, [::1] and the container's own address answer (TCP and UDP) while berthd is killed
 * with SIGKILL, after it starts again and adopts the containers, and while it is stopped with
 * SIGTERM under live-restore. berthd knows from its store which ports are held and refuses them
 * with Docker's error; rm frees a port at once; SIGTERM without live-restore stops the
 * containers and frees theirs; restart policies and `docker restart` publish again.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useDaemon, type TestDaemon, type RunResult } from './harness.js';
import { ensureBusybox } from './images.js';

let d: TestDaemon;
before(async () => { d = await useDaemon(); ensureBusybox(d); });

const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const httpd = (name: string, publish: string[], extra: string[] = []) =>
  ok(d.docker(['run', '-d', '--name', name, ...publish.flatMap((p) => ['-p', p]), ...extra, 'busybox', 'sh', '-c',
    `mkdir -p /www && echo hello-from-${name} > /www/index.html && exec httpd -f -p 80 -h /www`])).trim();

/** A UDP echo server on port 7 ("echo:" + datagram), node from the host mounted into busybox (its nc has no -u). */
const udpEcho = (name: string, publish: string) =>
  ok(d.docker(['run', '-d', '--name', name, '-p', publish,
    '-v', `${process.execPath}:/usr/bin/node:ro`, '-v', '/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro', '-v', '/lib64:/lib64:ro',
    'busybox', 'node', '-e',
    "const s = require('dgram').createSocket('udp4'); s.on('message', (m, r) => s.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address)); s.bind(7)"])).trim();

/** GET from the daemon's netns, retried while a server starts; the body, or the last failure. */
async function get(url: string, tries = 30): Promise<string> {
  let r: RunResult = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < tries; i++) {
    r = d.inNetns(['curl', '-sS', '--max-time', '2', url]);
    if (r.code === 0) return r.stdout;
    await sleep(100);
  }
  return `curl ${url} failed: ${r.stderr}`;
}

/** One datagram to 127.0.0.1:port from a fresh client socket in the netns; the reply (or a failure text). */
async function udpAsk(port: string, msg: string, tries = 10): Promise<string> {
  const js = `const s = require('dgram').createSocket('udp4');
    s.on('message', (m) => { process.stdout.write(String(m)); process.exit(0); });
    s.send(${JSON.stringify(msg)}, ${Number(port)}, '127.0.0.1'); setTimeout(() => process.exit(3), 1000);`;
  let r: RunResult = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < tries; i++) {
    r = d.inNetns([process.execPath, '-e', js]);
    if (r.code === 0) return r.stdout;
    await sleep(200);
  }
  return `no UDP reply on ${port} (${r.code})`;
}

/** Whether something in the netns holds 127.0.0.1:port (a listen there fails with EADDRINUSE). */
function held(port: string): boolean {
  const js = `require('net').createServer().once('error', (e) => { console.log(e.code); process.exit(0); })
    .listen(${Number(port)}, '127.0.0.1', () => { console.log('free'); process.exit(0); });`;
  const out = ok(d.inNetns([process.execPath, '-e', js])).trim();
  if (out !== 'free' && out !== 'EADDRINUSE') assert.fail(out);
  return out === 'EADDRINUSE';
}

/** The host port `docker port` shows for a container port (the first binding on that host address). */
function portOf(name: string, key: string, hostIp = '0.0.0.0'): string {
  const lines = ok(d.docker(['port', name, key])).trim().split('\n');
  const line = lines.find((l) => l.startsWith(hostIp.includes(':') ? `[${hostIp}]:` : `${hostIp}:`));
  assert.ok(line, lines.join('\n'));
  return /:(\d+)$/.exec(line)![1]!;
}

/** Every host port `docker port` shows for a container port (once: 0.0.0.0 and [::] share theirs). */
const hostPorts = (name: string, key: string) => [...new Set(ok(d.docker(['port', name, key])).trim().split('\n').map((l) => /:(\d+)$/.exec(l)![1]!))];

const ipOf = (name: string) => ok(d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name])).trim();
const portsJson = (name: string) => ok(d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', name])).trim();

async function killDaemon(): Promise<void> {
  const pid = Number(fs.readFileSync(d.pidfile, 'utf8'));
  const exited = new Promise((r) => d.proc!.once('exit', r));
  process.kill(pid, 'SIGKILL');
  await exited;
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
}

/** After a test that stopped berthd and failed before starting it again, the next one gets a running daemon. */
async function ensureUp(): Promise<void> {
  if (d.proc && (d.proc.exitCode !== null || d.proc.signalCode !== null)) await d.start();
}

function setLiveRestore(on: boolean): void {
  const file = path.join(d.dir, 'daemon.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg['live-restore'] = on;
  fs.writeFileSync(file, JSON.stringify(cfg));
}

test('published ports answer while berthd is killed with SIGKILL and after it restarts and adopts the containers', async (t) => {
  t.after(async () => { await ensureUp(); d.docker(['rm', '-f', 'web', 'fixed', 'echo', 'taker', 'taker2', 'next']); });
  httpd('web', ['0:80', '[::1]:0:80']);
  httpd('fixed', ['8090:80']);
  udpEcho('echo', '0:7/udp');
  const webPort = portOf('web', '80/tcp');
  const web6Port = portOf('web', '80/tcp', '::1');
  const udpPort = portOf('echo', '7/udp');
  const webIp = ipOf('web');
  const before = { web: portsJson('web'), fixed: portsJson('fixed'), echo: portsJson('echo') };
  // no host address: dockerd binds 0.0.0.0 and [::] with one port
  assert.equal(before.fixed, '{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8090"},{"HostIp":"::","HostPort":"8090"}]}');
  assert.equal(before.web, `{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"${webPort}"},{"HostIp":"::","HostPort":"${webPort}"},{"HostIp":"::1","HostPort":"${web6Port}"}]}`);
  const answers = async (when: string) => {
    assert.equal(await get(`http://127.0.0.1:${webPort}/`), 'hello-from-web\n', `127.0.0.1:${webPort} ${when}`);
    assert.equal(await get(`http://[::1]:${web6Port}/`), 'hello-from-web\n', `[::1]:${web6Port} ${when}`);
    assert.equal(await get(`http://[::1]:${webPort}/`), 'hello-from-web\n', `[::]:${webPort} ${when}`);
    assert.equal(await get(`http://${webIp}:80/`), 'hello-from-web\n', `${webIp}:80 ${when}`);
    assert.equal(await get('http://127.0.0.1:8090/'), 'hello-from-fixed\n', `127.0.0.1:8090 ${when}`);
    assert.equal(await udpAsk(udpPort, `ping ${when}`), `echo:ping ${when}`, `udp 127.0.0.1:${udpPort} ${when}`);
  };
  await answers('with berthd up');

  await killDaemon();
  await answers('with berthd killed');
  // the monitors still hold the ports: nothing else can take them meanwhile
  assert.ok(held('8090'));
  assert.ok(held(webPort));

  await d.start();
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Running}}', 'web'])), 'true\n');
  await answers('after berthd restarted');
  assert.deepEqual({ web: portsJson('web'), fixed: portsJson('fixed'), echo: portsJson('echo') }, before);
  assert.equal(ok(d.docker(['port', 'fixed'])), '80/tcp -> 0.0.0.0:8090\n80/tcp -> [::]:8090\n');
  assert.match(ok(d.docker(['ps', '--filter', 'name=web'])), new RegExp(`0\\.0\\.0\\.0:${webPort}->80/tcp`));

  // The restarted berthd knows the ports are held (its store, not a failed bind): Docker's error.
  let r = d.docker(['run', '-d', '--name', 'taker', '-p', '8090:80', 'busybox', 'sleep', '300']);
  assert.equal(r.code, 125, r.stderr);
  assert.match(r.stderr, /driver failed programming external connectivity on endpoint taker \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8090 failed: port is already allocated/);
  r = d.docker(['run', '-d', '--name', 'taker2', '-p', `${webPort}:80`, 'busybox', 'sleep', '300']);
  assert.equal(r.code, 125, r.stderr);
  assert.match(r.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${webPort} failed: port is already allocated`));
  assert.equal(await get('http://127.0.0.1:8090/'), 'hello-from-fixed\n', 'the holder is unaffected');

  // rm -f frees the port at once for a new container
  ok(d.docker(['rm', '-f', 'fixed', 'taker', 'taker2']));
  assert.equal(held('8090'), false);
  httpd('next', ['8090:80']);
  assert.equal(await get('http://127.0.0.1:8090/'), 'hello-from-next\n');

  // The adopted monitors still report exits: stop frees the ports.
  ok(d.docker(['stop', '-t', '1', 'web', 'echo']));
  assert.equal(held(webPort), false);
  assert.equal(ok(d.docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'web'])).trim(), '{}');
  ok(d.docker(['rm', '-f', 'web', 'echo', 'next']));
});

test('SIGTERM: without live-restore the containers stop and free their ports; with it the ports keep answering', async (t) => {
  t.after(async () => { setLiveRestore(false); await ensureUp(); d.docker(['rm', '-f', 'down', 'live']); });
  httpd('down', ['8091:80'], ['--stop-timeout', '1']);
  assert.equal(await get('http://127.0.0.1:8091/'), 'hello-from-down\n');
  assert.equal(await d.stop('SIGTERM'), 0);
  assert.equal(held('8091'), false);
  assert.notEqual(d.inNetns(['curl', '-sS', '--max-time', '2', 'http://127.0.0.1:8091/']).code, 0);

  setLiveRestore(true);
  await d.start();
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Running}}', 'down'])), 'false\n');
  ok(d.docker(['rm', 'down']));
  httpd('live', ['8091:80', '0:80']);
  const other = hostPorts('live', '80/tcp').find((p) => p !== '8091')!;
  const ip = ipOf('live');
  assert.equal(await get('http://127.0.0.1:8091/'), 'hello-from-live\n');
  assert.equal(await d.stop('SIGTERM'), 0);
  assert.equal(await get('http://127.0.0.1:8091/'), 'hello-from-live\n', 'while berthd is stopped under live-restore');
  assert.equal(await get(`http://127.0.0.1:${other}/`), 'hello-from-live\n');
  assert.equal(await get(`http://${ip}:80/`), 'hello-from-live\n');
  assert.ok(held('8091'));
  await d.start();
  assert.equal(await get('http://127.0.0.1:8091/'), 'hello-from-live\n', 'after berthd started again');
  assert.deepEqual(hostPorts('live', '80/tcp').sort(), ['8091', other].sort());
  ok(d.docker(['rm', '-f', 'live']));
  assert.equal(held('8091'), false);
});

test('restart policies and docker restart publish the ports again', async (t) => {
  t.after(() => { d.docker(['rm', '-f', 'again', 'manual']); });
  // The first run serves for a second and exits 3 (httpd in the background); `always` brings it back, and the
  // second run (its marker file survives in the container's layer) keeps serving.
  ok(d.docker(['run', '-d', '--name', 'again', '--restart', 'always', '-p', '8092:80', 'busybox', 'sh', '-c',
    'mkdir -p /www && echo again > /www/index.html && httpd -p 80 -h /www && if [ -e /restarted ]; then exec sleep 300; fi; touch /restarted; sleep 1; exit 3']));
  assert.equal(await get('http://127.0.0.1:8092/'), 'again\n');
  const deadline = Date.now() + 15000;
  const restarted = () => ok(d.docker(['inspect', '-f', '{{.RestartCount}} {{.State.Running}}', 'again'])).trim() === '1 true';
  while (!restarted() && Date.now() < deadline) await sleep(100);
  assert.ok(restarted(), ok(d.docker(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'again'])));
  assert.equal(await get('http://127.0.0.1:8092/'), 'again\n', 'after the policy restarted it');
  assert.equal(ok(d.docker(['port', 'again'])), '80/tcp -> 0.0.0.0:8092\n80/tcp -> [::]:8092\n');

  httpd('manual', ['8093:80', '0:80/tcp']);
  ok(d.docker(['restart', '-t', '1', 'manual']));
  assert.equal(await get('http://127.0.0.1:8093/'), 'hello-from-manual\n');
  const ports = hostPorts('manual', '80/tcp');
  assert.equal(ports.length, 2);
  for (const p of ports) {
    assert.equal(await get(`http://127.0.0.1:${p}/`), 'hello-from-manual\n', `port ${p} after docker restart`);
    assert.equal(await get(`http://[::1]:${p}/`), 'hello-from-manual\n', `[::]:${p} after docker restart`);
  }
  ok(d.docker(['rm', '-f', 'again', 'manual']));
  assert.equal(held('8092'), false);
  assert.equal(held('8093'), false);
});

test('the monitor forwards TCP faithfully: parallel 4 MiB echoes through half-closed connections; nothing listening closes the client', async (t) => {
  t.after(() => { d.docker(['rm', '-f', 'echo-tcp']); });
  ok(d.docker(['run', '-d', '--name', 'echo-tcp', '-p', '0:81', '-p', '0:82', 'busybox', 'nc', '-ll', '-p', '81', '-e', 'cat']));
  const port = portOf('echo-tcp', '81/tcp');
  const closedPort = portOf('echo-tcp', '82/tcp');
  // Each client sends 4 MiB and shuts its side; cat echoes it all and exits, which must come back as EOF.
  const js = `const net = require('net'), crypto = require('crypto');
    const data = crypto.randomBytes(4 << 20); let done = 0;
    setTimeout(() => { console.log('timeout after ' + done); process.exit(2); }, 30000);
    for (let i = 0; i < 8; i++) {
      const s = net.connect(${Number(port)}, '127.0.0.1'); const got = [];
      s.on('data', (c) => got.push(c)); s.on('error', (e) => { console.log(e.message); process.exit(1); });
      s.on('end', () => { if (!Buffer.concat(got).equals(data)) { console.log('client ' + i + ': ' + Buffer.concat(got).length + ' bytes differ'); process.exit(1); } if (++done === 8) { console.log('ok'); process.exit(0); } });
      s.end(data);
    }`;
  let r: RunResult = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < 20 && r.stdout.trim() !== 'ok'; i++) { r = d.inNetns([process.execPath, '-e', js], { timeout: 40000 }); if (r.stdout.trim() !== 'ok') await sleep(200); }
  assert.equal(r.stdout.trim(), 'ok', r.stderr);
  // Port 82 has no server in the container: the proxied connection is closed, it does not hang.
  const refused = `const s = require('net').connect(${Number(closedPort)}, '127.0.0.1'); let n = 0;
    s.on('data', (c) => { n += c.length; }); s.on('error', () => {}); s.on('close', () => { console.log('closed ' + n); process.exit(0); });
    setTimeout(() => { console.log('hangs'); process.exit(1); }, 3000);`;
  assert.equal(ok(d.inNetns([process.execPath, '-e', refused])).trim(), 'closed 0');
  ok(d.docker(['rm', '-f', 'echo-tcp']));
});
