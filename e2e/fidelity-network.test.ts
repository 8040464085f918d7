/**
 * Networks answering as dockerd does, through the real docker CLI: IPAM auxiliary addresses
 * (kept, reserved) and endpoint driver options; dual-stack networks (`--ipv6`: both pools, both
 * addresses in the container and in inspect, published ports on 0.0.0.0 and [::], ip6tables only
 * in Berth's chains); `--link` aliases on a user-defined network (for the linking container
 * only); a lookup right after `network connect`; legacy links' variables and `rm --link`.
 */
import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runSync, useDaemon, type TestDaemon, type RunResult } from './harness.js';
import { ensureBusybox } from './images.js';

let d: TestDaemon;
before(async () => { d = await useDaemon(); ensureBusybox(d); });

const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };
const inspect = (what: string) => JSON.parse(ok(d.docker(['inspect', what])))[0];
const netInspect = (n: string) => JSON.parse(ok(d.docker(['network', 'inspect', n])))[0];
const sleeper = (name: string, extra: string[] = []) => ok(d.docker(['run', '-d', '--name', name, ...extra, 'busybox', 'sleep', '300'])).trim();
const httpd = (name: string, extra: string[] = []) =>
  ok(d.docker(['run', '-d', '--name', name, ...extra, 'busybox', 'sh', '-c', `mkdir -p /www && echo hello-from-${name} > /www/index.html && exec httpd -f -p 80 -h /www`])).trim();

function cleanup(t: TestContext, containers: string[], networks: string[] = []): void {
  t.after(() => {
    d.docker(['rm', '-f', ...containers]);
    if (networks.length) d.docker(['network', 'rm', ...networks]);
  });
}

/** busybox nslookup's answer addresses (the server's own "Address: x#53" line excluded). */
function lookup(container: string, name: string, type = 'A'): RunResult & { addresses: string[] } {
  const r = d.docker(['exec', container, 'nslookup', `-type=${type}`, name]);
  const addresses = [...r.stdout.matchAll(/^Address: ([^\s#]+)$/gm)].map((m) => m[1]!);
  return { ...r, addresses };
}

/** A docker-py script (Debian's python3-docker) against the daemon: `c` is the client. */
function dockerPy(script: string): RunResult {
  return runSync('python3', ['-c', `import docker\nc = docker.DockerClient(base_url=${JSON.stringify(d.host)})\n${script}`]);
}

async function curl(url: string): Promise<RunResult> {
  let r: RunResult = { code: -1, stdout: '', stderr: '' };
  for (let i = 0; i < 40; i++) {
    r = d.inNetns(['curl', '-sS', '-g', '--max-time', '2', url]);
    if (r.code === 0) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  return r;
}

test('IPAM auxiliary addresses are kept as given and never handed out; endpoint DriverOpts as given, else null', (t) => {
  cleanup(t, ['aux1', 'aux2'], ['aux']);
  ok(d.docker(['network', 'create', '--subnet', '10.77.0.0/24', '--aux-address', 'router=10.77.0.2', '--aux-address', 'nas=10.77.0.3', 'aux']));
  const cfg = netInspect('aux').IPAM.Config;
  assert.deepEqual(cfg, [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1', AuxiliaryAddresses: { router: '10.77.0.2', nas: '10.77.0.3' } }]);
  sleeper('aux1', ['--network', 'name=aux,driver-opt=com.example.opt=1']);
  assert.equal(inspect('aux1').NetworkSettings.Networks.aux.IPAddress, '10.77.0.4', 'the reserved .2 and .3 are skipped');
  assert.deepEqual(inspect('aux1').NetworkSettings.Networks.aux.DriverOpts, { 'com.example.opt': '1' });
  sleeper('aux2', ['--network', 'aux']);
  assert.equal(inspect('aux2').NetworkSettings.Networks.aux.IPAddress, '10.77.0.5');
  assert.equal(inspect('aux2').NetworkSettings.Networks.aux.DriverOpts, null);
  // an auxiliary address outside its subnet (the docker CLI checks that itself, docker-py sends it):
  // dockerd's validateIpamConfig, and no network
  const r = dockerPy(`
from docker.types import IPAMConfig, IPAMPool
try:
    c.networks.create('badaux', ipam=IPAMConfig(pool_configs=[IPAMPool(subnet='10.78.0.0/24', aux_addresses={'far': '10.79.0.1'})]))
except docker.errors.APIError as e:
    print(e.status_code, e.explanation)
`);
  assert.equal(ok(r), '400 invalid network config:\ninvalid auxiliary address far: parent subnet 10.78.0.0/24 doesn\'t contain this address\n');
  assert.notEqual(d.docker(['network', 'inspect', 'badaux']).code, 0);
  // host bits in a subnet: refused, not silently masked
  const hb = d.docker(['network', 'create', '--subnet', '10.80.0.1/24', 'hostbits']);
  assert.equal(hb.stderr, 'Error response from daemon: invalid network config:\ninvalid subnet 10.80.0.1/24: it should be 10.80.0.0/24\n');
  assert.notEqual(d.docker(['network', 'inspect', 'hostbits']).code, 0);
});

test('--ipv6 --subnet fd00:1::/64: a dual-stack network; both addresses in the container; ports on 0.0.0.0 and [::]', async (t) => {
  cleanup(t, ['w6', 'c6'], ['v6net']);
  // IPv6 on in the daemon's netns only (new namespaces may inherit a host that has it off)
  ok(d.inNetns(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=0', 'net.ipv6.conf.default.disable_ipv6=0']));
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', 'fd00:1::/64', 'v6net']));
  const net = netInspect('v6net');
  assert.equal(net.EnableIPv6, true);
  assert.equal(net.IPAM.Config.length, 2, JSON.stringify(net.IPAM.Config));
  assert.deepEqual(net.IPAM.Config[0], { Subnet: 'fd00:1::/64', Gateway: 'fd00:1::1' });
  assert.match(net.IPAM.Config[1].Subnet, /^172\.\d+\.0\.0\/16$/, 'an IPv4 pool is allocated too');
  const bridge = `br-${net.Id.slice(0, 12)}`;
  assert.match(d.inNetns(['ip', '-6', 'addr', 'show', 'dev', bridge]).stdout, /inet6 fd00:1::1\/64/);

  httpd('w6', ['--network', 'v6net', '-p', '8080:80']);
  const ep = inspect('w6').NetworkSettings.Networks.v6net;
  assert.equal(ep.GlobalIPv6Address, 'fd00:1::2');
  assert.equal(ep.GlobalIPv6PrefixLen, 64);
  assert.equal(ep.IPv6Gateway, 'fd00:1::1');
  assert.match(ep.IPAddress, /^172\.\d+\.0\.2$/);
  assert.match(ok(d.docker(['exec', 'w6', 'ip', '-6', 'addr', 'show', 'dev', 'eth0'])), /inet6 fd00:1::2\/64 scope global/);
  assert.match(ok(d.docker(['exec', 'w6', 'ip', '-6', 'route'])), /^default via fd00:1::1 dev eth0/m);
  assert.match(ok(d.docker(['exec', 'w6', 'cat', '/etc/hosts'])), /^fd00:1::2\t[0-9a-f]{12}$/m);
  const ni = netInspect('v6net').Containers;
  assert.equal((Object.values(ni)[0] as { IPv6Address: string }).IPv6Address, 'fd00:1::2/64');

  // published on both families, with the same port, as dockerd lists them
  assert.deepEqual(inspect('w6').NetworkSettings.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
  assert.equal(ok(d.docker(['port', 'w6'])), '80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
  assert.equal(ok(d.docker(['ps', '--filter', 'name=w6', '--format', '{{.Ports}}'])), '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp\n');
  for (const url of ['http://127.0.0.1:8080/', 'http://[::1]:8080/', 'http://[fd00:1::1]:8080/', 'http://[fd00:1::2]:80/']) {
    const r = await curl(url);
    assert.equal(r.stdout, 'hello-from-w6\n', `${url}: ${r.stderr}`);
  }

  // the embedded DNS server answers AAAA with the IPv6 address, A with the IPv4 one
  sleeper('c6', ['--network', 'v6net']);
  assert.deepEqual(lookup('c6', 'w6', 'AAAA').addresses, ['fd00:1::2']);
  assert.deepEqual(lookup('c6', 'w6', 'A').addresses, [ep.IPAddress]);
  ok(d.docker(['exec', 'c6', 'ping', '-c1', '-W2', 'fd00:1::2']));

  // ip6tables: Berth's rules live in its own chains; the built-in chains only jump there
  const rules = ok(d.inNetns(['ip6tables-save']));
  assert.match(rules, new RegExp(`^-A BERTH-FORWARD -o ${bridge} -j BERTH$`, 'm'));
  assert.match(rules, /^-A BERTH -d fd00:1::2\/128 ! -i br-[0-9a-f]{12} -o br-[0-9a-f]{12} -p tcp -m tcp --dport 80 -j ACCEPT$/m);
  for (const line of rules.split('\n').filter((l) => l.startsWith('-A ') && !/^-A BERTH/.test(l))) {
    assert.match(line, /-j BERTH(-[A-Z]+)?$/, `a rule outside Berth's chains: ${line}`);
  }

  // --ip6 on the network is honoured; on an IPv4-only one it is refused
  const r = d.docker(['run', '--rm', '--network', 'v6net', '--ip6', 'fd00:1::99', 'busybox', 'ip', '-6', 'addr', 'show', 'dev', 'eth0']);
  assert.match(ok(r), /inet6 fd00:1::99\/64/);

  // rm and network rm take the IPv6 rules and the bridge with them
  ok(d.docker(['rm', '-f', 'w6', 'c6']));
  ok(d.docker(['network', 'rm', 'v6net']));
  assert.doesNotMatch(ok(d.inNetns(['ip6tables-save'])), new RegExp(`${bridge}|fd00:1::`));
  assert.notEqual(d.inNetns(['ip', 'link', 'show', bridge]).code, 0);

  // --ipv6 without a subnet: an IPv4 pool and a unique-local /64
  ok(d.docker(['network', 'create', '--ipv6', 'ula']));
  t.after(() => { d.docker(['network', 'rm', 'ula']); });
  const ula = netInspect('ula');
  assert.equal(ula.EnableIPv6, true);
  assert.match(ula.IPAM.Config[0].Subnet, /^172\.\d+\.0\.0\/16$/);
  assert.match(ula.IPAM.Config[1].Subnet, /^fd[0-9a-f]{2}:[0-9a-f:]+\/64$/);
  assert.equal(ula.IPAM.Config[1].Gateway, ula.IPAM.Config[1].Subnet.replace(/::\/64$/, '::1'));
});

test('the default bridge is IPv4-only, yet -p publishes on [::] too, proxied to the container IPv4 address', async (t) => {
  cleanup(t, ['web4']);
  httpd('web4', ['-p', '8081:80']);
  assert.equal(inspect('web4').NetworkSettings.Networks.bridge.GlobalIPv6Address, '');
  assert.deepEqual(inspect('web4').NetworkSettings.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8081' }, { HostIp: '::', HostPort: '8081' }] });
  const r = await curl('http://[::1]:8081/');
  assert.equal(r.stdout, 'hello-from-web4\n', r.stderr);
  // a taken port on either family is refused with dockerd's error
  const taken = d.docker(['run', '-d', '--name', 'web4b', '-p', '8081:80', 'busybox', 'sleep', '30']);
  t.after(() => { d.docker(['rm', '-f', 'web4b']); });
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /Bind for 0\.0\.0\.0:8081 failed: port is already allocated/);
});

test('--link name:alias on a user-defined network: the alias resolves for the linking container only', (t) => {
  cleanup(t, ['upstream', 'linker', 'bystander', 'later'], ['ln', 'other']);
  ok(d.docker(['network', 'create', 'ln']));
  ok(d.docker(['network', 'create', 'other']));
  sleeper('upstream', ['--network', 'ln']);
  const upIp = inspect('upstream').NetworkSettings.Networks.ln.IPAddress;
  sleeper('linker', ['--network', 'ln', '--link', 'upstream:bar']);
  sleeper('bystander', ['--network', 'ln']);
  assert.deepEqual(inspect('linker').NetworkSettings.Networks.ln.Links, ['upstream:bar']);
  assert.equal(inspect('linker').HostConfig.Links, null, 'not a legacy link');
  let r = lookup('linker', 'bar');
  assert.deepEqual(r.addresses, [upIp], r.stdout + r.stderr);
  r = lookup('bystander', 'bar');
  assert.notEqual(r.code, 0);
  assert.deepEqual(r.addresses, []);
  // network connect --link: the alias on that endpoint
  sleeper('later', ['--network', 'other']);
  ok(d.docker(['network', 'connect', '--link', 'upstream:baz', 'ln', 'later']));
  assert.deepEqual(lookup('later', 'baz').addresses, [upIp]);
  assert.deepEqual(lookup('linker', 'baz').addresses, []);
});

test('network connect --alias: the name and the alias resolve from another container at once (no retry), round after round', (t) => {
  const names = ['stay', ...Array.from({ length: 5 }, (_, i) => `joiner${i}`)];
  cleanup(t, names, ['hub', 'spoke']);
  ok(d.docker(['network', 'create', 'hub']));
  ok(d.docker(['network', 'create', 'spoke']));
  sleeper('stay', ['--network', 'hub']);
  lookup('stay', 'stay'); // the gateway (the DNS server) is in stay's ARP cache from here on
  for (let i = 0; i < 5; i++) {
    sleeper(`joiner${i}`, ['--network', 'spoke']);
    ok(d.docker(['network', 'connect', '--alias', `x${i}`, 'hub', `joiner${i}`]));
    const ip = inspect(`joiner${i}`).NetworkSettings.Networks.hub.IPAddress;
    for (const name of [`joiner${i}`, `x${i}`]) {
      const r = lookup('stay', name);
      assert.deepEqual(r.addresses, [ip], `round ${i}, ${name}: ${r.stdout}${r.stderr}`);
    }
    ok(d.docker(['rm', '-f', `joiner${i}`]));
  }
});

test('legacy links on the default bridge: the variables of links.go; rm --link drops a link', (t) => {
  cleanup(t, ['child', 'parent', 'envprobe']);
  sleeper('child', ['-e', 'FOO=bar baz', '-e', 'HOME=/nowhere', '--expose', '80', '--expose', '81', '--expose', '53/udp']);
  const ip = inspect('child').NetworkSettings.IPAddress;
  const env = ok(d.docker(['run', '--name', 'envprobe', '--link', 'child:db-1', '-e', 'DB_1_NAME=mine', 'busybox', 'env'])).split('\n');
  for (const v of [
    `DB_1_PORT=tcp://${ip}:80`,
    `DB_1_PORT_80_TCP=tcp://${ip}:80`, `DB_1_PORT_80_TCP_ADDR=${ip}`, 'DB_1_PORT_80_TCP_PORT=80', 'DB_1_PORT_80_TCP_PROTO=tcp',
    `DB_1_PORT_81_TCP=tcp://${ip}:81`, `DB_1_PORT_81_TCP_ADDR=${ip}`, 'DB_1_PORT_81_TCP_PORT=81', 'DB_1_PORT_81_TCP_PROTO=tcp',
    `DB_1_PORT_80_TCP_START=tcp://${ip}:80`, 'DB_1_PORT_80_TCP_PORT_START=80', `DB_1_PORT_80_TCP_END=tcp://${ip}:81`, 'DB_1_PORT_80_TCP_PORT_END=81',
    `DB_1_PORT_53_UDP=udp://${ip}:53`, `DB_1_PORT_53_UDP_ADDR=${ip}`, 'DB_1_PORT_53_UDP_PORT=53', 'DB_1_PORT_53_UDP_PROTO=udp',
    'DB_1_ENV_FOO=bar baz',
    'DB_1_NAME=mine', // the container's own Env wins over a link's
  ]) assert.ok(env.includes(v), `${v} in\n${env.join('\n')}`);
  assert.ok(!env.some((v) => /^DB_1_ENV_(PATH|HOME)=/.test(v)), 'PATH and HOME are not passed on');

  sleeper('parent', ['--link', 'child:db']);
  assert.deepEqual(inspect('parent').HostConfig.Links, ['/child:/parent/db']);
  // an exec gets them too, as dockerd's ContainerExecCreate sets them up
  const execEnv = ok(d.docker(['exec', 'parent', 'env'])).split('\n');
  assert.ok(execEnv.includes('DB_NAME=/parent/db') && execEnv.includes(`DB_PORT_80_TCP_ADDR=${ip}`), execEnv.join('\n'));
  assert.match(ok(d.docker(['exec', 'parent', 'cat', '/etc/hosts'])), new RegExp(`^${ip.replace(/\./g, '\\.')}\tdb [0-9a-f]{12} child$`, 'm'));
  let r = d.docker(['rm', '--link', 'parent/nope']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such container: parent/nope\n');
  r = d.docker(['rm', '--link', 'parent']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: Conflict, cannot remove the default link name of the container\n');
  assert.equal(ok(d.docker(['rm', '--link', '/parent/db'])), '/parent/db\n');
  assert.equal(inspect('parent').HostConfig.Links, null);
  assert.doesNotMatch(ok(d.docker(['exec', 'parent', 'cat', '/etc/hosts'])), /\tdb /);
  assert.equal(inspect('child').State.Running, true, 'the linked container itself stays');

  // a link to a container that does not exist: refused at create, nothing created
  r = d.docker(['create', '--name', 'nolink', '--link', 'ghost:g', 'busybox']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: could not get container for ghost: No such container: ghost\n');
  assert.notEqual(d.docker(['inspect', 'nolink']).code, 0);

  // a link to a container that does not run: the start fails with dockerd's text
  ok(d.docker(['stop', '-t', '0', 'child']));
  r = d.docker(['run', '-d', '--name', 'orphan', '--link', 'child:db', 'busybox', 'true']);
  t.after(() => { d.docker(['rm', '-f', 'orphan']); });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Cannot link to a non running container: \/child AS \/orphan\/db/);
});
