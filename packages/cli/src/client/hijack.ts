/**
 * The hijack request (attach, exec start) on a raw socket, as the docker CLI does it:
 * HTTP/1.1 POST with `Connection: Upgrade` / `Upgrade: tcp`, then the connection is a raw
 * duplex once the daemon answers 101 (or 200 for servers that do not upgrade).
 */
import net from 'node:net';
import type tls from 'node:tls';
import { apiError } from './errors.js';

export interface HijackTarget {
  socketPath?: string; host?: string; port?: number;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized: boolean };
}

function connect(target: HijackTarget, tlsMod?: typeof tls): { socket: net.Socket; event: 'connect' | 'secureConnect' } {
  if (target.socketPath) return { socket: net.connect(target.socketPath), event: 'connect' };
  const port = target.port ?? 2375;
  const host = target.host ?? 'localhost';
  if (target.tls && tlsMod) return { socket: tlsMod.connect({ port, host, ...(net.isIP(host) ? {} : { servername: host }), ...target.tls }), event: 'secureConnect' };
  return { socket: net.connect(port, host), event: 'connect' };
}

export interface HijackResult {
  socket: net.Socket;
  headers: Record<string, string>;
  statusCode: number;
}

export async function hijack(target: HijackTarget, method: string, path: string, headers: Record<string, string>, body?: string): Promise<HijackResult> {
  // node:tls only when the daemon is reached over TLS: it is not free to load.
  const tlsMod = target.tls ? (await import('node:tls')).default : undefined;
  return new Promise((resolve, reject) => {
    const { socket, event } = connect(target, tlsMod);
    let buf = Buffer.alloc(0);
    const onError = (e: Error) => reject(e);
    socket.once('error', onError);
    socket.once(event, () => {
      const all: Record<string, string> = { Host: 'api.moby.localhost', Connection: 'Upgrade', Upgrade: 'tcp', ...headers };
      if (body !== undefined) all['Content-Length'] = String(Buffer.byteLength(body));
      const head = `${method} ${path} HTTP/1.1\r\n` + Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
      socket.write(head + (body ?? ''));
    });
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const statusCode = Number(lines[0]!.split(' ')[1]);
      const hdrs: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = buf.subarray(end + 4);
      if (statusCode === 101 || statusCode === 200) {
        socket.off('error', onError);
        if (rest.length) socket.unshift(rest);
        // Paused explicitly above, a socket would not flow on a later on('data'); resume for the
        // first consumer so it behaves like a fresh stream (pipe() resumes by itself).
        socket.on('newListener', function resumeOnData(ev: string) {
          if (ev !== 'data' && ev !== 'readable') return;
          socket.off('newListener', resumeOnData);
          process.nextTick(() => socket.resume());
        });
        resolve({ socket, headers: hdrs, statusCode });
        return;
      }
      // An error answer: read its body (Content-Length or until close) and reject with it.
      const len = Number(hdrs['content-length'] ?? NaN);
      let bodyBuf = rest;
      const finish = () => { socket.destroy(); reject(apiError(statusCode, bodyBuf.toString('utf8'))); };
      if (!Number.isNaN(len) && bodyBuf.length >= len) { finish(); return; }
      socket.on('data', (c: Buffer) => {
        bodyBuf = Buffer.concat([bodyBuf, c]);
        if (!Number.isNaN(len) && bodyBuf.length >= len) finish();
      });
      socket.once('end', finish);
      socket.resume();
    };
    socket.on('data', onData);
  });
}
