import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateAddress6, allocateUla, firstAddr6, formatCidr6, normalizeIp6, overlaps6, parseCidr6 } from './ipam6.js';

test('parseCidr6 clears host bits, spells addresses as Go does, rejects garbage', () => {
  assert.equal(formatCidr6(parseCidr6('fd00:1::5/64')), 'fd00:1::/64');
  assert.equal(formatCidr6(parseCidr6('FD00:0001:0000:0000::/48')), 'fd00:1::/48');
  assert.equal(normalizeIp6('fd00:0:0:0:0:0:0:1'), 'fd00::1');
  for (const bad of ['fd00::', 'fd00::/129', '10.0.0.0/8', 'fd00::g/64', 'fe80::1%eth0/64']) assert.throws(() => parseCidr6(bad), /invalid CIDR address/, bad);
});

test('allocateAddress6: lowest free after the gateway, reserved and used ones skipped, requested ones checked', () => {
  const cfg = { Subnet: 'fd00:1::/64', Gateway: firstAddr6(parseCidr6('fd00:1::/64')) };
  assert.equal(cfg.Gateway, 'fd00:1::1');
  assert.equal(allocateAddress6(cfg, new Set()), 'fd00:1::2');
  assert.equal(allocateAddress6(cfg, new Set(['fd00:1::2', 'fd00:1::3'])), 'fd00:1::4');
  assert.equal(allocateAddress6(cfg, new Set(), 'fd00:1:0::99'), 'fd00:1::99');
  assert.throws(() => allocateAddress6(cfg, new Set(['fd00:1::99']), 'fd00:1::99'), /Address already in use/);
  assert.throws(() => allocateAddress6(cfg, new Set(), 'fd00:1::1'), /Address already in use/);
  assert.throws(() => allocateAddress6(cfg, new Set(), 'fd00:2::1'), /no configured subnet or ip-range contain the IP address fd00:2::1/);
  assert.equal(allocateAddress6({ ...cfg, IPRange: 'fd00:1::100/120' }, new Set()), 'fd00:1::100');
  assert.throws(() => allocateAddress6({ Subnet: 'fd00:1::/127', Gateway: 'fd00:1::1' }, new Set()), /no available IPv6 addresses/);
});

test('allocateUla: a unique-local /64 overlapping nothing in use', () => {
  const a = allocateUla([]);
  assert.equal(a.prefix, 64);
  assert.match(formatCidr6(a), /^fd[0-9a-f]{2}:/);
  const b = allocateUla([a]);
  assert.ok(!overlaps6(a, b));
});
