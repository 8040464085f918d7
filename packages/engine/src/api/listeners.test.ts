import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTcpAuth, INSECURE_TCP_WARNINGS, isLoopbackHost, parseHost } from './listeners.js';

test('loopback hosts: localhost, 127/8, ::1 and names that resolve there', async () => {
  const lookup = async (h: string) => {
    if (h === 'lo.example') return { address: '127.0.1.1', family: 4 };
    if (h === 'pub.example') return { address: '192.0.2.1', family: 4 };
    throw new Error('ENOTFOUND');
  };
  const cases: [string, boolean][] = [
    ['localhost', true], ['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['lo.example', true], ['0.0.0.0', false], ['', false], ['::', false], ['10.1.2.3', false], ['pub.example', false], ['nowhere.example', false],
  ];
  for (const [host, want] of cases) assert.equal(await isLoopbackHost(host, lookup), want, host);
});

test('tcp without --tlsverify: refused off loopback unless TLS is off on purpose; Docker\'s warnings otherwise', async () => {
  const tcp = (h: string) => parseHost(h);
  await assert.rejects(checkTcpAuth(tcp('tcp://0.0.0.0:2375'), {}, 'tcp://0.0.0.0:2375'), (e: Error) =>
    e.message.startsWith('refusing to listen on tcp://0.0.0.0:2375 without --tlsverify: Binding to IP address without --tlsverify is insecure') &&
    e.message.endsWith("You can override this by explicitly specifying '--tls=false' or '--tlsverify=false'"));
  await assert.rejects(checkTcpAuth(tcp('tcp://:2375'), {}, 'tcp://:2375'), /refusing to listen/);
  await assert.rejects(checkTcpAuth(tcp('tcp://10.0.0.1:2375'), { tls: true }, 'tcp://10.0.0.1:2375'), /refusing to listen/); // https, but anyone may connect
  assert.deepEqual(await checkTcpAuth(tcp('tcp://0.0.0.0:2375'), { tls: false }, ''), INSECURE_TCP_WARNINGS);
  assert.deepEqual(await checkTcpAuth(tcp('tcp://10.0.0.1:2375'), { tls: true, tlsverify: false }, ''), INSECURE_TCP_WARNINGS);
  assert.deepEqual(await checkTcpAuth(tcp('tcp://127.0.0.1:2375'), {}, ''), INSECURE_TCP_WARNINGS);
  assert.deepEqual(await checkTcpAuth(tcp('tcp://localhost:2375'), {}, ''), INSECURE_TCP_WARNINGS);
  assert.deepEqual(await checkTcpAuth(tcp('tcp://0.0.0.0:2376'), { tlsverify: true }, ''), []);
  assert.deepEqual(await checkTcpAuth(tcp('unix:///run/x.sock'), {}, ''), []);
  assert.equal(INSECURE_TCP_WARNINGS[0], 'Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network.');
});
