/**
 * The userland proxy: a published port bound in berthd, forwarding to the container. It holds
 * the host port (so nothing else takes it), and is what answers on 127.0.0.1, which the
 * DNAT rules leave alone. TCP: a pipe per connection. UDP: a socket per client, idle-closed.
 */
import net from 'node:net';
import dgram from 'node:dgram';
import type { Proto } from './ports.js';

export interface Proxy { port: number; close(): Promise<void> }

export function startProxy(proto: Proto, hostIp: string, hostPort: number, target: { ip: string; port: number }): Promise<Proxy> {
  return proto === 'udp' ? udpProxy(hostIp, hostPort, target) : tcpProxy(hostIp, hostPort, target);
}

function tcpProxy(hostIp: string, hostPort: number, target: { ip: string; port: number }): Promise<Proxy> {
  const conns = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    const upstream = net.connect({ host: target.ip, port: target.port });
    conns.add(client).add(upstream);
    const done = () => { client.destroy(); upstream.destroy(); conns.delete(client); conns.delete(upstream); };
    upstream.once('connect', () => { client.pipe(upstream); upstream.pipe(client); client.resume(); });
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: hostIp || '0.0.0.0', port: hostPort, exclusive: true }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((r) => { for (const c of conns) c.destroy(); server.close(() => r()); }),
      });
    });
  });
}

function udpProxy(hostIp: string, hostPort: number, target: { ip: string; port: number }): Promise<Proxy> {
  const sock = dgram.createSocket({ type: 'udp4' });
  const clients = new Map<string, { up: dgram.Socket; timer: NodeJS.Timeout }>();
  const IDLE = 90_000;
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let c = clients.get(key);
    if (!c) {
      const up = dgram.createSocket('udp4');
      up.on('message', (reply) => sock.send(reply, rinfo.port, rinfo.address));
      up.on('error', () => { up.close(); clients.delete(key); });
      c = { up, timer: setTimeout(() => {}, 0) };
      clients.set(key, c);
    }
    clearTimeout(c.timer);
    const cur = c;
    c.timer = setTimeout(() => { cur.up.close(); clients.delete(key); }, IDLE);
    c.timer.unref();
    c.up.send(msg, target.port, target.ip);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: hostIp || '0.0.0.0', port: hostPort, exclusive: true }, () => {
      sock.off('error', reject);
      sock.on('error', () => {});
      resolve({
        port: sock.address().port,
        close: () => new Promise<void>((r) => {
          for (const c of clients.values()) { clearTimeout(c.timer); c.up.close(); }
          clients.clear();
          sock.close(() => r());
        }),
      });
    });
  });
}
