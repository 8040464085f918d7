/**
 * /containers/* and /commit: routes as data, each handler parses, calls the container code,
 * writes. The work is in containers/ (service, commit, archive, top, stats, freezer, update).
 */
import type { Duplex } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { del, get, head, post, put, type HijackContext, type Route } from '../router.js';
import { boolParam, filtersParam, intParam, sendJson, sendStatus } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { ContainerConfig } from '@berth/shared/api/types';
import type { ContainerService } from '../../containers/service.js';
import type { CreateBody } from '../../containers/create-config.js';
import type { ImageService } from '../../images/service.js';
import { requestBody } from '../body-stream.js';
import { commitContainer, containerChanges } from '../../containers/commit.js';
import { encodeStat, exportContainer, getContainerArchive, putContainerArchive, statContainerPath } from '../../containers/archive.js';
import { topContainer } from '../../containers/top.js';
import { streamStats } from '../../containers/stats.js';
import { pauseContainer, unpauseContainer } from '../../containers/freezer.js';
import { renameContainer, updateContainer, type UpdateBody } from '../../containers/update.js';
import { inspectView } from '../../containers/view.js';
import { listContainers, pruneContainers } from '../../containers/list.js';
import { assertReadable } from '../../containers/logging.js';

export interface ContainersBackend { containers: ContainerService; images: ImageService }

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function tailParam(q: URLSearchParams): number | 'all' {
  const t = q.get('tail');
  if (t === null || t === '' || t === 'all') return 'all';
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 ? n : 'all';
}

export function containersRouter({ containers: svc, images }: ContainersBackend): Route[] {
  return [
    post('/containers/create', async ({ req, res, query }) => {
      const body = await readJsonBody<CreateBody>(req, 'ContainerCreate');
      sendJson(res, 201, await svc.create(body, query.get('name')));
    }),
    get('/containers/json', async ({ res, query }) => {
      sendJson(res, 200, await listContainers(svc, images, {
        all: boolParam(query, 'all'), limit: intParam(query, 'limit'), size: boolParam(query, 'size'), filters: filtersParam(query),
      }));
    }),
    post('/containers/prune', async ({ res, query }) => sendJson(res, 200, await pruneContainers(svc, filtersParam(query)))),
    get('/containers/:id/json', async ({ res, params, query }) => {
      const c = svc.get(params.id!);
      const size = boolParam(query, 'size');
      let imageSize = 0;
      if (size) { try { imageSize = (await images.get(c.rec.Image)).size; } catch { /* gone */ } }
      sendJson(res, 200, inspectView(svc, c, size, imageSize));
    }),
    post('/containers/:id/start', async ({ res, params }) => { await svc.start(params.id!); sendStatus(res, 204); }),
    post('/containers/:id/stop', async ({ res, params, query }) => {
      await svc.stop(params.id!, intParam(query, 't') ?? intParam(query, 'timeout'), query.get('signal') ?? undefined);
      sendStatus(res, 204);
    }),
    post('/containers/:id/restart', async ({ res, params, query }) => {
      await svc.restart(params.id!, intParam(query, 't') ?? intParam(query, 'timeout'), query.get('signal') ?? undefined);
      sendStatus(res, 204);
    }),
    post('/containers/:id/kill', async ({ res, params, query }) => { await svc.kill(params.id!, query.get('signal') ?? undefined); sendStatus(res, 204); }),
    del('/containers/:id', async ({ res, params, query }) => {
      await svc.remove(params.id!, { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') });
      sendStatus(res, 204);
    }),
    post('/containers/:id/wait', async ({ res, params, query }) => {
      const w = svc.wait(params.id!, query.get('condition') ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
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
    get('/containers/:id/logs', async ({ res, params, query }) => {
      const c = svc.get(params.id!);
      assertReadable(c.hc); // logging driver none/syslog: Docker's 501
      const stdout = boolParam(query, 'stdout');
      const stderr = boolParam(query, 'stderr');
      if (!stdout && !stderr) throw new InvalidArgument('Bad parameters: you must choose at least one stream');
      res.writeHead(200, { 'Content-Type': c.rec.Config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
      res.flushHeaders();
      const closed = new Promise<void>((r) => res.on('close', () => r()));
      await svc.logs(params.id!, {
        follow: boolParam(query, 'follow'), stdout, stderr, since: query.get('since') ?? undefined, until: query.get('until') ?? undefined,
        timestamps: boolParam(query, 'timestamps'), tail: tailParam(query), details: boolParam(query, 'details'),
      }, res, closed);
      res.end();
    }),
    post('/containers/:id/attach', () => { throw new InvalidArgument('attach needs a hijacked connection'); }, async (ctx: HijackContext) => {
      const q = ctx.query;
      await svc.attach(ctx.params.id!, {
        stream: boolParam(q, 'stream'), stdin: boolParam(q, 'stdin'), stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'),
        logs: boolParam(q, 'logs'), detachKeys: q.get('detachKeys') ?? undefined,
      }, (ct: string): Duplex => ctx.upgrade(ct));
    }),
    post('/commit', async ({ req, res, query }) => {
      const body = await readJsonBody<ContainerConfig>(req, 'ImageCommit');
      const r = await commitContainer(svc, images, {
        container: query.get('container') ?? '', repo: query.get('repo') ?? undefined, tag: query.get('tag') ?? undefined,
        comment: query.get('comment') ?? undefined, author: query.get('author') ?? undefined, pause: boolParam(query, 'pause', true),
        changes: query.getAll('changes'),
      }, body);
      sendJson(res, 201, r);
    }),
    get('/containers/:id/changes', async ({ res, params }) => {
      const ch = await containerChanges(svc, params.id!);
      sendJson(res, 200, ch.length ? ch : null);
    }),
    head('/containers/:id/archive', async ({ res, params, query }) => {
      const st = await statContainerPath(svc, params.id!, query.get('path'));
      res.writeHead(200, { [STAT_HEADER]: encodeStat(st), 'Content-Type': 'application/json' });
      res.end();
    }),
    get('/containers/:id/archive', async ({ res, params, query }) => {
      await getContainerArchive(svc, params.id!, query.get('path'), (st) => {
        res.writeHead(200, { [STAT_HEADER]: encodeStat(st), 'Content-Type': 'application/x-tar' });
        return res;
      });
    }),
    put('/containers/:id/archive', async ({ req, res, params, query }) => {
      await putContainerArchive(svc, params.id!, query.get('path'), requestBody(req), {
        noOverwriteDirNonDir: boolParam(query, 'noOverwriteDirNonDir'), copyUIDGID: boolParam(query, 'copyUIDGID'),
      });
      sendStatus(res, 200);
    }),
    get('/containers/:id/export', async ({ res, params }) => {
      await exportContainer(svc, params.id!, () => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        return res;
      });
    }),
    get('/containers/:id/top', async ({ res, params, query }) => sendJson(res, 200, await topContainer(svc, params.id!, query.get('ps_args')))),
    get('/containers/:id/stats', async ({ res, params, query }) => {
      const stream = boolParam(query, 'stream', true);
      svc.get(params.id!);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const closed = new Promise<void>((r) => res.on('close', () => r()));
      await streamStats(svc, params.id!, res, { stream, oneShot: boolParam(query, 'one-shot') }, closed);
      res.end();
    }),
    post('/containers/:id/pause', async ({ res, params }) => { await pauseContainer(svc, params.id!); sendStatus(res, 204); }),
    post('/containers/:id/unpause', async ({ res, params }) => { await unpauseContainer(svc, params.id!); sendStatus(res, 204); }),
    post('/containers/:id/update', async ({ req, res, params }) => {
      sendJson(res, 200, updateContainer(svc, params.id!, await readJsonBody<UpdateBody>(req, 'ContainerUpdate')));
    }),
    post('/containers/:id/rename', ({ res, params, query }) => { renameContainer(svc, params.id!, query.get('name')); sendStatus(res, 204); }),
  ];
}
