/**
 * The embedded DNS server of a user-defined network: UDP and TCP on the network's gateway
 * address, port 53. It answers A and AAAA queries for names of containers on the same network (names,
 * short IDs, aliases), NXDOMAIN for other single-label names, and forwards the rest to the
 * container's --dns servers or the host's resolvers, only when a container asks.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encodeResponse, RCODE, TYPE_A, TYPE_AAAA, CLASS_IN, type Message } from './dns.js';

export interface Resolver {
  /** null: the client is not on this network (REFUSED). */
  lookup(clientIp: string, name: string): { addresses: string[]; addresses6?: string[]; upstream: string[] } | null;
}

export class DnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;

  constructor(private readonly ip: string, private readonly resolver: Resolver, private readonly port = 53) {}

  async start(): Promise<void> {
    const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg, rinfo.address, 'udp').then((reply) => { if (reply) udp.send(reply, rinfo.port, rinfo.address); });
    });
    udp.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.port, this.ip, () => { udp.off('error', reject); resolve(); });
    });
    this.udp = udp;
    const tcp = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + msg.length);
          void this.answer(msg, sock.remoteAddress ?? '', 'tcp').then((reply) => {
            if (!reply || sock.destroyed) return;
            const len = Buffer.alloc(2);
            len.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([len, reply]));
          });
        }
      });
      sock.on('error', () => sock.destroy());
      sock.setTimeout(10_000, () => sock.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: this.ip, port: this.port }, () => { tcp.off('error', reject); resolve(); });
    });
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private async answer(raw: Buffer, client: string, via: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let q: Message;
    try { q = decode(raw); } catch { return undefined; }
    if (q.flags & 0x8000) return undefined; // a response: not for us
    const question = q.questions[0];
    if (!question || ((q.flags >> 11) & 0xf) !== 0) return encodeResponse(q, RCODE.NOTIMP);
    const name = question.name.toLowerCase().replace(/\.$/, '');
    const found = this.resolver.lookup(client.replace(/^::ffff:/, ''), name);
    if (!found) return encodeResponse(q, RCODE.REFUSED);
    const v6 = found.addresses6 ?? [];
    if (found.addresses.length || v6.length) {
      if (question.class !== CLASS_IN) return encodeResponse(q, RCODE.NOERROR);
      return encodeResponse(q, RCODE.NOERROR, question.type === TYPE_A ? found.addresses : question.type === TYPE_AAAA ? v6 : []);
    }
    if (!name.includes('.') || found.upstream.length === 0) return encodeResponse(q, RCODE.NXDOMAIN);
    return (await forward(raw, found.upstream, via)) ?? encodeResponse(q, RCODE.SERVFAIL);
  }
}

/** Ask the upstream servers in turn (UDP, 2 s each); their answer is relayed as it is. */
async function forward(raw: Buffer, servers: string[], _via: 'udp' | 'tcp'): Promise<Buffer | undefined> {
  for (const server of servers.filter(net.isIPv4)) {
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const s = dgram.createSocket('udp4');
      const timer = setTimeout(() => { s.close(); resolve(undefined); }, 2000);
      s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m); });
      s.on('error', () => { clearTimeout(timer); s.close(); resolve(undefined); });
      s.send(raw, 53, server);
    });
    if (reply) return reply;
  }
  return undefined;
}
