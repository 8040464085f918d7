import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { DnsServer } from './dns-server.js';
import { aRecords, decode, encodeQuery, rcodeOf, RCODE, type Message } from './dns.js';

const PORT = 20000 + Math.floor(Math.random() * 20000);
const resolver = {
  lookup(client: string, name: string) {
    if (client !== '127.0.0.1') return null;
    return { addresses: name === 'web' ? ['172.18.0.2'] : [], upstream: [] };
  },
};

function udpAsk(name: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('message', (m) => { s.close(); resolve(decode(m)); });
    s.on('error', reject);
    s.send(encodeQuery(42, name), PORT, '127.0.0.1');
  });
}

function tcpAsk(name: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const q = encodeQuery(43, name);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length);
    const sock = net.connect(PORT, '127.0.0.1', () => sock.write(Buffer.concat([len, q])));
    let buf = Buffer.alloc(0);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { sock.destroy(); resolve(decode(buf.subarray(2))); }
    });
    sock.on('error', reject);
  });
}

test('the embedded DNS server answers over UDP and TCP: A records, NXDOMAIN for unknown single labels', async () => {
  const server = new DnsServer('127.0.0.1', resolver, PORT);
  await server.start();
  try {
    let r = await udpAsk('web');
    assert.equal(r.id, 42);
    assert.equal(rcodeOf(r), RCODE.NOERROR);
    assert.deepEqual(aRecords(r), ['172.18.0.2']);
    r = await udpAsk('WEB.');
    assert.deepEqual(aRecords(r), ['172.18.0.2']);
    r = await udpAsk('nosuch');
    assert.equal(rcodeOf(r), RCODE.NXDOMAIN);
    r = await udpAsk('outside.example');
    assert.equal(rcodeOf(r), RCODE.NXDOMAIN, 'no upstream servers: nothing forwarded');
    r = await tcpAsk('web');
    assert.equal(r.id, 43);
    assert.deepEqual(aRecords(r), ['172.18.0.2']);
  } finally {
    await server.stop();
  }
});
