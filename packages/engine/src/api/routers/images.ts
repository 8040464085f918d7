/**
 * /images: list, inspect, history, tag, delete, prune, import (create?fromSrc), load, save.
 * Image names may contain slashes (`localhost:5000/foo/bar`), so per-image routes are a
 * wildcard whose last segment picks the action. Pull (create?fromImage) and push belong to
 * the distribution side and come in as `extra` handlers.
 */
import type { Readable } from 'node:stream';
import { InvalidArgument, NotFound, errorMessage } from '@berth/shared';
import { get, post, del, type Handler, type RequestContext, type Route } from '../router.js';
import { boolParam, filtersParam, sendJson, sendStatus, startJsonStream } from '../http-util.js';
import type { ImageService } from '../../images/service.js';
import { importImage, checkImportOptions } from '../../images/archive/import.js';
import { loadImages } from '../../images/archive/load.js';
import { resolveForSave, saveImages } from '../../images/archive/save.js';
import { requestBody } from '../body-stream.js';
import { download } from '../../download.js';

export interface ImagesRouterExtras {
  /** POST /images/create?fromImage=… */
  pull: Handler;
  /** POST /images/{name}/push — `params.name` holds the (possibly slashed) name. */
  push: Handler;
}

/** Split `foo/bar/json` into name `foo/bar` and action `json`. */
function splitAction(wild: string): { name: string; action: string } {
  const i = wild.lastIndexOf('/');
  if (i <= 0) return { name: wild, action: '' };
  return { name: decodeURIComponent(wild.slice(0, i)), action: wild.slice(i + 1) };
}

const errorLine = (e: unknown) => ({ errorDetail: { message: errorMessage(e) }, error: errorMessage(e) });

export function imagesRouter(svc: ImageService, extra: ImagesRouterExtras): Route[] {
  const save = async (ctx: RequestContext, names: string[]) => {
    const items = resolveForSave(svc, names);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await saveImages(svc, items, ctx.res);
  };

  const perImage = (method: 'GET' | 'POST'): Handler => async (ctx) => {
    const { name, action } = splitAction(ctx.params['*'] ?? '');
    const withName = { ...ctx, params: { ...ctx.params, name } };
    if (method === 'GET' && action === 'json') return sendJson(ctx.res, 200, await svc.inspect(name, ctx.version));
    if (method === 'GET' && action === 'history') return sendJson(ctx.res, 200, svc.history(name));
    if (method === 'GET' && action === 'get') return save(ctx, [name]);
    if (method === 'POST' && action === 'tag') {
      await svc.tag(name, ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? undefined);
      return sendStatus(ctx.res, 201);
    }
    if (method === 'POST' && action === 'push') {
      return extra.push(withName);
    }
    throw new NotFound('page not found');
  };

  const create: Handler = async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    if (!fromSrc) {
      return extra.pull(ctx);
    }
    const opts = {
      repo: q.get('repo') || undefined, tag: q.get('tag') || undefined, message: q.get('message') || undefined,
      changes: q.getAll('changes'), source: fromSrc,
    };
    checkImportOptions(opts);
    let body: Readable;
    if (fromSrc !== '-') {
      let url: URL;
      try { url = new URL(/^[a-z]+:\/\//i.test(fromSrc) ? fromSrc : `http://${fromSrc}`); } catch { throw new InvalidArgument(`invalid URL: ${fromSrc}`); }
      body = (await download(url.toString(), ctx.signal)).body;
      ctx.req.resume();
    } else {
      body = requestBody(ctx.req);
    }
    const send = startJsonStream(ctx.res);
    if (fromSrc !== '-') send({ status: `Downloading from ${fromSrc}` });
    try {
      const id = await importImage(svc, body, { ...opts, signal: ctx.signal });
      send({ status: id });
    } catch (e) {
      body.destroy();
      send(errorLine(e));
    }
    ctx.res.end();
  };

  const load: Handler = async (ctx) => {
    const send = startJsonStream(ctx.res);
    try {
      await loadImages(svc, requestBody(ctx.req), (line) => send({ stream: `${line}\n` }), ctx.signal);
    } catch (e) {
      send(errorLine(e));
    }
    ctx.res.end();
  };

  return [
    get('/images/json', (ctx) => sendJson(ctx.res, 200, svc.list({ all: boolParam(ctx.query, 'all'), filters: filtersParam(ctx.query), version: ctx.version }))),
    get('/images/get', (ctx) => save(ctx, ctx.query.getAll('names'))),
    post('/images/create', create),
    post('/images/load', load),
    post('/images/prune', async (ctx) => sendJson(ctx.res, 200, await svc.prune(filtersParam(ctx.query)))),
    get('/images/*', perImage('GET')),
    post('/images/*', perImage('POST')),
    del('/images/*', async (ctx) => {
      const name = decodeURIComponent(ctx.params['*'] ?? '');
      sendJson(ctx.res, 200, await svc.remove(name, { force: boolParam(ctx.query, 'force'), noprune: boolParam(ctx.query, 'noprune') }));
    }),
  ];
}
