import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { bindHostPort, joinHostPort } from './host-ports.js';

const closeAll = (fds: number[]) => { for (const fd of fds) fs.closeSync(fd); };

test('bindHostPort tcp: a listening socket on the port the kernel chose; a second bind of it fails with EADDRINUSE', async () => {
  const b = bindHostPort('tcp', '127.0.0.1', 0);
  try {
    assert.ok(b.port > 0 && b.fd > 2, JSON.stringify(b));
    // it listens already: a connect completes (into the backlog) with nobody accepting
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(b.port, '127.0.0.1', () => { s.destroy(); resolve(); });
      s.once('error', reject);
    });
    assert.throws(() => bindHostPort('tcp', '127.0.0.1', b.port), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
    assert.throws(() => bindHostPort('tcp', '0.0.0.0', b.port), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
  } finally {
    closeAll([b.fd]);
  }
  // closed: the port is free again at once
  closeAll([bindHostPort('tcp', '127.0.0.1', b.port).fd]);
});

test('bindHostPort udp: no address reuse, so a port bound twice fails', () => {
  const b = bindHostPort('udp', '127.0.0.1', 0);
  try {
    assert.throws(() => bindHostPort('udp', '127.0.0.1', b.port), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
    closeAll([bindHostPort('tcp', '127.0.0.1', b.port).fd]); // another protocol's port space
  } finally {
    closeAll([b.fd]);
  }
});

test('bindHostPort IPv6 is v6-only: [::1]:P and 127.0.0.1:P are separate bindings', (t) => {
  let v6;
  try { v6 = bindHostPort('tcp', '::1', 0); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' || (e as NodeJS.ErrnoException).code === 'EAFNOSUPPORT') { t.skip('no IPv6 loopback here'); return; }
    throw e;
  }
  try {
    closeAll([bindHostPort('tcp', '127.0.0.1', v6.port).fd]);
  } finally {
    closeAll([v6.fd]);
  }
});

test('bindHostPort refuses what is not an IP address or a port', () => {
  assert.throws(() => bindHostPort('tcp', 'localhost', 0), /not an IP address: localhost/);
  assert.throws(() => bindHostPort('tcp', '127.0.0.1', 65536), /bad proto or port/);
  assert.throws(() => bindHostPort('sctp' as 'tcp', '127.0.0.1', 0), /bad proto or port/);
});

test('joinHostPort: Go\'s spelling', () => {
  assert.equal(joinHostPort('0.0.0.0', 80), '0.0.0.0:80');
  assert.equal(joinHostPort('::1', 8080), '[::1]:8080');
});
