import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRules, JUMPS, jumps } from './iptables.js';

test('renderRules: chains declared (so flushed) per table, per-bridge forwarding, isolation, masquerade', () => {
  const out = renderRules({ bridges: [{ bridge: 'berth0', subnet: '172.17.0.0/16', internal: false }], ports: [] });
  assert.equal(out, [
    '*filter',
    ':BERTH - [0:0]', ':BERTH-FORWARD - [0:0]', ':BERTH-ISOLATION-STAGE-1 - [0:0]', ':BERTH-ISOLATION-STAGE-2 - [0:0]',
    '-A BERTH-FORWARD -j BERTH-ISOLATION-STAGE-1',
    '-A BERTH-FORWARD -o berth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A BERTH-FORWARD -o berth0 -j BERTH',
    '-A BERTH-FORWARD -i berth0 ! -o berth0 -j ACCEPT',
    '-A BERTH-FORWARD -i berth0 -o berth0 -j ACCEPT',
    '-A BERTH ! -i berth0 -o berth0 -j DROP',
    '-A BERTH-ISOLATION-STAGE-1 -i berth0 ! -o berth0 -j BERTH-ISOLATION-STAGE-2',
    '-A BERTH-ISOLATION-STAGE-2 -o berth0 -j DROP',
    '-A BERTH-ISOLATION-STAGE-1 -j RETURN', '-A BERTH-ISOLATION-STAGE-2 -j RETURN', 'COMMIT',
    '*nat', ':BERTH - [0:0]', ':BERTH-POSTROUTING - [0:0]',
    '-A BERTH -i berth0 -j RETURN',
    '-A BERTH-POSTROUTING -s 172.17.0.0/16 ! -o berth0 -j MASQUERADE',
    'COMMIT', '',
  ].join('\n'));
  assert.doesNotMatch(out, /USER/, 'BERTH-USER is never flushed');
});

test('renderRules: published ports (DNAT, accept, hairpin), host IPs, internal networks', () => {
  const out = renderRules({
    bridges: [{ bridge: 'br-a', subnet: '10.1.0.0/24', internal: true }],
    ports: [
      { bridge: 'br-a', proto: 'tcp', hostIp: '', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80 },
      { bridge: 'br-a', proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '10.1.0.2', containerPort: 53 },
    ],
  });
  const lines = out.split('\n');
  for (const l of [
    '-A BERTH -d 10.1.0.2/32 ! -i br-a -o br-a -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A BERTH -d 10.1.0.2/32 ! -i br-a -o br-a -p udp -m udp --dport 53 -j ACCEPT',
    '-A BERTH ! -i br-a -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80',
    '-A BERTH -d 127.0.0.1/32 ! -i br-a -p udp -m udp --dport 5353 -j DNAT --to-destination 10.1.0.2:53',
    '-A BERTH-POSTROUTING -s 10.1.0.2/32 -d 10.1.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
    '-A BERTH-ISOLATION-STAGE-1 ! -s 10.1.0.0/24 -o br-a -j DROP',
    '-A BERTH-ISOLATION-STAGE-1 ! -d 10.1.0.0/24 -i br-a -j DROP',
  ]) assert.ok(lines.includes(l), l);
  // internal: no way out, no masquerade
  assert.ok(!lines.includes('-A BERTH-FORWARD -i br-a ! -o br-a -j ACCEPT'));
  assert.ok(!lines.some((l) => l.startsWith('-A BERTH-POSTROUTING -s 10.1.0.0/24')));
  // the accept for a published port comes before the bridge's drop
  assert.ok(lines.indexOf('-A BERTH ! -i br-a -o br-a -j DROP') > lines.findIndex((l) => l.includes('--dport 80 -j ACCEPT')));
});

test('renderRules for ip6tables: only IPv6 bridges and ports published to a container IPv6 address', () => {
  const state = {
    bridges: [{ bridge: 'berth0', subnet: '172.17.0.0/16', internal: false }, { bridge: 'br-6', subnet: '172.19.0.0/16', subnet6: 'fd00:1::/64', internal: false }],
    ports: [
      { bridge: 'br-6', proto: 'tcp' as const, hostIp: '', hostPort: 8080, containerIp: '172.19.0.2', containerPort: 80 },
      { bridge: 'br-6', proto: 'tcp' as const, hostIp: '::', hostPort: 8080, containerIp: 'fd00:1::2', containerPort: 80 },
    ],
  };
  const v6 = renderRules(state, 6).split('\n');
  for (const l of [
    '-A BERTH-FORWARD -o br-6 -j BERTH',
    '-A BERTH -d fd00:1::2/128 ! -i br-6 -o br-6 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A BERTH ! -i br-6 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80',
    '-A BERTH-POSTROUTING -s fd00:1::/64 ! -o br-6 -j MASQUERADE',
  ]) assert.ok(v6.includes(l), l);
  assert.ok(!v6.some((l) => l.includes('berth0') || l.includes('172.')), 'no IPv4 bridge or address in ip6tables');
  const v4 = renderRules(state, 4);
  assert.doesNotMatch(v4, /fd00/);
  assert.match(v4, /--to-destination 172\.19\.0\.2:80$/m);
  assert.equal(state.ports.length, 2, 'the state is left as it was');
  assert.deepEqual(jumps(6).find((j) => j.chain === 'OUTPUT')!.rule.slice(0, 3), ['!', '-d', '::1/128']);
});

test('jump rules only target Berth chains', () => {
  for (const j of JUMPS) assert.match(j.rule.join(' '), /-j BERTH(-[A-Z]+)?$/);
  assert.deepEqual(new Set(JUMPS.map((j) => j.chain)), new Set(['FORWARD', 'PREROUTING', 'OUTPUT', 'POSTROUTING']));
});
