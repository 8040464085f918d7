/**
 * DNS messages (RFC 1035), just what the embedded resolver needs: decode a query's header
 * and questions, encode an answer with A records or an error code. Compression pointers are
 * followed when reading names; answers point back at the question name.
 */
import ipaddr from 'ipaddr.js';

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question { name: string; type: number; class: number }
export interface Message {
  id: number;
  /** QR, opcode, AA, TC, RD, RA, rcode packed as on the wire. */
  flags: number;
  questions: Question[];
  answers: { name: string; type: number; class: number; ttl: number; data: Buffer }[];
}

export class DnsFormatError extends Error {}

function readName(buf: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  for (let hops = 0; ; hops++) {
    if (off >= buf.length || hops > 128) throw new DnsFormatError('truncated name');
    const len = buf[off]!;
    if (len === 0) { off += 1; break; }
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) throw new DnsFormatError('truncated pointer');
      if (next < 0) next = off + 2;
      off = ((len & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    if (len > 63 || off + 1 + len > buf.length) throw new DnsFormatError('bad label');
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
  }
  return { name: labels.join('.'), next: next >= 0 ? next : off };
}

function writeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  const bufs = parts.map((p) => {
    const b = Buffer.from(p, 'latin1');
    if (b.length > 63) throw new DnsFormatError('label too long');
    return Buffer.concat([Buffer.from([b.length]), b]);
  });
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

export function decode(buf: Buffer): Message {
  if (buf.length < 12) throw new DnsFormatError('short message');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let off = 12;
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) {
    const { name, next } = readName(buf, off);
    if (next + 4 > buf.length) throw new DnsFormatError('truncated question');
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    off = next + 4;
  }
  const answers: Message['answers'] = [];
  for (let i = 0; i < an; i++) {
    const { name, next } = readName(buf, off);
    if (next + 10 > buf.length) throw new DnsFormatError('truncated answer');
    const rdlen = buf.readUInt16BE(next + 8);
    if (next + 10 + rdlen > buf.length) throw new DnsFormatError('truncated rdata');
    answers.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2), ttl: buf.readUInt32BE(next + 4), data: buf.subarray(next + 10, next + 10 + rdlen) });
    off = next + 10 + rdlen;
  }
  return { id, flags, questions, answers };
}

/** A query (for tests and the forwarder). */
export function encodeQuery(id: number, name: string, type = TYPE_A, recursion = true): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(recursion ? 0x0100 : 0, 2);
  head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([head, writeName(name), tail]);
}

/**
 * The response to `query`: its first question echoed, A (AAAA for IPv6) records for `addresses` (name
 * compressed to the question), the rcode; authoritative, recursion available.
 */
export function encodeResponse(query: Message, rcode: number, addresses: string[] = [], ttl = 600): Buffer {
  const q = query.questions[0];
  const head = Buffer.alloc(12);
  head.writeUInt16BE(query.id, 0);
  const rd = query.flags & 0x0100;
  head.writeUInt16BE(0x8000 | (query.flags & 0x7800) | 0x0400 | rd | 0x0080 | (rcode & 0xf), 2);
  head.writeUInt16BE(q ? 1 : 0, 4);
  head.writeUInt16BE(q ? addresses.length : 0, 6);
  const parts: Buffer[] = [head];
  if (q) {
    const qtail = Buffer.alloc(4);
    qtail.writeUInt16BE(q.type, 0);
    qtail.writeUInt16BE(q.class, 2);
    parts.push(writeName(q.name), qtail);
    for (const ip of addresses) {
      const data = ip.includes(':') ? Buffer.from(ipaddr.IPv6.parse(ip).toByteArray()) : Buffer.from(ip.split('.').map(Number));
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question name at offset 12
      rr.writeUInt16BE(data.length === 16 ? TYPE_AAAA : TYPE_A, 2);
      rr.writeUInt16BE(CLASS_IN, 4);
      rr.writeUInt32BE(ttl, 6);
      rr.writeUInt16BE(data.length, 10);
      parts.push(rr, data);
    }
  }
  return Buffer.concat(parts);
}

export const rcodeOf = (m: Message) => m.flags & 0xf;
export const aRecords = (m: Message) => m.answers.filter((a) => a.type === TYPE_A && a.data.length === 4).map((a) => [...a.data].join('.'));
export const aaaaRecords = (m: Message) => m.answers.filter((a) => a.type === TYPE_AAAA && a.data.length === 16).map((a) => ipaddr.fromByteArray([...a.data]).toString());
