/**
 * Networks with berth and the real docker CLI: create/ls/inspect/rm/prune and their errors, the
 * predefined networks, what berthd leaves in the namespace (links, iptables) after it stops.
 * Everything runs in the e2e daemon's own network namespace.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useDaemon, type TestDaemon, type RunResult } from './harness.js';

let d: TestDaemon;
before(async () => { d = await useDaemon(); });

const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };

test('predefined networks: bridge on berth0, host, none, listed as Docker lists them', () => {
  const out = ok(d.berth(['network', 'ls']));
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'NETWORK ID     NAME      DRIVER    SCOPE');
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(1)), [['bridge', 'bridge', 'local'], ['host', 'host', 'local'], ['none', 'null', 'local']]);
  assert.match(lines[1]!, /^[0-9a-f]{12} {3}bridge {4}bridge {4}local$/);
  const bridge = JSON.parse(ok(d.berth(['network', 'inspect', 'bridge'])))[0];
  assert.equal(bridge.Driver, 'bridge');
  assert.equal(bridge.Options['com.docker.network.bridge.name'], 'berth0');
  assert.deepEqual(bridge.IPAM.Config, [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }]);
  assert.match(ok(d.inNetns(['ip', '-4', 'addr', 'show', 'berth0'])), /inet 172\.17\.0\.1\/16 /);
  const theirs = ok(d.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']));
  assert.equal(theirs, 'bridge bridge local\nhost host local\nnone null local\n');
});

test('network create / inspect / ls filters / rm with berth', () => {
  const id = ok(d.berth(['network', 'create', '--subnet', '10.77.0.0/24', '--gateway', '10.77.0.254', '--label', 'team=a', 'n-one'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const n = JSON.parse(ok(d.berth(['network', 'inspect', 'n-one'])))[0];
  assert.equal(n.Id, id);
  assert.equal(n.Name, 'n-one');
  assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.254' }]);
  assert.deepEqual(n.Labels, { team: 'a' });
  assert.deepEqual(n.Containers, {});
  assert.match(ok(d.inNetns(['ip', '-4', 'addr', 'show', `br-${id.slice(0, 12)}`])), /inet 10\.77\.0\.254\/24 /);
  // an auto subnet: the next free /16 of the pools
  ok(d.berth(['network', 'create', '-o', 'com.docker.network.bridge.name=berthtest1', 'n-two']));
  assert.equal(ok(d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}} {{.Options}}', 'n-two'])), '172.18.0.0/16 map[com.docker.network.bridge.name:berthtest1]\n');
  assert.match(ok(d.inNetns(['ip', 'link', 'show', 'berthtest1'])), /berthtest1/);
  assert.equal(ok(d.berth(['network', 'ls', '-f', 'label=team=a', '--format', '{{.Name}}'])), 'n-one\n');
  assert.equal(ok(d.berth(['network', 'ls', '-f', 'type=custom', '--format', '{{.Name}}'])), 'n-one\nn-two\n');
  assert.equal(ok(d.berth(['network', 'ls', '-f', 'driver=null', '-q'])).trim().length, 12);
  assert.equal(ok(d.berth(['network', 'ls', '-f', `id=${id.slice(0, 8)}`, '--format', '{{.Name}}'])), 'n-one\n');
  assert.equal(ok(d.berth(['network', 'ls', '-f', 'dangling=true', '--format', '{{.Name}}'])), 'n-one\nn-two\n');
  // errors
  let r = d.berth(['network', 'create', 'n-one']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: network with name n-one already exists\n');
  r = d.berth(['network', 'create', '--subnet', '10.77.0.0/16', 'n-overlap']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Pool overlaps with other one on this address space/);
  r = d.berth(['network', 'create', '--gateway', '10.1.0.1', 'n-bad']);
  assert.equal(r.stderr, 'every ip-range or gateway must have a corresponding subnet\n');
  r = d.berth(['network', 'rm', 'bridge']);
  assert.equal(r.stderr, 'Error response from daemon: bridge is a pre-defined network and cannot be removed\nexit status 1\n'); // docker's network rm ends with that line
  r = d.berth(['network', 'inspect', 'nope']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: network nope not found\n'); // docker 28's network inspect
  assert.equal(ok(d.berth(['network', 'rm', 'n-one', 'n-two'])), 'n-one\nn-two\n');
  assert.equal(d.inNetns(['ip', 'link', 'show', 'berthtest1']).code, 1);
  r = d.berth(['network', 'rm', 'n-one']);
  assert.equal(r.stderr, 'Error response from daemon: network n-one not found\nexit status 1\n');
  assert.equal(d.berth(['network', 'rm', '-f', 'n-one']).code, 0);
});

test('docker CLI: network create / ls / inspect / rm against berthd', () => {
  const id = ok(d.docker(['network', 'create', '--internal', '--attachable', 'd-net'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(ok(d.docker(['network', 'ls'])), new RegExp(`\\n${id.slice(0, 12)}   d-net     bridge    local\\n`));
  const n = JSON.parse(ok(d.docker(['network', 'inspect', 'd-net'])))[0];
  assert.equal(n.Internal, true);
  assert.equal(n.Attachable, true);
  assert.equal(ok(d.docker(['network', 'inspect', '--format', '{{.Driver}}/{{.Scope}}', id.slice(0, 12)])), 'bridge/local\n');
  const r = d.docker(['network', 'create', 'd-net']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network with name d-net already exists/);
  assert.equal(ok(d.docker(['network', 'rm', 'd-net'])), 'd-net\n');
});

test('network prune removes unused custom networks only', () => {
  ok(d.berth(['network', 'create', 'p-1']));
  ok(d.berth(['network', 'create', '--label', 'keep=1', 'p-2']));
  assert.equal(ok(d.berth(['network', 'prune', '-f', '--filter', 'label!=keep'])), 'Deleted Networks:\np-1\n\n');
  assert.equal(ok(d.docker(['network', 'prune', '-f'])), 'Deleted Networks:\np-2\n\n');
  assert.equal(ok(d.berth(['network', 'prune', '-f'])), '');
  assert.equal(ok(d.berth(['network', 'ls', '-q'])).trim().split('\n').length, 3);
});

test('iptables: Berth rules only in Berth chains, jumps from the built-in chains', () => {
  const save = ok(d.inNetns(['iptables-save']));
  assert.match(save, /^-A FORWARD -j BERTH-USER$/m);
  assert.match(save, /^-A FORWARD -j BERTH-FORWARD$/m);
  assert.match(save, /^-A POSTROUTING -j BERTH-POSTROUTING$/m);
  assert.match(save, /^-A BERTH-POSTROUTING -s 172\.17\.0\.0\/16 ! -o berth0 -j MASQUERADE$/m);
  for (const line of save.split('\n').filter((l) => l.startsWith('-A '))) {
    assert.match(line, /^-A (BERTH\S*|FORWARD -j BERTH|PREROUTING .*-j BERTH|OUTPUT .*-j BERTH|POSTROUTING -j BERTH)/, line);
  }
  assert.equal(ok(d.inNetns(['cat', '/proc/sys/net/ipv4/ip_forward'])).trim(), '1');
});

test('a crash\'s leftovers are reconciled at berthd start: stale rules, duplicate jumps, stray veths', async () => {
  ok(d.inNetns(['iptables', '-w', '-t', 'nat', '-A', 'BERTH', '-p', 'tcp', '--dport', '9999', '-j', 'DNAT', '--to-destination', '10.9.9.9:1']));
  ok(d.inNetns(['iptables', '-w', '-I', 'FORWARD', '-j', 'BERTH-FORWARD']));
  ok(d.inNetns(['ip', 'link', 'add', 'vethstale0', 'type', 'veth', 'peer', 'name', 'vethstale1']));
  ok(d.inNetns(['ip', 'link', 'set', 'vethstale0', 'master', 'berth0']));
  await d.stop('SIGKILL');
  await d.start();
  const save = ok(d.inNetns(['iptables-save']));
  assert.doesNotMatch(save, /9999/);
  assert.equal(save.split('\n').filter((l) => l === '-A FORWARD -j BERTH-FORWARD').length, 1);
  assert.doesNotMatch(ok(d.inNetns(['ip', '-o', 'link'])), /vethstale/);
  assert.match(ok(d.berth(['network', 'ls'])), / bridge {4}bridge {4}local\n/);
});
