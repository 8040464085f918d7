/**
 * /containers/* and /commit: routes as data, each handler parses, calls the backend
 * (ContainerService), writes.
 */
import type { Duplex } from 'node:stream';
import { InvalidArgument, NotFound } from '@berth/shared';
import { del, get, head, minApiVersion, post, put, type HijackContext, type Route } from '../router.js';
import { boolParam, filtersParam, intParam, sendJson, sendStatus, streamContentType } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { ContainerConfig } from '@berth/shared/api/types';
import type { ContainerService } from '../../containers/service.js';
import type { CreateBody } from '../../containers/create-config.js';
import { migrateLegacyMacAddress } from '../../containers/create-compat.js';
import type { UpdateBody } from '../../containers/update.js';
import { requestBody } from '../body-stream.js';
import { encodeStat } from '../../containers/archive.js';
import { atLeast, below } from '../versions.js';
import { adjustCreateForVersion, createWarnings, inspectForVersion, listForVersion } from '../container-version.js';

/** What the container routes call (ContainerService; a fake in the router tests). */
export type ContainersBackend = Pick<ContainerService,
  'create' | 'list' | 'prune' | 'inspect' | 'start' | 'stop' | 'restart' | 'kill' | 'remove' | 'wait' | 'resize' | 'logs'
  | 'attach' | 'commit' | 'changes' | 'statPath' | 'getArchive' | 'putArchive' | 'export' | 'top' | 'stats' | 'pause'
  | 'unpause' | 'update' | 'rename' | 'removeLink'>;

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** `signal` of stop and restart, read from API 1.42 on. */
function signalParam(q: URLSearchParams, version: string): string | undefined {
  return atLeast(version, 'stopSignal') ? q.get('signal') ?? undefined : undefined;
}

function tailParam(q: URLSearchParams): number | 'all' {
  const t = q.get('tail');
  if (t === null || t === '' || t === 'all') return 'all';
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 ? n : 'all';
}

export function containersRouter(svc: ContainersBackend): Route[] {
  return [
    post('/containers/create', async ({ req, res, query, version }) => {
      const body = await readJsonBody<CreateBody>(req, 'ContainerCreate');
      adjustCreateForVersion(body, version);
      // moby's order: the volume-driver warning, then the MAC address migration's
      const warnings = [...createWarnings(body, version), ...migrateLegacyMacAddress(body, version)];
      const created = await svc.create(body, query.get('name'));
      sendJson(res, 201, warnings.length ? { ...created, Warnings: [...(created.Warnings ?? []), ...warnings] } : created);
    }),
    get('/containers/json', async ({ res, query, version }) => {
      sendJson(res, 200, listForVersion(await svc.list({
        all: boolParam(query, 'all'), limit: intParam(query, 'limit'), size: boolParam(query, 'size'), filters: filtersParam(query),
      }), version));
    }),
    minApiVersion('pruneEndpoints', '/containers/prune', post('/containers/prune', async ({ res, query }) => sendJson(res, 200, await svc.prune(filtersParam(query))))),
    get('/containers/:id/json', async ({ res, params, query, version }) => {
      sendJson(res, 200, inspectForVersion(await svc.inspect(params.id!, boolParam(query, 'size')), version));
    }),
    post('/containers/:id/start', async ({ res, params }) => { await svc.start(params.id!); sendStatus(res, 204); }),
    post('/containers/:id/stop', async ({ res, params, query, version }) => {
      await svc.stop(params.id!, intParam(query, 't') ?? intParam(query, 'timeout'), signalParam(query, version));
      sendStatus(res, 204);
    }),
    post('/containers/:id/restart', async ({ res, params, query, version }) => {
      await svc.restart(params.id!, intParam(query, 't') ?? intParam(query, 'timeout'), signalParam(query, version));
      sendStatus(res, 204);
    }),
    post('/containers/:id/kill', async ({ res, params, query }) => { await svc.kill(params.id!, query.get('signal') ?? undefined); sendStatus(res, 204); }),
    del('/containers/:id', async ({ res, params, query }) => {
      if (boolParam(query, 'link')) await svc.removeLink(params.id!);
      else await svc.remove(params.id!, { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') });
      sendStatus(res, 204);
    }),
    // `rm --link parent/alias` (moby routes /containers/{name:.*}: a link's name has a slash)
    del('/containers/:parent/:alias', async ({ res, params, query }) => {
      const name = `${params.parent}/${params.alias}`;
      if (boolParam(query, 'link')) await svc.removeLink(name);
      else throw new NotFound(`No such container: ${name}`);
      sendStatus(res, 204);
    }),
    post('/containers/:id/wait', async ({ res, params, query, version }) => {
      const current = atLeast(version, 'waitCondition');
      const w = svc.wait(params.id!, current ? query.get('condition') ?? '' : '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (current) res.flushHeaders(); // before 1.30 the headers come with the result
      res.on('close', w.cancel);
      const r = await w.result;
      res.end(JSON.stringify(r) + '\n');
    }),
    post('/containers/:id/resize', ({ res, params, query }) => {
      const h = intParam(query, 'h') ?? 0;
      const w = intParam(query, 'w') ?? 0;
      if (h < 0 || w < 0) throw new InvalidArgument('invalid resize dimensions');
      svc.resize(params.id!, h, w);
      sendStatus(res, 200);
    }),
    get('/containers/:id/logs', async ({ res, params, query, version }) => {
      const closed = new Promise<void>((r) => res.on('close', () => r()));
      await svc.logs(params.id!, {
        follow: boolParam(query, 'follow'), stdout: boolParam(query, 'stdout'), stderr: boolParam(query, 'stderr'),
        since: query.get('since') ?? undefined, until: query.get('until') ?? undefined,
        timestamps: boolParam(query, 'timestamps'), tail: tailParam(query), details: boolParam(query, 'details'),
      }, (contentType) => { res.writeHead(200, { 'Content-Type': streamContentType(contentType, version) }); res.flushHeaders(); return res; }, closed);
      res.end();
    }),
    post('/containers/:id/attach', () => { throw new InvalidArgument('attach needs a hijacked connection'); }, async (ctx: HijackContext) => {
      const q = ctx.query;
      await ctx.body(); // attach takes no body: options a client sent there (dockerode) never reach stdin
      await svc.attach(ctx.params.id!, {
        stream: boolParam(q, 'stream'), stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'),
        logs: boolParam(q, 'logs'), detachKeys: q.get('detachKeys') ?? undefined,
      }, (ct: string): Duplex => ctx.upgrade(streamContentType(ct, ctx.version, ctx.upgraded)));
    }),
    post('/commit', async ({ req, res, query }) => {
      const body = await readJsonBody<ContainerConfig>(req, 'ImageCommit');
      const r = await svc.commit({
        container: query.get('container') ?? '', repo: query.get('repo') ?? undefined, tag: query.get('tag') ?? undefined,
        comment: query.get('comment') ?? undefined, author: query.get('author') ?? undefined, pause: boolParam(query, 'pause', true),
        changes: query.getAll('changes'),
      }, body);
      sendJson(res, 201, r);
    }),
    get('/containers/:id/changes', async ({ res, params }) => {
      const ch = await svc.changes(params.id!);
      sendJson(res, 200, ch.length ? ch : null);
    }),
    head('/containers/:id/archive', async ({ res, params, query }) => {
      const st = await svc.statPath(params.id!, query.get('path'));
      res.writeHead(200, { [STAT_HEADER]: encodeStat(st), 'Content-Type': 'application/json' });
      res.end();
    }),
    get('/containers/:id/archive', async ({ res, params, query }) => {
      await svc.getArchive(params.id!, query.get('path'), (st) => {
        res.writeHead(200, { [STAT_HEADER]: encodeStat(st), 'Content-Type': 'application/x-tar' });
        return res;
      });
    }),
    put('/containers/:id/archive', async ({ req, res, params, query }) => {
      await svc.putArchive(params.id!, query.get('path'), requestBody(req), {
        noOverwriteDirNonDir: boolParam(query, 'noOverwriteDirNonDir'), copyUIDGID: boolParam(query, 'copyUIDGID'),
      });
      sendStatus(res, 200);
    }),
    get('/containers/:id/export', async ({ res, params }) => {
      await svc.export(params.id!, () => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        return res;
      });
    }),
    get('/containers/:id/top', async ({ res, params, query }) => sendJson(res, 200, await svc.top(params.id!, query.get('ps_args')))),
    get('/containers/:id/stats', async ({ res, params, query, version }) => {
      const closed = new Promise<void>((r) => res.on('close', () => r()));
      const oneShot = atLeast(version, 'statsOneShot') && boolParam(query, 'one-shot');
      await svc.stats(params.id!, { stream: boolParam(query, 'stream', true), oneShot }, () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        return res;
      }, closed);
      res.end();
    }),
    post('/containers/:id/pause', async ({ res, params }) => { await svc.pause(params.id!); sendStatus(res, 204); }),
    post('/containers/:id/unpause', async ({ res, params }) => { await svc.unpause(params.id!); sendStatus(res, 204); }),
    post('/containers/:id/update', async ({ req, res, params, version }) => {
      const body = await readJsonBody<UpdateBody>(req, 'ContainerUpdate');
      if (below(version, 'updatePidsLimit')) delete body.PidsLimit;
      sendJson(res, 200, svc.update(params.id!, body));
    }),
    post('/containers/:id/rename', ({ res, params, query }) => { svc.rename(params.id!, query.get('name')); sendStatus(res, 204); }),
  ];
}
