/** Binds the API server to dockerd-style host addresses: unix://path, tcp://host:port, fd://[n]. */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type http from 'node:http';
import https from 'node:https';
import { InvalidArgument } from '@berth/shared';
import { MAX_HEADER_BYTES } from './server.js';

export type HostAddr = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number } | { kind: 'fd'; fd?: number };

export function parseHost(addr: string): HostAddr {
  const m = /^([a-z]+):\/\/(.*)$/.exec(addr);
  if (!m) {
    if (addr.startsWith('/')) return { kind: 'unix', path: addr };
    throw new InvalidArgument(`invalid bind address format: ${addr}`);
  }
  const [, proto, rest] = m as unknown as [string, string, string];
  switch (proto) {
    case 'unix':
      return { kind: 'unix', path: rest || '/run/berth.sock' };
    case 'tcp': {
      const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(rest);
      if (!hp) throw new InvalidArgument(`invalid bind address format: ${addr}`);
      return { kind: 'tcp', host: (hp[1] || '0.0.0.0').replace(/^\[|\]$/g, ''), port: Number(hp[2] ?? 2375) };
    }
    case 'fd':
      return rest ? { kind: 'fd', fd: Number(rest) } : { kind: 'fd' };
    default:
      throw new InvalidArgument(`invalid bind address format: ${addr}`);
  }
}

/** systemd socket activation: LISTEN_FDS fds starting at 3. */
function activatedFds(): number[] {
  const n = Number(process.env.LISTEN_FDS ?? 0);
  return Array.from({ length: n }, (_, i) => 3 + i);
}

function listenOn(server: http.Server, opts: { path?: string; host?: string; port?: number; fd?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    const done = () => { server.off('error', onError); resolve(); };
    if (opts.fd !== undefined) server.listen({ fd: opts.fd }, done);
    else if (opts.path) server.listen(opts.path, done);
    else server.listen(opts.port, opts.host, done);
  });
}

/**
 * Listen on one address. Each address needs its own http.Server sharing the request handlers,
 * so the caller passes a factory.
 */
export async function listen(addr: HostAddr, makeServer: () => http.Server, tls?: TlsListenOptions): Promise<{ server: http.Server; cleanup: () => void }[]> {
  if (addr.kind === 'unix') {
    fs.mkdirSync(path.dirname(addr.path), { recursive: true });
    fs.rmSync(addr.path, { force: true });
    const server = makeServer();
    await listenOn(server, { path: addr.path });
    fs.chmodSync(addr.path, 0o660);
    return [{ server, cleanup: () => fs.rmSync(addr.path, { force: true }) }];
  }
  if (addr.kind === 'tcp') {
    const server = tls ? secure(makeServer(), tls) : makeServer();
    await listenOn(server, { host: addr.host, port: addr.port });
    return [{ server, cleanup: () => {} }];
  }
  const fds = addr.fd !== undefined ? [addr.fd] : activatedFds();
  if (fds.length === 0) throw new InvalidArgument('no sockets found via socket activation: make sure the service was started by systemd');
  const out = [];
  for (const fd of fds) {
    const server = makeServer();
    await listenOn(server, { fd });
    out.push({ server, cleanup: () => {} });
  }
  return out;
}

/** Docker's warnings for a tcp listener without client-certificate authentication. */
export const INSECURE_TCP_WARNINGS = [
  'Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network.',
  'Binding to an IP address, even on localhost, can also give access to scripts run in a browser. Be safe out there!',
];

/** Whether a -H tcp host names a loopback address ("localhost", 127.0.0.0/8, ::1; names are resolved). */
export async function isLoopbackHost(host: string, lookup = (h: string) => dns.lookup(h)): Promise<boolean> {
  if (host === 'localhost') return true;
  let ip = host;
  if (!net.isIP(ip)) {
    if (ip === '') return false;
    try { ip = (await lookup(host)).address; } catch { return false; }
  }
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  const v6 = ip.toLowerCase();
  return v6 === '::1' || v6 === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(v6);
}

/**
 * dockerd's rule for tcp without --tlsverify, made the hard failure dockerd announces: refused
 * on a non-loopback address unless TLS was turned off on purpose (`--tls=false` or
 * `--tlsverify=false`); allowed on loopback. Returns Docker's warnings to log when allowed.
 */
export async function checkTcpAuth(addr: HostAddr, cfg: { tls?: boolean; tlsverify?: boolean }, hostArg: string): Promise<string[]> {
  if (addr.kind !== 'tcp') return [];
  if (cfg.tlsverify) return []; // https with client certificates
  const explicitlyOff = cfg.tls === false || cfg.tlsverify === false;
  if (!explicitlyOff && !(await isLoopbackHost(addr.host))) {
    throw new InvalidArgument(`refusing to listen on ${hostArg} without --tlsverify: ${INSECURE_TCP_WARNINGS[0]} ` +
      'Please consider generating tls certificates with client validation to prevent exposing unauthenticated root access to your network. ' +
      "You can override this by explicitly specifying '--tls=false' or '--tlsverify=false'");
  }
  return INSECURE_TCP_WARNINGS;
}

/** PEM material for https on tcp hosts (dockerd's --tls/--tlsverify). */
export interface TlsListenOptions { ca?: Buffer; cert: Buffer; key: Buffer; verify: boolean }

/** Reads the daemon's --tlscert/--tlskey/--tlscacert; undefined when TLS is off. */
export function tlsOptions(cfg: { tls?: boolean; tlsverify?: boolean; tlscacert?: string; tlscert?: string; tlskey?: string }): TlsListenOptions | undefined {
  if (!cfg.tls && !cfg.tlsverify) return undefined;
  const read = (file: string | undefined, what: string) => {
    if (!file) throw new InvalidArgument(`could not load TLS ${what}: --tls${what === 'certificate' ? 'cert' : 'key'} is required with --tls`);
    try { return fs.readFileSync(file); } catch (e) { throw new InvalidArgument(`could not load X509 key pair: open ${file}: ${(e as Error).message}`); }
  };
  const cert = read(cfg.tlscert, 'certificate');
  const key = read(cfg.tlskey, 'key');
  let ca: Buffer | undefined;
  if (cfg.tlsverify) {
    if (!cfg.tlscacert) throw new InvalidArgument('could not read CA certificate: --tlscacert is required with --tlsverify');
    try { ca = fs.readFileSync(cfg.tlscacert); } catch (e) { throw new InvalidArgument(`could not read CA certificate "${cfg.tlscacert}": ${(e as Error).message}`); }
  }
  return { ca, cert, key, verify: !!cfg.tlsverify };
}

/** An https server that serves with the plain server's request and upgrade handlers. */
function secure(plain: http.Server, tls: TlsListenOptions): http.Server {
  const server = https.createServer({
    cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.verify, rejectUnauthorized: tls.verify, minVersion: 'TLSv1.2',
    maxHeaderSize: MAX_HEADER_BYTES,
  });
  for (const ev of ['request', 'upgrade', 'clientError'] as const) {
    for (const l of plain.listeners(ev)) server.on(ev, l as (...args: unknown[]) => void);
  }
  return server as unknown as http.Server;
}
