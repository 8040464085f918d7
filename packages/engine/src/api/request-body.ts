/**
 * JSON request bodies read as dockerd reads them (httputils.ReadJSON, runconfig's create
 * decoder): a JSON Content-Type when there is a body, Go's decoding into the API's structs
 * (@berth/shared/api/request-bodies), and dockerd's 400 texts for every way it can go wrong.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidArgument } from '@berth/shared';
import { decodeRequestBody, GoJsonError, unmarshalGoJson, type RequestBody } from '@berth/shared/api/request-bodies';
import type { RequestBodies } from '@berth/shared/api/types';
import { readBody } from './http-util.js';

/** Whether the request says it carries no body (Go's ContentLength == 0). */
function declaredEmpty(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding']) return false;
  return Number(req.headers['content-length'] ?? 0) === 0;
}

/** httputils.CheckForJSON: no Content-Type is fine only without a body. */
export function checkForJson(req: IncomingMessage): void {
  const ct = req.headers['content-type'] ?? '';
  if (ct === '' && declaredEmpty(req)) return;
  const media = ct.split(';')[0]!.trim().toLowerCase();
  if (media === '') throw new InvalidArgument(`malformed Content-Type header (${ct}): mime: no media type`);
  if (media !== 'application/json') throw new InvalidArgument(`unsupported Content-Type header (${ct}): must be 'application/json'`);
}

/**
 * Decode a body already read. `empty` says what an empty body is: `zero` (ReadJSON with a
 * Content-Length of 0, and commit), or `error` (create, and ReadJSON on a chunked empty body).
 */
export function decodeJsonBody<T>(name: RequestBody, bytes: Uint8Array, empty: 'zero' | 'error'): T {
  let decoded;
  try {
    decoded = decodeRequestBody<T>(name, bytes);
  } catch (e) {
    if (!(e instanceof GoJsonError)) throw e;
    if (e.kind === 'eof') {
      if (empty === 'zero') return {} as T;
      throw new InvalidArgument('invalid JSON: got EOF while reading request body', { cause: e });
    }
    if (e.kind === 'trailing') throw new InvalidArgument(e.message, { cause: e });
    throw new InvalidArgument(`invalid JSON: ${e.message}`, { cause: e });
  }
  // runconfig.decodeCreateRequest: a body that sets no field of the container Config (`null`, `{}`).
  if (name === 'ContainerCreate' && !decoded.embedded.has('Config')) {
    throw new InvalidArgument('config cannot be empty in order to create a container');
  }
  return decoded.value;
}

/**
 * Read and decode the JSON body of `req` as the API type `name` (a swagger operationId): the
 * swagger's type for it, or the caller's own `T` where the service takes a narrower one.
 */
export async function readJsonBody<N extends RequestBody>(req: IncomingMessage, name: N): Promise<RequestBodies[N]>;
export async function readJsonBody<T>(req: IncomingMessage, name: RequestBody): Promise<T>;
export async function readJsonBody<T>(req: IncomingMessage, name: RequestBody): Promise<T> {
  checkForJson(req);
  // Create decodes whatever comes; ReadJSON skips a body declared empty; commit ignores EOF.
  if (name !== 'ContainerCreate' && declaredEmpty(req)) {
    req.resume();
    return {} as T;
  }
  return decodeJsonBody<T>(name, await readBody(req), name === 'ImageCommit' ? 'zero' : 'error');
}

/** A JSON query parameter decoded with json.Unmarshal into a Go type; errors as `<what>: <Go's error>`. */
export function jsonQueryParam<T>(q: URLSearchParams, param: string, goType: string, what: string): T | undefined {
  const v = q.get(param);
  if (!v) return undefined;
  try {
    return unmarshalGoJson<T>(v, goType);
  } catch (e) {
    if (e instanceof GoJsonError) throw new InvalidArgument(`${what}: ${e.message}`, { cause: e });
    throw e;
  }
}
