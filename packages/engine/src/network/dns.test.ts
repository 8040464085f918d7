import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aRecords, aaaaRecords, decode, encodeQuery, encodeResponse, rcodeOf, RCODE, TYPE_A, TYPE_AAAA, DnsFormatError } from './dns.js';

test('a query round-trips through decode', () => {
  const q = decode(encodeQuery(0x1234, 'web.example', TYPE_A));
  assert.equal(q.id, 0x1234);
  assert.equal(q.flags & 0x0100, 0x0100);
  assert.deepEqual(q.questions, [{ name: 'web.example', type: TYPE_A, class: 1 }]);
});

test('an answer carries A records pointing at the question name', () => {
  const q = decode(encodeQuery(7, 'web', TYPE_A));
  const r = decode(encodeResponse(q, RCODE.NOERROR, ['172.18.0.2', '172.18.0.3']));
  assert.equal(r.id, 7);
  assert.equal(r.flags & 0x8000, 0x8000, 'QR set');
  assert.equal(r.flags & 0x0100, 0x0100, 'RD echoed');
  assert.equal(rcodeOf(r), RCODE.NOERROR);
  assert.deepEqual(r.questions, [{ name: 'web', type: TYPE_A, class: 1 }]);
  assert.deepEqual(aRecords(r), ['172.18.0.2', '172.18.0.3']);
  assert.equal(r.answers[0]!.name, 'web');
  assert.equal(r.answers[0]!.ttl, 600);
});

test('IPv6 addresses become AAAA records', () => {
  const q = decode(encodeQuery(9, 'web', TYPE_AAAA));
  const r = decode(encodeResponse(q, RCODE.NOERROR, ['fd00:1::2']));
  assert.deepEqual(aaaaRecords(r), ['fd00:1::2']);
  assert.deepEqual(aRecords(r), []);
  assert.equal(r.answers[0]!.type, TYPE_AAAA);
});

test('NXDOMAIN and empty answers', () => {
  const q = decode(encodeQuery(9, 'nope', TYPE_AAAA));
  const r = decode(encodeResponse(q, RCODE.NXDOMAIN));
  assert.equal(rcodeOf(r), RCODE.NXDOMAIN);
  assert.deepEqual(r.answers, []);
  assert.equal(r.questions[0]!.type, TYPE_AAAA);
});

test('malformed messages are refused, pointer loops do not hang', () => {
  assert.throws(() => decode(Buffer.alloc(5)), DnsFormatError);
  const loop = Buffer.concat([encodeQuery(1, 'a').subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  assert.throws(() => decode(loop), DnsFormatError);
  const long = Buffer.concat([encodeQuery(1, 'a').subarray(0, 12), Buffer.from([70, 1, 2])]);
  assert.throws(() => decode(long), DnsFormatError);
});
