import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNetworkPrune, renderNetworks, renderPortList, renderPortLookup } from './networks.js';

const nets = [
  { Id: 'b'.repeat(64), Name: 'none', Driver: 'null', Scope: 'local', Created: '2024-05-01T10:00:00.5Z' },
  { Id: 'a'.repeat(64), Name: 'bridge', Driver: 'bridge', Scope: 'local', Created: '2024-05-01T10:00:00Z', Labels: { x: '1' } },
];

test('network ls: Docker\'s columns, sorted by name, -q, --no-trunc, --format', () => {
  assert.equal(renderNetworks(nets), [
    'NETWORK ID     NAME      DRIVER    SCOPE',
    `${'a'.repeat(12)}   bridge    bridge    local`,
    `${'b'.repeat(12)}   none      null      local`, '',
  ].join('\n'));
  assert.equal(renderNetworks(nets, { quiet: true }), `${'a'.repeat(12)}\n${'b'.repeat(12)}\n`);
  assert.equal(renderNetworks(nets, { quiet: true, noTrunc: true }), `${'a'.repeat(64)}\n${'b'.repeat(64)}\n`);
  assert.equal(renderNetworks(nets, { format: '{{.Name}} {{.Labels}} {{.CreatedAt}}' }),
    'bridge x=1 2024-05-01 10:00:00 +0000 UTC\nnone  2024-05-01 10:00:00.5 +0000 UTC\n');
});

test('prune report and port lines', () => {
  assert.equal(renderNetworkPrune({ NetworksDeleted: ['a', 'b'] }), 'Deleted Networks:\na\nb\n\n');
  assert.equal(renderNetworkPrune({ NetworksDeleted: null }), '');
  const ports = { '443/tcp': null, '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '53/udp': [{ HostIp: '::', HostPort: '5353' }] };
  assert.equal(renderPortList(ports), '53/udp -> [::]:5353\n80/tcp -> 0.0.0.0:8080\n');
  assert.equal(renderPortLookup(ports, '80/tcp'), '0.0.0.0:8080\n');
  assert.equal(renderPortLookup(ports, '443/tcp'), undefined);
});
