import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectPorts, portRequests, summaryPorts } from './ports.js';

test('portRequests: bindings, random and ranged host ports, -P over exposed ports', () => {
  assert.deepEqual(portRequests({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, {}, false), [
    { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080, hostPortEnd: 8080 },
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 0, hostPortEnd: 0 },
  ]);
  assert.deepEqual(portRequests({ '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] }, null, false)[0], { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8000, hostPortEnd: 8010 });
  assert.deepEqual(portRequests({ '80/tcp': [] }, { '80/tcp': {}, '443/tcp': {} }, true).map((r) => [r.containerPort, r.hostPort]), [[80, 0], [443, 0]]);
  assert.deepEqual(portRequests({}, { '80/tcp': {} }, false), []);
  assert.throws(() => portRequests({ '80/icmp': [] }, {}, false), /invalid proto: icmp/);
  assert.throws(() => portRequests({ '80/tcp': [{ HostIp: '', HostPort: 'x' }] }, {}, false), /invalid hostPort: x/);
});

test('inspectPorts and summaryPorts: Docker\'s shapes', () => {
  const maps = [{ proto: 'tcp' as const, containerPort: 80, hostIp: '', hostPort: 8080 }];
  assert.deepEqual(inspectPorts({ '80/tcp': {}, '443/tcp': {} }, { '80/tcp': [] }, maps), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null,
  });
  assert.deepEqual(summaryPorts({ '80/tcp': {}, '443/tcp': {} }, maps), [
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' },
  ]);
});
