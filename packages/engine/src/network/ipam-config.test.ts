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
