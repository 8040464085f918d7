import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateAddress, allocateSubnet, formatCidr, macFromIp, normalizeConfig, parseCidr, isValidMac } from './ipam.js';

const pools = [{ base: '172.17.0.0/16', size: 16 }, { base: '172.18.0.0/16', size: 16 }, { base: '172.20.0.0/14', size: 16 }, { base: '192.168.0.0/16', size: 20 }];

test('parseCidr clears host bits and rejects garbage', () => {
  assert.equal(formatCidr(parseCidr('172.17.0.1/16')), '172.17.0.0/16');
  assert.equal(formatCidr(parseCidr('10.1.2.3/32')), '10.1.2.3/32');
  for (const bad of ['172.17.0.0', '172.17.0.0/33', '300.1.1.1/8', 'a.b.c.d/8', '1.2.3/8']) {
    assert.throws(() => parseCidr(bad), /invalid CIDR address|invalid IP address/, bad);
  }
});

test('allocateSubnet takes the first free /16 from the pools, skipping used and routed ones', () => {
  assert.equal(formatCidr(allocateSubnet(pools, [])!), '172.17.0.0/16');
  assert.equal(formatCidr(allocateSubnet(pools, [parseCidr('172.17.0.0/16')])!), '172.18.0.0/16');
  // a host route inside 172.18/16 takes that whole /16 out
  assert.equal(formatCidr(allocateSubnet(pools, [parseCidr('172.17.0.0/16'), parseCidr('172.18.5.0/24')])!), '172.20.0.0/16');
  // the default route (prefix 0) does not count
  assert.equal(formatCidr(allocateSubnet(pools, [parseCidr('0.0.0.0/0')])!), '172.17.0.0/16');
  const used = ['172.17.0.0/16', '172.18.0.0/16', '172.20.0.0/14'].map(parseCidr);
  assert.equal(formatCidr(allocateSubnet(pools, used)!), '192.168.0.0/20');
  assert.equal(formatCidr(allocateSubnet(pools, [...used, parseCidr('192.168.0.0/20')])!), '192.168.16.0/20');
  assert.equal(allocateSubnet([{ base: '10.0.0.0/24', size: 24 }], [parseCidr('10.0.0.0/8')]), undefined);
});

test('normalizeConfig fills the gateway and checks ranges', () => {
  assert.deepEqual(normalizeConfig({ Subnet: '10.5.0.0/24' }), { Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' });
  assert.deepEqual(normalizeConfig({ Subnet: '10.5.0.0/24', Gateway: '10.5.0.254', IPRange: '10.5.0.128/25' }),
    { Subnet: '10.5.0.0/24', Gateway: '10.5.0.254', IPRange: '10.5.0.128/25' });
  assert.throws(() => normalizeConfig({ Subnet: '10.5.0.0/24', Gateway: '10.6.0.1' }), /does not belong/);
  assert.throws(() => normalizeConfig({ Subnet: '10.5.0.0/24', IPRange: '10.6.0.0/25' }), /not within subnet/);
});

test('allocateAddress hands out the lowest free address, honours requests and ranges', () => {
  const cfg = { Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' };
  assert.equal(allocateAddress(cfg, new Set()), '172.17.0.2');
  assert.equal(allocateAddress(cfg, new Set(['172.17.0.2'])), '172.17.0.3');
  assert.equal(allocateAddress(cfg, new Set(), '172.17.9.9'), '172.17.9.9');
  assert.throws(() => allocateAddress(cfg, new Set(['172.17.9.9']), '172.17.9.9'), /Address already in use/);
  assert.throws(() => allocateAddress(cfg, new Set(), '10.0.0.2'), /no configured subnet or ip-range contain the IP address 10.0.0.2/);
  assert.equal(allocateAddress({ ...cfg, IPRange: '172.17.5.0/24' }, new Set()), '172.17.5.0');
  const tiny = { Subnet: '10.0.0.0/30', Gateway: '10.0.0.1' };
  assert.equal(allocateAddress(tiny, new Set()), '10.0.0.2');
  assert.throws(() => allocateAddress(tiny, new Set(['10.0.0.2'])), /no available IPv4 addresses/);
});

test('macFromIp derives 02:42 + the address bytes, as Docker does', () => {
  assert.equal(macFromIp('172.17.0.2'), '02:42:ac:11:00:02');
  assert.equal(macFromIp('10.255.1.200'), '02:42:0a:ff:01:c8');
  assert.ok(isValidMac('02:42:ac:11:00:02'));
  assert.ok(!isValidMac('02:42:ac:11:00'));
});
