import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { download } from './download.js';

// An HTTP/1.0-style server (busybox httpd, many file servers) closes the connection right after
// the body. A consumer slower than the network leaves undici's parser paused by backpressure when
// that FIN arrives; the body must still arrive whole, and nothing may throw from the socket.
for (const framing of ['Content-Length', 'end of connection']) test(`a body the server ends with a close (${framing}) arrives whole when the consumer is slow`, async () => {
  const body = Buffer.alloc(4 << 20, 0x61);
  const length = framing === 'Content-Length' ? `Content-Length: ${body.length}\r\n` : '';
  const server = createServer((sock) => {
    sock.once('data', () => {
      sock.write(`HTTP/1.1 200 OK\r\n${length}Connection: close\r\n\r\n`);
      sock.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const { port } = server.address() as AddressInfo;
    const { body: stream } = await download(`http://127.0.0.1:${port}/x.tar`);
    await sleep(300); // the server has sent everything and closed; we have read nothing
    let got = 0;
    for await (const chunk of stream) {
      got += (chunk as Buffer).length;
      await sleep(1);
    }
    assert.equal(got, body.length);
    assert.deepEqual(uncaught, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    server.close();
  }
});
