/**
 * /images and the registry side of images: list, inspect, history, tag, delete, prune, import
 * (create?fromSrc), load, save; pull (create?fromImage), push, search, /distribution/{name}/json
 * and /auth. Image names may contain slashes (`localhost:5000/foo/bar`), so per-image routes are
 * a wildcard whose last segment picks the action. Pull and push answer with Docker's JSON
 * progress stream, started lazily so that errors found before the first message (unknown
 * manifest) are plain HTTP errors, and later ones `{"errorDetail":…,"error":…}` lines.
 */
import type { Readable } from 'node:stream';
import { InvalidArgument, NotFound, errorMessage } from '@berth/shared';
import type { ProgressMessage } from '@berth/shared/api/types';
import { del, get, minApiVersion, post, type Handler, type RequestContext, type Route } from '../router.js';
import { boolParam, filtersParam, intParam, sendJson, sendStatus, startJsonStream } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import type { ImageService } from '../../images/service.js';
import { authFromBody, decodeAuthHeader } from '../../distribution/auth-config.js';
import { errorMessage as errorLine, type Progress } from '../../distribution/progress.js';
import type { DistributionService } from '../../distribution/service.js';
import { importImage, checkImportOptions } from '../../images/archive/import.js';
import { loadImages } from '../../images/archive/load.js';
import { resolveForSave, saveImages } from '../../images/archive/save.js';
import { requestBody } from '../body-stream.js';
import { download } from '../../download.js';
import { atLeast, below } from '../versions.js';


/** Split `foo/bar/json` into name `foo/bar` and action `json`. */
function splitAction(wild: string): { name: string; action: string } {
  const i = wild.lastIndexOf('/');
  if (i <= 0) return { name: wild, action: '' };
  return { name: decodeURIComponent(wild.slice(0, i)), action: wild.slice(i + 1) };
}

/** Run a progress-producing operation on a lazily started JSON stream; the client going away aborts it. */
export async function progressStream(ctx: RequestContext, run: (progress: Progress, signal: AbortSignal) => Promise<void>): Promise<void> {
  const { req, res } = ctx;
  let write: ((m: ProgressMessage) => void) | undefined;
  const abort = new AbortController();
  const onClose = () => { if (!res.writableFinished) abort.abort(); };
  res.on('close', onClose);
  const progress: Progress = (m) => {
    if (res.destroyed || res.writableEnded) return; // the client went away: the abort is under way
    write ??= startJsonStream(res);
    write(m);
  };
  try {
    await run(progress, abort.signal);
  } catch (e) {
    if (!write) throw e;
    progress(errorLine(errorMessage(e)));
  } finally {
    res.off('close', onClose);
    req.resume();
  }
  if (res.destroyed) return;
  if (!write) startJsonStream(res);
  res.end();
}

const auth = (ctx: RequestContext) => decodeAuthHeader(ctx.req.headers['x-registry-auth']);

export function imagesRouter(svc: ImageService, dist: DistributionService): Route[] {
  const pull: Handler = (ctx) => progressStream(ctx, (progress, signal) => dist.pull(ctx.query.get('fromImage') ?? '', ctx.query.get('tag') || undefined, {
    platform: (atLeast(ctx.version, 'imagePullPlatform') && ctx.query.get('platform')) || undefined, auth: auth(ctx), progress, signal,
  }));
  const push: Handler = (ctx) => progressStream(ctx, (progress, signal) =>
    dist.push(ctx.params.name!, ctx.query.get('tag') || undefined, { auth: auth(ctx), progress, signal }));

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
    if (method === 'POST' && action === 'push') return push(withName);
    throw new NotFound('page not found');
  };

  const create: Handler = async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    if (!fromSrc) return pull(ctx);
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
      send(errorLine(errorMessage(e)));
    }
    ctx.res.end();
  };

  const load: Handler = async (ctx) => {
    const send = startJsonStream(ctx.res);
    try {
      await loadImages(svc, requestBody(ctx.req), (line) => send({ stream: `${line}\n` }), ctx.signal);
    } catch (e) {
      send(errorLine(errorMessage(e)));
    }
    ctx.res.end();
  };

  return [
    // Names with slashes (localhost:5000/a/b) reach the route as a wildcard.
    minApiVersion('distributionEndpoint', '/distribution/{name:.*}/json', get('/distribution/*', async (ctx) => {
      const m = /^(.+)\/json$/.exec(ctx.params['*'] ?? '');
      if (!m) throw new NotFound('page not found');
      sendJson(ctx.res, 200, await dist.inspect(decodeURIComponent(m[1]!), auth(ctx)));
    })),
    post('/auth', async (ctx) => sendJson(ctx.res, 200, await dist.login(authFromBody(await readJsonBody(ctx.req, 'SystemAuth'))))),
    get('/images/search', async (ctx) => {
      const { query } = ctx;
      sendJson(ctx.res, 200, await dist.search(query.get('term') ?? '', intParam(query, 'limit'), filtersParam(query), auth(ctx)));
    }),
    get('/images/json', (ctx) => {
      const filters = filtersParam(ctx.query);
      // API 1.24's singular `filter`: a reference filter, unless `filters` has one.
      const legacy = ctx.query.get('filter');
      if (legacy && below(ctx.version, 'imageListFiltersOnly') && !filters.has('reference')) filters.set('reference', [legacy]);
      const sharedSize = atLeast(ctx.version, 'imageListSharedSize') && boolParam(ctx.query, 'shared-size');
      sendJson(ctx.res, 200, svc.list({ all: boolParam(ctx.query, 'all'), filters, version: ctx.version, sharedSize }));
    }),
    get('/images/get', (ctx) => save(ctx, ctx.query.getAll('names'))),
    post('/images/create', create),
    post('/images/load', load),
    minApiVersion('pruneEndpoints', '/images/prune', post('/images/prune', async (ctx) => sendJson(ctx.res, 200, await svc.prune(filtersParam(ctx.query))))),
    get('/images/*', perImage('GET')),
    post('/images/*', perImage('POST')),
    del('/images/*', async (ctx) => {
      const name = decodeURIComponent(ctx.params['*'] ?? '');
      sendJson(ctx.res, 200, await svc.remove(name, { force: boolParam(ctx.query, 'force'), noprune: boolParam(ctx.query, 'noprune') }));
    }),
  ];
}
