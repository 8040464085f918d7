import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandArgs } from '../../cli/args.js';
import { applyNetworkFlags, parseExpose, parsePublish } from './network-flags.js';

const run = (...flags: string[]) => parseCommandArgs('container run', [...flags, 'busybox']);

test('parsePublish: Docker\'s -p forms', () => {
  assert.deepEqual(parsePublish(['8080:80']), { exposed: { '80/tcp': {} }, bindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } });
  assert.deepEqual(parsePublish(['80']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(parsePublish(['127.0.0.1::53/udp']).bindings, { '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.deepEqual(parsePublish(['127.0.0.1:8080:80']).bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.deepEqual(parsePublish(['[::1]:8080:80']).bindings, { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] });
  assert.deepEqual(parsePublish(['7000-7001:8000-8001']).bindings, {
    '8000/tcp': [{ HostIp: '', HostPort: '7000' }], '8001/tcp': [{ HostIp: '', HostPort: '7001' }],
  });
  assert.deepEqual(parsePublish(['7000-7010:80']).bindings, { '80/tcp': [{ HostIp: '', HostPort: '7000-7010' }] });
  assert.deepEqual(parsePublish(['80', '8080:80']).bindings['80/tcp'], [{ HostIp: '', HostPort: '' }, { HostIp: '', HostPort: '8080' }]);
  assert.throws(() => parsePublish(['abc']), /invalid containerPort: abc/);
  assert.throws(() => parsePublish(['x:80']), /invalid hostPort: x/);
  assert.throws(() => parsePublish(['80/icmp']), /invalid proto: icmp/);
  assert.throws(() => parsePublish(['7000-7002:80-81']), /invalid ranges specified for container and host Ports/);
});

test('parseExpose: single ports, protocols, ranges', () => {
  assert.deepEqual(parseExpose(['80', '53/udp', '9000-9001']), { '80/tcp': {}, '53/udp': {}, '9000/tcp': {}, '9001/tcp': {} });
});

test('applyNetworkFlags fills HostConfig, ExposedPorts and EndpointsConfig as the docker CLI does', () => {
  const body: Record<string, any> = { HostConfig: {} };
  applyNetworkFlags(body, run('-p', '8080:80', '-P', '--expose', '443', '--network', 'mynet', '--ip', '10.0.0.5',
    '--network-alias', 'web', '--mac-address', '02:42:0a:00:00:05', '--dns', '9.9.9.9', '--dns-search', 'x.test', '--dns-option', 'ndots:2',
    '--add-host', 'db:10.0.0.9'));
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '443/tcp': {} });
  assert.equal(body.HostConfig.NetworkMode, 'mynet');
  assert.deepEqual(body.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.equal(body.HostConfig.PublishAllPorts, true);
  assert.deepEqual(body.HostConfig.Dns, ['9.9.9.9']);
  assert.deepEqual(body.HostConfig.ExtraHosts, ['db:10.0.0.9']);
  assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { mynet: { IPAMConfig: { IPv4Address: '10.0.0.5', IPv6Address: undefined }, Aliases: ['web'], MacAddress: '02:42:0a:00:00:05' } } });
  const plain: Record<string, any> = {};
  applyNetworkFlags(plain, run());
  assert.equal(plain.HostConfig.NetworkMode, 'default');
  assert.deepEqual(plain.NetworkingConfig, { EndpointsConfig: {} });
  assert.throws(() => applyNetworkFlags({}, run('--add-host', 'nocolon')), /bad format for add-host: "nocolon"/);
});
