/**
 * The Engine API HTTP server: versioned paths (/v1.51/…) and bare ones, Docker's response
 * headers, errors as {"message": …} with the taxonomy's status, and the hijack path
 * (`Upgrade: tcp` → `101 UPGRADED` → raw duplex) for attach and exec.
 *
 * Every request's streams (request, response, hijacked socket) get an error handler here, and
 * each request an AbortSignal that fires when its client goes away, so a client that hangs up
 * at any byte fails only its own request. Errors map to a status in one place (sendError);
 * once the headers are out, the connection is just closed.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import FindMyWay from 'find-my-way';
import { API_VERSION, MIN_API_VERSION, compareVersions, errorToStatus, errorMessage, InvalidArgument, NotFound } from '@berth/shared';
import type { Route, RequestContext, HijackContext } from './router.js';
import { log } from '../log.js';
import { readBody } from './http-util.js';

export interface ApiServerOptions {
  routes: Route[];
  serverVersion: string;
}

type Entry = { route: Route };

const versionPrefix = /^\/v([0-9][0-9.]*)(\/.*)$/;

export function baseHeaders(serverVersion: string): Record<string, string> {
  return {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Berth/${serverVersion} (linux)`,
  };
}

/** Go's http.DefaultMaxHeaderBytes, plus the 4096 bytes of slack net/http reads beyond it. */
export const MAX_HEADER_BYTES = (1 << 20) + 4096;

/** How net/http answers a request it cannot parse, then closes: status line, plain-text body. */
function goErrorResponse(proto: string, status: string, body = status): string {
  return `${proto} ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * A request that does not parse (headers over the limit, malformed lines): answered as Go's
 * server answers it, then the write side is closed and what the client still sends is read and
 * dropped for a moment, so that it can read the answer instead of meeting a reset (Go's
 * closeWriteAndWait).
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const s = socket as Socket;
  if (s.destroyed || (s as { berthClientError?: boolean }).berthClientError) return;
  (s as { berthClientError?: boolean }).berthClientError = true;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !s.writable) { s.destroy(); return; }
  let response: string;
  if (err.code === 'HPE_HEADER_OVERFLOW') response = goErrorResponse('HTTP/1.0', '431 Request Header Fields Too Large');
  else if (err.code === 'HPE_INVALID_TRANSFER_ENCODING') response = goErrorResponse('HTTP/1.1', '501 Not Implemented', 'Unsupported transfer encoding');
  else response = goErrorResponse('HTTP/1.1', '400 Bad Request');
  s.on('data', () => {}); // drain
  s.on('error', () => {});
  s.end(response);
  const timer = setTimeout(() => s.destroy(), 500);
  s.once('close', () => clearTimeout(timer));
}

export function createApiServer(opts: ApiServerOptions): http.Server {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1000 });
  for (const route of opts.routes) {
    router.on(route.method, route.path, () => {}, { route } satisfies Entry);
  }
  const headers = baseHeaders(opts.serverVersion);

  function resolve(method: string, url: string) {
    const u = new URL(url, 'http://berth');
    let path = u.pathname;
    let version = API_VERSION;
    const m = versionPrefix.exec(path);
    if (m) {
      version = m[1]!;
      path = m[2]!;
      if (compareVersions(version, MIN_API_VERSION) < 0) {
        throw new InvalidArgument(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
      }
      if (compareVersions(version, API_VERSION) > 0) {
        throw new InvalidArgument(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
      }
    }
    const found = router.find(method as 'GET', path);
    const entry = found?.store as Entry | undefined;
    return { entry, params: (found?.params ?? {}) as Record<string, string>, query: u.searchParams, version };
  }

  function sendError(res: ServerResponse, err: unknown, signal: AbortSignal): void {
    const status = errorToStatus(err);
    if (signal.aborted) log.debug('client went away', { error: errorMessage(err) });
    else if (status >= 500) log.error('handler error', { error: errorMessage(err) });
    else log.debug('request error', { status, error: errorMessage(err) });
    if (res.headersSent || res.destroyed) { res.destroy(); return; }
    if (status === 304) { res.writeHead(304); res.end(); return; }
    const body = JSON.stringify({ message: errorMessage(err) }) + '\n';
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, async (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    log.debug('request', { method: req.method, url: req.url });
    const gone = new AbortController();
    res.on('close', () => { if (!res.writableFinished) gone.abort(); });
    req.on('error', (e) => log.debug('request stream error', { error: errorMessage(e) }));
    res.on('error', (e) => log.debug('response stream error', { error: errorMessage(e) }));
    const signal = gone.signal;
    try {
      const { entry, params, query, version } = resolve(req.method ?? 'GET', req.url ?? '/');
      if (!entry) {
        const body = '{"message":"page not found"}\n';
        res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
        return;
      }
      if (entry.route.hijack) {
        // Hijack routes without `Upgrade:` (dockerode's non-hijack attach): a chunked 200 response
        // carries the output and the request body carries stdin.
        let duplex: Duplex | undefined;
        await entry.route.hijack({
          req, params, query, version, signal, upgraded: false, socket: req.socket, head: Buffer.alloc(0),
          body: () => (declaredLength(req) > 0 ? readBody(req) : Promise.resolve(Buffer.alloc(0))),
          upgrade(contentType: string) {
            if (duplex) return duplex;
            res.writeHead(200, { 'Content-Type': contentType });
            res.flushHeaders();
            duplex = Duplex.from({ readable: req, writable: res });
            duplex.on('error', (e) => log.debug('attach stream error', { error: errorMessage(e) }));
            return duplex;
          },
        });
        return;
      }
      await entry.route.handler({ req, res, params, query, version, signal });
    } catch (err) {
      sendError(res, err, signal);
    }
  });

  server.on('clientError', onClientError);

  server.on('upgrade', async (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // node:http hands the socket over without its own error handler.
    socket.on('error', (e) => log.debug('hijacked connection error', { error: errorMessage(e) }));
    const gone = new AbortController();
    socket.on('close', () => gone.abort());
    let taken = false;
    const fail = (err: unknown) => {
      const status = errorToStatus(err);
      const body = JSON.stringify({ message: errorMessage(err) }) + '\n';
      const hdrs = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n${hdrs}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const { entry, params, query, version } = resolve(req.method ?? 'GET', req.url ?? '/');
      if (!entry?.route.hijack) {
        fail(new NotFound('page not found'));
        return;
      }
      // Bytes read past the header block and not yet handed out: the body, then the stream.
      let pending = head;
      const ctx: HijackContext = {
        req, params, query, version, signal: gone.signal, upgraded: true, socket, head,
        async body() {
          const len = declaredLength(req);
          if (len > MAX_HIJACK_BODY) throw new InvalidArgument('request body too large');
          while (pending.length < len) pending = Buffer.concat([pending, await nextChunk(socket)]);
          const body = pending.subarray(0, len);
          pending = pending.subarray(len);
          return body;
        },
        upgrade(contentType: string) {
          if (!taken) {
            taken = true;
            const hdrs = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
            socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${hdrs}\r\n`);
            if (pending.length) socket.unshift(pending);
          }
          return socket;
        },
      };
      await entry.route.hijack(ctx);
    } catch (err) {
      // After `101 UPGRADED` the connection is a raw stream: no HTTP answer fits any more.
      if (!taken && socket.writable) fail(err);
      else {
        if (gone.signal.aborted) log.debug('client went away', { error: errorMessage(err) });
        else log.warn('hijacked request failed', { error: errorMessage(err) });
        socket.destroy();
      }
    }
  });

  return server;
}

/** A hijacked request's JSON body is small (exec start options); anything larger is refused. */
const MAX_HIJACK_BODY = 1 << 20;

/** Go's ContentLength: the declared length, 0 for none (or chunked). */
function declaredLength(req: IncomingMessage): number {
  if (req.headers['transfer-encoding']) return 0;
  const n = Number(req.headers['content-length'] ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** The next bytes of a hijacked socket (left paused after), or an error when it ends first. */
function nextChunk(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cleanup = () => { socket.off('data', data); socket.off('error', gone); socket.off('end', gone); socket.off('close', gone); };
    const gone = () => { cleanup(); reject(new InvalidArgument('the connection closed before the request body')); };
    const data = (c: Buffer) => { cleanup(); socket.pause(); resolve(c); };
    socket.on('data', data);
    socket.once('error', gone);
    socket.once('end', gone);
    socket.once('close', gone);
    if (socket.destroyed) gone();
  });
}
