import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPs, displayPorts, type ContainerSummary } from './containers.js';

const now = Date.parse('2024-01-01T00:01:00Z');
const c = (over: Partial<ContainerSummary> = {}): ContainerSummary => ({
  Id: 'f'.repeat(64), Names: ['/web'], Image: 'busybox', ImageID: 'sha256:x', Command: "sh -c 'i=0; while true; do sleep 1; done'",
  Created: Date.parse('2024-01-01T00:00:00Z') / 1000, Ports: [], Labels: { b: '2', a: '1' }, State: 'running', Status: 'Up 58 seconds', ...over,
});

test('ps table: Docker columns, quoted and truncated command', () => {
  assert.equal(renderPs([c()], { now }),
    'CONTAINER ID   IMAGE     COMMAND                  CREATED              STATUS          PORTS     NAMES\n' +
    `ffffffffffff   busybox   "sh -c 'i=0; while t…"   About a minute ago   Up 58 seconds             web\n`);
});

test('ps -q, --no-trunc, --format, -s', () => {
  assert.equal(renderPs([c()], { quiet: true, now }), 'ffffffffffff\n');
  assert.match(renderPs([c()], { noTrunc: true, now }), /"sh -c 'i=0; while true; do sleep 1; done'"/);
  assert.equal(renderPs([c()], { format: '{{.Names}} {{.Labels}} {{.State}}', now }), 'web a=1,b=2 running\n');
  assert.equal(renderPs([c()], { format: 'table {{.ID}}\t{{.Status}}', now }), 'CONTAINER ID   STATUS\nffffffffffff   Up 58 seconds\n');
  assert.match(renderPs([c({ SizeRw: 0, SizeRootFs: 4400000 })], { size: true, now }), /SIZE\n.*0B \(virtual 4\.4MB\)\n$/);
  // dockerd leaves a zero SizeRw out (omitempty): still 0B, with the virtual size
  assert.match(renderPs([c({ SizeRootFs: 4400000 })], { size: true, now }), /SIZE\n.*0B \(virtual 4\.4MB\)\n$/);
  assert.match(renderPs([c({ SizeRw: 2000 })], { size: true, now }), /SIZE\n.* 2kB\n$/);
});

test('ports', () => {
  assert.equal(displayPorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }]), '0.0.0.0:8080->80/tcp, 443/tcp');
  // dockerd's default binding on both families: IPv4 first, as the CLI's comparePorts orders netip addresses
  assert.equal(displayPorts([{ IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]),
    '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp');
});
