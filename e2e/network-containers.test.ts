/**
 * Container networking with berth and the real docker CLI, all inside the e2e daemon's netns:
 * published ports answering on 127.0.0.1 and the bridge IP, -P and `port`, name resolution on
 * user networks and isolation between networks, none/host/container: modes, --link, the
 * files Docker writes (/etc/hosts, /etc/resolv.conf), port-in-use errors, and nothing left
 * behind (links, iptables) after rm, network rm and berthd stop.
 */
import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useDaemon, type TestDaemon, type RunResult } from './harness.js';
import { ensureBusybox } from './images.js';

let d: TestDaemon;
before(async () => { d = await useDaemon(); ensureBusybox(d); });

/** Remove what a test made even when it fails (containers first, then networks). */
function cleanup(t: TestContext, containers: string[], networks: string[] = []): void {
  t.after(() => {
    d.berth(['rm', '-f', ...containers]);
    if (networks.length) d.berth(['network', 'rm', '-f', ...networks]);
  });
}

const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };
const httpd = (name: string, extra: string[] = []) =>
  ok(d.berth(['run', '-d', '--name', name, ...extra, 'busybox', 'sh', '-c', `mkdir -p /www && echo hello-from-${name} > /www/index.html && exec httpd -f -p 80 -h /www`])).trim();

/** Retry a fetch from the test netns while the server starts. */
async function fetchIn(url: string, tries = 40): Promise<RunResult> {
  let r: RunResult = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < tries; i++) {
    r = d.inNetns(['curl', '-sS', '--max-time', '2', url]);
    if (r.code === 0) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  return r;
}

test('-p 8080:80: httpd answers on 127.0.0.1:8080 and on the bridge IP; inspect and ps show the mapping', async (t) => {
  cleanup(t, ['web']);
  const id = httpd('web', ['-p', '8080:80']);
  let r = await fetchIn('http://127.0.0.1:8080/');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello-from-web\n');
  r = await fetchIn('http://172.17.0.1:8080/');
  assert.equal(r.stdout, 'hello-from-web\n');
  const info = JSON.parse(ok(d.berth(['inspect', 'web'])))[0];
  const ns = info.NetworkSettings;
  assert.equal(ns.IPAddress, '172.17.0.2');
  assert.equal(ns.Gateway, '172.17.0.1');
  assert.equal(ns.MacAddress, '02:42:ac:11:00:02');
  assert.deepEqual(ns.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
  assert.equal(ns.Networks.bridge.IPAddress, '172.17.0.2');
  assert.equal(ns.Networks.bridge.IPPrefixLen, 16);
  assert.match(ns.Networks.bridge.EndpointID, /^[0-9a-f]{64}$/);
  // the container answers directly on its address too
  r = await fetchIn('http://172.17.0.2:80/');
  assert.equal(r.stdout, 'hello-from-web\n');
  assert.match(ok(d.berth(['ps'])), /0\.0\.0\.0:8080->80\/tcp, \[::\]:8080->80\/tcp/);
  assert.equal(ok(d.berth(['port', 'web'])), '80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
  assert.equal(ok(d.berth(['port', 'web', '80'])), '0.0.0.0:8080\n[::]:8080\n');
  const bad = d.berth(['port', 'web', '81']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: No public port '81/tcp' published for web\n");
  assert.match(ok(d.docker(['port', 'web'])), /^80\/tcp -> 0\.0\.0\.0:8080$/m);
  const net = JSON.parse(ok(d.berth(['network', 'inspect', 'bridge'])))[0];
  assert.deepEqual(net.Containers[id], { Name: 'web', EndpointID: ns.Networks.bridge.EndpointID, MacAddress: '02:42:ac:11:00:02', IPv4Address: '172.17.0.2/16', IPv6Address: '' });
  // eth0 inside, with the default route via the gateway
  const ip = ok(d.berth(['exec', 'web', 'ip', 'route']));
  assert.match(ip, /^default via 172\.17\.0\.1 dev eth0/m);
  // the DNAT rule exists while the container runs
  assert.match(ok(d.inNetns(['iptables-save', '-t', 'nat'])), /-A BERTH ! -i berth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.17\.0\.2:80/);
  ok(d.berth(['rm', '-f', 'web']));
  assert.doesNotMatch(ok(d.inNetns(['iptables-save', '-t', 'nat'])), /DNAT/);
  assert.doesNotMatch(ok(d.inNetns(['ip', 'link'])), /veth/);
});

test('port already in use: Docker\'s error, nothing left half-made', async (t) => {
  cleanup(t, ['holder', 'second', 'third', 'fourth']);
  httpd('holder', ['-p', '8181:80']);
  let r = d.berth(['run', '-d', '--name', 'second', '-p', '8181:80', 'busybox', 'sleep', '30']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /failed to set up container networking: driver failed programming external connectivity on endpoint second \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8181 failed: port is already allocated/);
  assert.doesNotMatch(ok(d.inNetns(['iptables-save', '-t', 'nat'])), /--dport 8181 .*172\.17\.0\.3/);
  assert.equal(ok(d.inNetns(['sh', '-c', 'ip -o link | grep -c veth || true'])).trim(), '1');
  // a port held by a process that is not Berth's
  r = d.berth(['run', '-d', '--name', 'third', '-p', '127.0.0.1:8282:80', 'busybox', 'sleep', '30']);
  assert.equal(r.code, 0, r.stderr);
  r = d.berth(['run', '-d', '--name', 'fourth', '-p', '127.0.0.1:8282:80', 'busybox', 'sleep', '30']);
  assert.equal(r.code, 125);
  ok(d.berth(['rm', '-f', 'holder', 'second', 'third', 'fourth']));
});

test('-P publishes every EXPOSEd port on a random host port, shown by port', async (t) => {
  cleanup(t, ['pall']);
  ok(d.berth(['run', '-d', '--name', 'pall', '-P', '--expose', '80', '--expose', '53/udp', 'busybox', 'sh', '-c',
    'mkdir -p /www && echo pall > /www/index.html && exec httpd -f -p 80 -h /www']));
  const out = ok(d.berth(['port', 'pall']));
  const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(out);
  assert.ok(m, out);
  assert.match(out, /^53\/udp -> 0\.0\.0\.0:\d+$/m);
  const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  assert.ok(Number(m[1]) >= lo! && Number(m[1]) <= hi!, m[1]);
  // [::] gets the same port as 0.0.0.0 (moby's needSamePort), for UDP too
  assert.match(out, new RegExp(`^80/tcp -> \\[::\\]:${m[1]}$`, 'm'));
  const u = /^53\/udp -> 0\.0\.0\.0:(\d+)$/m.exec(out)!;
  assert.match(out, new RegExp(`^53/udp -> \\[::\\]:${u[1]}$`, 'm'));
  let r = await fetchIn(`http://127.0.0.1:${m[1]}/`);
  assert.equal(r.stdout, 'pall\n');
  r = await fetchIn(`http://[::1]:${m[1]}/`);
  assert.equal(r.stdout, 'pall\n');
  ok(d.berth(['rm', '-f', 'pall']));
});

test('user networks: containers reach each other by name, alias and short ID; other networks cannot', async (t) => {
  cleanup(t, ['alpha', 'beta', 'gamma'], ['front', 'back']);
  ok(d.berth(['network', 'create', 'front']));
  ok(d.berth(['network', 'create', 'back']));
  const aid = httpd('alpha', ['--network', 'front', '--network-alias', 'the-alpha']);
  ok(d.berth(['run', '-d', '--name', 'beta', '--network', 'front', 'busybox', 'sleep', '300']));
  ok(d.berth(['run', '-d', '--name', 'gamma', '--network', 'back', 'busybox', 'sleep', '300']));
  const alphaIp = ok(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'alpha'])).trim();
  assert.match(alphaIp, /^172\.18\.0\.2$/);
  let r = d.berth(['exec', 'beta', 'ping', '-c1', '-W2', 'alpha']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of ['alpha', 'the-alpha', aid.slice(0, 12)]) {
    r = d.berth(['exec', 'beta', 'wget', '-qO-', `http://${name}/`]);
    assert.equal(r.stdout, 'hello-from-alpha\n', `${name}: ${r.stderr}`);
  }
  r = d.berth(['exec', 'beta', 'nslookup', 'nosuchname']);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /NXDOMAIN|can't find/);
  // another network: neither by name nor by address
  r = d.berth(['exec', 'gamma', 'ping', '-c1', '-W2', 'alpha']);
  assert.notEqual(r.code, 0);
  r = d.berth(['exec', 'gamma', 'ping', '-c1', '-W2', alphaIp]);
  assert.notEqual(r.code, 0);
  // connect gamma to front while it runs: now it reaches alpha; disconnect: no more
  ok(d.berth(['network', 'connect', '--alias', 'g', 'front', 'gamma']));
  // At once, no retry: another container finds gamma by name and by the new alias, and reaches it.
  // (This once failed now and then: the bridge took the new veth's MAC when it was the lowest,
  // and beta's cached ARP entry for the gateway, the DNS server, went stale.)
  const gammaIp = ok(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'gamma'])).trim();
  for (const name of ['gamma', 'g']) {
    r = d.berth(['exec', 'beta', 'nslookup', name]);
    assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Address: ${gammaIp.replace(/\./g, '\\.')}$`, 'm'), name);
  }
  r = d.berth(['exec', 'beta', 'ping', '-c1', '-W2', 'g']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  r = d.berth(['exec', 'gamma', 'wget', '-qO-', 'http://alpha/']);
  assert.equal(r.stdout, 'hello-from-alpha\n', r.stderr);
  assert.deepEqual(JSON.parse(ok(d.berth(['inspect', '-f', '{{json .NetworkSettings.Networks.front.Aliases}}', 'gamma']))), ['g']);
  const net = JSON.parse(ok(d.berth(['network', 'inspect', 'front'])))[0];
  assert.deepEqual(Object.values(net.Containers).map((c: any) => c.Name).sort(), ['alpha', 'beta', 'gamma']);
  ok(d.berth(['network', 'disconnect', 'front', 'gamma']));
  r = d.berth(['exec', 'gamma', 'ping', '-c1', '-W2', alphaIp]);
  assert.notEqual(r.code, 0);
  r = d.berth(['network', 'rm', 'front']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error response from daemon: error while removing network: network front id [0-9a-f]{64} has active endpoints\nexit status 1\n$/); // docker's network rm ends with that line
  // resolv.conf points at the embedded DNS server
  assert.match(ok(d.berth(['exec', 'beta', 'cat', '/etc/resolv.conf'])), /^nameserver 172\.18\.0\.1$/m);
  ok(d.berth(['rm', '-f', 'alpha', 'beta', 'gamma']));
  assert.equal(ok(d.berth(['network', 'rm', 'front', 'back'])), 'front\nback\n');
});

test('--ip, --mac-address, --dns*, --add-host, --hostname on a user network', (t) => {
  cleanup(t, ['fx'], ['fixed']);
  ok(d.berth(['network', 'create', '--subnet', '10.99.0.0/24', 'fixed']));
  ok(d.berth(['run', '-d', '--name', 'fx', '--network', 'fixed', '--ip', '10.99.0.50', '--mac-address', '02:42:de:ad:be:ef',
    '--hostname', 'box', '--add-host', 'db:10.1.2.3', '--dns-search', 'example.test', '--dns-option', 'timeout:3', 'busybox', 'sleep', '300']));
  const addr = ok(d.berth(['exec', 'fx', 'ip', '-o', '-4', 'addr', 'show', 'eth0']));
  assert.match(addr, /inet 10\.99\.0\.50\/24/);
  assert.match(ok(d.berth(['exec', 'fx', 'cat', '/sys/class/net/eth0/address'])), /^02:42:de:ad:be:ef$/m);
  const hosts = ok(d.berth(['exec', 'fx', 'cat', '/etc/hosts']));
  assert.match(hosts, /^10\.1\.2\.3\tdb$/m);
  assert.match(hosts, /^10\.99\.0\.50\tbox$/m);
  const resolv = ok(d.berth(['exec', 'fx', 'cat', '/etc/resolv.conf']));
  assert.match(resolv, /^search example\.test$/m);
  assert.match(resolv, /^options timeout:3 ndots:0$/m);
  let r = d.berth(['run', '--rm', '--network', 'fixed', '--ip', '10.99.0.50', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Address already in use/);
  r = d.berth(['run', '--rm', '--ip', '172.17.0.9', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /user specified IP address is supported on user defined networks only/);
  r = d.berth(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /network nosuchnet not found/);
  ok(d.berth(['rm', '-f', 'fx']));
  ok(d.berth(['network', 'rm', 'fixed']));
});

test('--network none has only lo; --network host sees the namespace\'s interfaces; container: shares a netns', (t) => {
  cleanup(t, ['owner']);
  let out = ok(d.berth(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']));
  assert.deepEqual(out.trim().split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
  const r = d.berth(['run', '--rm', '--network', 'host', '-p', '80:80', 'busybox', 'ip', '-o', 'link']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /berth0/);
  assert.match(r.stderr, /WARNING: Published ports are discarded when using host network mode/);
  ok(d.berth(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '300']));
  out = ok(d.berth(['run', '--rm', '--network', 'container:owner', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']));
  assert.match(out, /inet 172\.17\.0\.\d+\/16/);
  ok(d.berth(['rm', '-f', 'owner']));
});

test('--link on the default bridge writes hosts entries', (t) => {
  cleanup(t, ['linked']);
  const id = ok(d.berth(['run', '-d', '--name', 'linked', 'busybox', 'sleep', '300'])).trim();
  const ip = ok(d.berth(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'linked'])).trim();
  const hosts = ok(d.berth(['run', '--rm', '--link', 'linked:db', 'busybox', 'cat', '/etc/hosts']));
  assert.match(hosts, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tdb ${id.slice(0, 12)} linked$`, 'm'));
  const r = d.berth(['run', '--rm', '--link', 'linked:db', 'busybox', 'ping', '-c1', '-W2', 'db']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  ok(d.berth(['rm', '-f', 'linked']));
});

test('docker CLI: run -p and network connect against berthd', async (t) => {
  cleanup(t, ['dweb'], ['dnet']);
  ok(d.docker(['network', 'create', 'dnet']));
  ok(d.docker(['run', '-d', '--name', 'dweb', '--network', 'dnet', '-p', '8383:80', 'busybox', 'sh', '-c',
    'mkdir -p /www && echo docker-cli > /www/index.html && exec httpd -f -p 80 -h /www']));
  const r = await fetchIn('http://127.0.0.1:8383/');
  assert.equal(r.stdout, 'docker-cli\n');
  assert.match(ok(d.docker(['ps'])), /0\.0\.0\.0:8383->80\/tcp/);
  const info = JSON.parse(ok(d.docker(['network', 'inspect', 'dnet'])))[0];
  assert.equal(Object.values(info.Containers).length, 1);
  ok(d.docker(['rm', '-f', 'dweb']));
  ok(d.docker(['network', 'rm', 'dnet']));
});

test('after rm -f, network rm and berthd stop: no Berth rule, no Berth link', async (t) => {
  cleanup(t, ['l1'], ['last']);
  ok(d.berth(['network', 'create', 'last']));
  ok(d.berth(['run', '-d', '--name', 'l1', '--network', 'last', '-p', '8484:80', 'busybox', 'sleep', '300']));
  ok(d.berth(['rm', '-f', 'l1']));
  ok(d.berth(['network', 'rm', 'last']));
  await d.stop();
  const save = ok(d.inNetns(['iptables-save']));
  assert.doesNotMatch(save, /BERTH/);
  const links = ok(d.inNetns(['ip', '-o', 'link']));
  assert.doesNotMatch(links, /berth0|br-|veth/);
  assert.deepEqual(fs.readdirSync(`${d.execRoot}/netns`), []);
  // and a restart brings the default bridge back
  await d.start();
  assert.match(ok(d.inNetns(['ip', '-o', 'link'])), /berth0/);
});
