/**
 * The rest of /containers/*: commit, changes, archive (cp), export, top, stats, pause/unpause,
 * update, rename. Routes as data; the work is in containers/{commit,archive,top,stats,freezer,update}.ts.
 */
import { get, head, post, put, type Route } from '../router.js';
import { boolParam, sendJson, sendStatus } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import { requestBody } from '../body-stream.js';
import type { ContainerService } from '../../containers/service.js';
import type { ImageService } from '../../images/service.js';
import { commitContainer, containerChanges } from '../../containers/commit.js';
import { encodeStat, exportContainer, getContainerArchive, putContainerArchive, statContainerPath } from '../../containers/archive.js';
import { topContainer } from '../../containers/top.js';
import { streamStats } from '../../containers/stats.js';
import { pauseContainer, unpauseContainer } from '../../containers/freezer.js';
import { renameContainer, updateContainer, type UpdateBody } from '../../containers/update.js';

export interface ContainersExtraBackend { containers: ContainerService; images: ImageService }

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

export function containersExtraRouter({ containers: svc, images }: ContainersExtraBackend): Route[] {
  return [
    post('/commit', async ({ req, res, query }) => {
      const body = await readJsonBody(req, 'ImageCommit');
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
