/**
 * GET a URL the daemon reads on a client's behalf (`import <URL>`, a build's remote context), as
 * moby's remotecontext.GetWithStatusError does: redirects followed, a 4xx/5xx answer is an error
 * of the matching kind with the server's text. The body is a Node stream that errors (naming
 * the URL) when the server closes before the length it announced or a chunked body ends early;
 * the request is aborted with `signal` (the client that asked went away) or when the consumer
 * destroys the body.
 */
import { STATUS_CODES } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { Agent, interceptors, request } from 'undici';
import { Forbidden, InvalidArgument, NotFound, SystemError, Unauthorized, type BerthError } from '@berth/shared';

const agent = new Agent({ connect: { timeout: 15000 }, headersTimeout: 60000, bodyTimeout: 120000 })
  .compose(interceptors.redirect({ maxRedirections: 10 }));

export interface Download {
  body: Readable;
  /** The Content-Type header ('' when absent). */
  contentType: string;
}

function cause(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string } };
  return err.cause?.message || err.message || String(e);
}

const byStatus: Record<number, new (m: string) => BerthError> = { 400: InvalidArgument, 401: Unauthorized, 403: Forbidden, 404: NotFound };

export async function download(url: string, signal?: AbortSignal): Promise<Download> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, { method: 'GET', dispatcher: agent, signal });
  } catch (e) {
    throw new SystemError(`Get "${url}": ${cause(e)}`, { cause: e });
  }
  if (res.statusCode >= 400) {
    const text = await res.body.text().catch(() => '');
    const Cls = byStatus[res.statusCode] ?? SystemError;
    throw new Cls(`failed to GET ${url} with status ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}: ${text.trim()}`);
  }
  // A body cut short says which download it was.
  const src = res.body;
  const body = new PassThrough();
  src.on('error', (e) => body.destroy(new SystemError(`Get "${url}": ${cause(e)}`, { cause: e })));
  body.on('error', () => { /* the consumer's pipeline sees it */ });
  body.on('close', () => { if (!src.readableEnded) src.destroy(); });
  src.pipe(body);
  return { body, contentType: String(res.headers['content-type'] ?? '') };
}
