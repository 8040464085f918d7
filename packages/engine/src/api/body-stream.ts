/**
 * A request body for the handlers that stream it somewhere (load, import, build, cp into a
 * container). Its consumer may destroy it (a failed ingest, a full disk) without destroying the
 * request: the rest of the body is then read and dropped, so the client, still uploading, reads
 * the error answer instead of a reset connection. A client that hangs up in the middle of its
 * upload errors the stream, or with `endOnHangUp` ends it early (for consumers that read with
 * `pipe()` and would wait forever for an end that never comes: the truncated upload then fails
 * as a short archive).
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { log } from '../log.js';

export function requestBody(req: IncomingMessage, opts: { endOnHangUp?: boolean } = {}): Readable {
  const body = new PassThrough();
  // Consumers see errors through pipeline/finished; this keeps one that arrives before they look from going unhandled.
  body.on('error', (e) => log.debug('request body', { error: e.message }));
  req.on('close', () => {
    if (req.complete || body.destroyed) return;
    if (opts.endOnHangUp) body.end();
    else body.destroy(new Error('the client closed the connection in the middle of the request body'));
  });
  body.on('close', () => {
    req.unpipe(body);
    if (!req.complete) req.resume(); // drop the rest
  });
  req.pipe(body);
  return body;
}
