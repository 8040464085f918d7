/**
 * Features Berth does not have, answered as a dockerd with them off answers.
 *
 * Swarm: dockerd on a node that never joined a swarm. Each route does what moby's swarm router
 * does before it reaches the cluster (reads the JSON body, parses `version`, the rotate flags,
 * `status`, `insertDefaults`, filters and the logs options, refuses routes below their minimum
 * API version), then gets the cluster's answer for an inactive node: 503 `This node is not a
 * swarm manager. Use "docker swarm init" …` (errNoManager) for everything that needs a manager,
 * 503 `This node is not part of a swarm` for leave (errNoSwarm).
 *
 * `swarm init` and `swarm join` would create or join a swarm on a real dockerd. Berth answers as
 * a dockerd whose configuration is incompatible with swarm mode answers them (cluster.go's
 * newNodeRunner → IsSwarmCompatible): a 500 naming what is incompatible — Docker's own text
 * when live-restore is on, and berthd itself otherwise.
 *
 * Plugins: dockerd with no plugin installed. GET /plugins is `[]`; routes naming a plugin answer
 * 404 `plugin "<name>" not found` after the router's own checks; installing one (pull,
 * privileges, create) answers as moby's plugin backend on a platform without plugins does
 * (500 `plugins are not supported on this platform`).
 *
 * Checkpoints are experimental in dockerd: 501 with its "experimental feature is disabled" text,
 * as a daemon not started in experimental mode answers. BuildKit sessions answer 501: dockerd
 * has them on, Berth only has the classic builder.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidArgument, NotFound, NotImplemented, SystemError, Unavailable } from '@berth/shared';
import { parseNormalizedNamed } from '@berth/shared/reference';
import { del, get, minApiVersion, post, type Handler, type Method, type RequestContext, type Route } from '../router.js';
import { boolParam, filtersParam, sendJson } from '../http-util.js';
import { readUntypedJsonBody } from '../request-body.js';
import { atLeast, below } from '../versions.js';

export const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
export const NOT_IN_SWARM = 'This node is not part of a swarm';
export const LIVE_RESTORE_NO_SWARM = '--live-restore daemon configuration is incompatible with swarm mode';
export const BERTHD_NO_SWARM = 'berthd is incompatible with swarm mode';
export const PLUGINS_UNSUPPORTED = 'plugins are not supported on this platform';

export interface DisabledOptions {
  /** Whether live-restore is on (the text of the swarm init/join refusal). */
  liveRestore(): boolean;
}

const notManager = (): never => { throw new Unavailable(NOT_A_MANAGER); };

/** strconv.ParseBool. */
function goParseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** strconv.ParseUint(v, 10, 64)'s error text, or undefined when it parses. */
function parseUintError(v: string): string | undefined {
  if (!/^[0-9]+$/.test(v)) return `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`;
  if (BigInt(v) > 0xffffffffffffffffn) return `strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range`;
  return undefined;
}

/** A `?flag=` that moby reads with strconv.ParseBool and wraps as `invalid value for <flag>: …`. */
function boolQuery(q: URLSearchParams, name: string, wrapped: boolean): void {
  const v = q.get(name);
  if (!v || goParseBool(v) !== undefined) return;
  throw new InvalidArgument(wrapped ? `invalid value for ${name}: ${v}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax` : `invalid value for ${name}: ${v}`);
}

/** Filters.Validate: every key must be one the list accepts. */
function validateFilters(q: URLSearchParams, accepted: string[]): void {
  for (const k of filtersParam(q).keys()) if (!accepted.includes(k)) throw new InvalidArgument(`invalid filter '${k}'`);
}

/** Go's json decoding of a struct field: exact name first, then a case-insensitive match. */
function field(body: unknown, name: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  if (name in o) return o[name];
  const key = Object.keys(o).reverse().find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

/** `?version=` of an update, parsed before the cluster is asked. */
function versionQuery(q: URLSearchParams, what: string, withCause: boolean): void {
  const raw = q.get('version') ?? '';
  const err = parseUintError(raw);
  if (err) throw new InvalidArgument(withCause ? `invalid ${what} version '${raw}': ${err}` : `invalid ${what} version`);
}

async function body(req: IncomingMessage): Promise<unknown> {
  return readUntypedJsonBody(req);
}

/** swarmLogs: the options are checked before the service or task is looked up. */
function logsQuery(q: URLSearchParams): void {
  if (!boolParam(q, 'stdout') && !boolParam(q, 'stderr')) {
    throw new InvalidArgument("must specify at least one of 'stdout' or 'stderr'");
  }
}

function swarmRoutes(opts: DisabledOptions): Route[] {
  const cannotRun = () => { throw new SystemError(opts.liveRestore() ? LIVE_RESTORE_NO_SWARM : BERTHD_NO_SWARM); };
  const templating = (kind: 'secret' | 'config') => async ({ req, version }: RequestContext) => {
    const spec = await body(req);
    const t = field(spec, 'Templating');
    if (t !== undefined && t !== null && below(version, 'swarmTemplating')) {
      throw new InvalidArgument(`${kind} templating is not supported on the specified API version: ${version}`);
    }
    notManager();
  };
  const secrets = (template: string, route: Route) => minApiVersion('secretsEndpoints', template, route);
  const configs = (template: string, route: Route) => minApiVersion('configsEndpoints', template, route);
  return [
    post('/swarm/init', async ({ req }) => { await body(req); cannotRun(); }),
    post('/swarm/join', async ({ req }) => { await body(req); cannotRun(); }),
    post('/swarm/leave', () => { throw new Unavailable(NOT_IN_SWARM); }),
    get('/swarm', notManager),
    get('/swarm/unlockkey', notManager),
    post('/swarm/update', async ({ req, query }) => {
      await body(req);
      versionQuery(query, 'swarm', true);
      for (const flag of ['rotateWorkerToken', 'rotateManagerToken', 'rotateManagerUnlockKey']) boolQuery(query, flag, false);
      notManager();
    }),
    post('/swarm/unlock', async ({ req }) => { await body(req); notManager(); }),

    get('/services', ({ query, version }) => {
      filtersParam(query);
      if (atLeast(version, 'servicesStatus')) boolQuery(query, 'status', true);
      validateFilters(query, ['name', 'id', 'label', 'mode', 'runtime']);
      notManager();
    }),
    get('/services/:id', ({ query }) => { boolQuery(query, 'insertDefaults', true); notManager(); }),
    post('/services/create', async ({ req }) => { await body(req); notManager(); }),
    post('/services/:id/update', async ({ req, query }) => {
      await body(req);
      versionQuery(query, 'service', true);
      const from = query.get('registryAuthFrom');
      if (from && from !== 'spec' && from !== 'previous-spec') throw new InvalidArgument(`invalid registryAuthFrom '${from}'`);
      notManager();
    }),
    del('/services/:id', notManager),
    get('/services/:id/logs', ({ query }) => { logsQuery(query); notManager(); }),

    get('/nodes', ({ query }) => { validateFilters(query, ['name', 'id', 'label', 'role', 'membership', 'node.label']); notManager(); }),
    get('/nodes/:id', notManager),
    del('/nodes/:id', notManager),
    post('/nodes/:id/update', async ({ req, query }) => { await body(req); versionQuery(query, 'node', true); notManager(); }),

    get('/tasks', ({ query }) => { filtersParam(query); notManager(); }),
    get('/tasks/:id', notManager),
    get('/tasks/:id/logs', ({ query }) => { logsQuery(query); notManager(); }),

    secrets('/secrets', get('/secrets', ({ query }) => { validateFilters(query, ['names', 'name', 'id', 'label']); notManager(); })),
    secrets('/secrets/create', post('/secrets/create', templating('secret'))),
    secrets('/secrets/{id}', del('/secrets/:id', notManager)),
    secrets('/secrets/{id}', get('/secrets/:id', notManager)),
    secrets('/secrets/{id}/update', post('/secrets/:id/update', async ({ req, query }) => { await body(req); versionQuery(query, 'secret', false); notManager(); })),

    configs('/configs', get('/configs', ({ query }) => { validateFilters(query, ['name', 'id', 'label']); notManager(); })),
    configs('/configs/create', post('/configs/create', templating('config'))),
    configs('/configs/{id}', del('/configs/:id', notManager)),
    configs('/configs/{id}', get('/configs/:id', notManager)),
    configs('/configs/{id}/update', post('/configs/:id/update', async ({ req, query }) => { await body(req); versionQuery(query, 'config', false); notManager(); })),
  ];
}

/** parseRemoteRef: a reference that does not parse is a 400 with the reference parser's text. */
function remoteRef(q: URLSearchParams): void {
  try {
    parseNormalizedNamed(q.get('remote') ?? '');
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
}

/**
 * getName for upgrade: the name in the path, `:latest` added to a bare name; the plugin store
 * then finds no plugin by it.
 */
function upgradeName(name: string): string {
  let ref;
  try { ref = parseNormalizedNamed(name); } catch (e) { throw new SystemError((e as Error).message, { cause: e }); }
  if (ref.digest) throw new SystemError('cannot use digest in plugin tag');
  return ref.tag ? name : `${name}:latest`;
}

const noPlugin = (name: string): never => { throw new NotFound(`plugin ${JSON.stringify(name)} not found`); };
const unsupported = (): never => { throw new SystemError(PLUGINS_UNSUPPORTED); };

/** /plugins/{name:.*}/<action> and DELETE /plugins/{name:.*}: the name may hold slashes. */
function pluginAction(method: 'POST' | 'GET'): Handler {
  return async (ctx) => {
    const rest = ctx.params['*'] ?? '';
    const slash = rest.lastIndexOf('/');
    const name = rest.slice(0, slash);
    const action = rest.slice(slash + 1);
    if (slash <= 0) throw new NotFound('page not found');
    if (method === 'GET') {
      if (action !== 'json') throw new NotFound('page not found');
      return noPlugin(name);
    }
    switch (action) {
      case 'enable': {
        const t = ctx.query.get('timeout') ?? '';
        if (!/^[+-]?[0-9]+$/.test(t)) throw new InvalidArgument(`strconv.Atoi: parsing ${JSON.stringify(t)}: invalid syntax`);
        return noPlugin(name);
      }
      case 'disable':
      case 'push':
        return noPlugin(name);
      case 'set':
        await body(ctx.req);
        return noPlugin(name);
      case 'upgrade':
        return minApiVersion('pluginUpgrade', '/plugins/{name:.*}/upgrade', post('', async ({ req, query }) => {
          await body(req);
          remoteRef(query);
          noPlugin(upgradeName(name));
        })).handler(ctx);
      default:
        throw new NotFound('page not found');
    }
  };
}

function pluginRoutes(): Route[] {
  return [
    // No plugins is an answer, not an error: `docker inspect x` walks every object kind and
    // moves on past a 404.
    get('/plugins', ({ res, query }) => {
      validateFilters(query, ['enabled', 'capability']);
      sendJson(res, 200, []);
    }),
    get('/plugins/privileges', ({ query }) => { remoteRef(query); unsupported(); }),
    post('/plugins/pull', async ({ req, query }) => { await body(req); remoteRef(query); unsupported(); }),
    post('/plugins/create', unsupported),
    get('/plugins/*', pluginAction('GET')),
    post('/plugins/*', pluginAction('POST')),
    del('/plugins/*', ({ params }) => noPlugin(params['*'] ?? '')),
  ];
}

/** router.Experimental on a daemon without experimental features (Berth's /version says so). */
export const EXPERIMENTAL_OFF = 'This experimental feature is disabled by default. Start the Docker daemon in experimental mode in order to enable it.';

const notImplemented: [Method[], string[], string][] = [
  [['GET', 'POST'], ['/session', '/grpc'], 'Berth does not support BuildKit sessions; use the classic builder (DOCKER_BUILDKIT=0)'],
  [['GET', 'POST'], ['/containers/:id/checkpoints'], EXPERIMENTAL_OFF],
  [['DELETE'], ['/containers/:id/checkpoints/:checkpoint'], EXPERIMENTAL_OFF],
];

export function disabledRouter(opts: DisabledOptions): Route[] {
  const routes = [...swarmRoutes(opts), ...pluginRoutes()];
  for (const [methods, paths, msg] of notImplemented) {
    for (const method of methods) {
      for (const path of paths) routes.push({ method, path, handler: () => { throw new NotImplemented(msg); } });
    }
  }
  return routes;
}
