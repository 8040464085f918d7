import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateIpamConfig } from './ipam-config.js';

test("validateIpamConfig: dockerd's texts for addresses outside their subnet or of the other family; all errors at once", () => {
  validateIpamConfig([{ Subnet: '10.1.0.0/24', Gateway: '10.1.0.254', AuxiliaryAddresses: { a: '10.1.0.2' } }], false);
  validateIpamConfig([{ Subnet: 'fd00::/64', AuxiliaryAddresses: { a: '10.9.9.9' } }], false); // IPv6 entries ignored without IPv6
  assert.throws(() => validateIpamConfig([{ Subnet: '10.1.0.0/24', AuxiliaryAddresses: { far: '10.2.0.1' } }], false),
    { message: "invalid network config:\ninvalid auxiliary address far: parent subnet 10.1.0.0/24 doesn't contain this address" });
  assert.throws(() => validateIpamConfig([{ Subnet: 'fd00::/64', Gateway: '10.0.0.1', AuxiliaryAddresses: { x: 'fd01::1' } }], true),
    { message: "invalid network config:\n* invalid gateway 10.0.0.1: parent subnet is an IPv6 block\n* invalid auxiliary address x: parent subnet fd00::/64 doesn't contain this address" });
});

test('validateIpamConfig: host bits in a subnet or ip-range, an ip-range outside or bigger than its subnet', () => {
  assert.throws(() => validateIpamConfig([{ Subnet: '10.1.0.1/24' }], false), { message: 'invalid network config:\ninvalid subnet 10.1.0.1/24: it should be 10.1.0.0/24' });
  assert.throws(() => validateIpamConfig([{ Subnet: '10.1.0.0/24', IPRange: '10.2.0.0/16' }], false),
    { message: "invalid network config:\n* invalid ip-range 10.2.0.0/16: CIDR block is bigger than its parent subnet 10.1.0.0/24\n* invalid ip-range 10.2.0.0/16: parent subnet 10.1.0.0/24 doesn't contain ip-range" });
  assert.throws(() => validateIpamConfig([{ Subnet: 'fd00::/64', IPRange: '10.0.0.0/8' }], true), { message: 'invalid network config:\ninvalid ip-range 10.0.0.0/8: parent subnet is an IPv6 block' });
  validateIpamConfig([{ Subnet: 'fd00::/64', IPRange: 'fd00::100/120' }], true);
  validateIpamConfig([{ Subnet: 'FD00:0001:0::/64' }], true); // spelling is not a host bit
});
