/**
 * Routes as data: a router lists (method, path, handler) and the server mounts them.
 * Handlers parse, call a backend, and return through the `Reply` helpers; they never
 * catch errors (the server maps them in one place).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { API_VERSION_GATES, below, type GateName } from './versions.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The API version the client asked for (path prefix) or the server's own. */
  version: string;
  /** Aborted when the client goes away before the response is complete: stop the work it asked for. */
  signal: AbortSignal;
}

export interface HijackContext extends Omit<RequestContext, 'res'> {
  /** Write the `101 UPGRADED` response (or a plain 200 when the client did not ask to upgrade) and take the socket. */
  upgrade(contentType: string): Duplex;
  /** Whether the client sent `Upgrade: tcp`. */
  upgraded: boolean;
  socket: Duplex;
  head: Buffer;
  /**
   * The request body a client sent with Content-Length before the stream (dockerode sends its
   * options as JSON there): read and taken off the stream, so it never reaches stdin. Empty for
   * a chunked non-upgraded request, whose body is the stdin stream itself.
   */
  body(): Promise<Buffer>;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;
export type HijackHandler = (ctx: HijackContext) => Promise<void> | void;

export interface Route {
  method: Method;
  path: string;
  handler: Handler;
  /** Served on the hijack path when the request carries `Upgrade:` (attach, exec start). */
  hijack?: HijackHandler;
}

export const get = (path: string, handler: Handler): Route => ({ method: 'GET', path, handler });
export const head = (path: string, handler: Handler): Route => ({ method: 'HEAD', path, handler });
export const post = (path: string, handler: Handler, hijack?: HijackHandler): Route => ({ method: 'POST', path, handler, hijack });
export const put = (path: string, handler: Handler): Route => ({ method: 'PUT', path, handler });
export const del = (path: string, handler: Handler): Route => ({ method: 'DELETE', path, handler });

/**
 * moby's router.WithMinimumAPIVersion: below the gate's version the route answers 400
 * `<METHOD> <template> requires minimum API version <v>`, naming the path as moby's route
 * template spells it (`/volumes/{name:.*}`).
 */
export function minApiVersion(gate: GateName, template: string, route: Route): Route {
  const check = (version: string) => {
    if (below(version, gate)) throw new InvalidArgument(`${route.method} ${template} requires minimum API version ${API_VERSION_GATES[gate].since}`);
  };
  return {
    ...route,
    handler: (ctx) => { check(ctx.version); return route.handler(ctx); },
    ...(route.hijack ? { hijack: (ctx: HijackContext) => { check(ctx.version); return route.hijack!(ctx); } } : {}),
  };
}
