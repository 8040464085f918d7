/**
 * Registry routes: /auth, /images/search and /distribution/{name}/json, plus the pull
 * (POST /images/create?fromImage=) and push (POST /images/{name}/push) handlers that the images
 * router mounts (it owns the /images/create and /images/* paths). Pull and push answer with
 * Docker's JSON progress stream, started lazily so that errors found before the first message
 * (unknown manifest) are plain HTTP errors, and later ones `{"errorDetail":…,"error":…}` lines.
 */
import { errorMessage, NotFound } from '@berth/shared';
import { get, post, type Handler, type RequestContext, type Route } from '../router.js';
import { filtersParam, intParam, sendJson, startJsonStream } from '../http-util.js';
import { readJsonBody } from '../request-body.js';
import { authFromBody, decodeAuthHeader } from '../../distribution/auth-config.js';
import { errorMessage as errorLine, type Progress } from '../../distribution/progress.js';
import type { DistributionService } from '../../distribution/service.js';

/** Run a progress-producing operation on a lazily started JSON stream; the client going away aborts it. */
export async function progressStream(ctx: RequestContext, run: (progress: Progress, signal: AbortSignal) => Promise<void>): Promise<void> {
  const { req, res } = ctx;
  let write: ((m: unknown) => void) | undefined;
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

/** The handlers the images router calls for pull and push. */
export function distributionHandlers(svc: DistributionService): { pull: Handler; push: Handler } {
  return {
    pull: (ctx) => progressStream(ctx, (progress, signal) => svc.pull(ctx.query.get('fromImage') ?? '', ctx.query.get('tag') || undefined, {
      platform: ctx.query.get('platform') || undefined, auth: auth(ctx), progress, signal,
    })),
    push: (ctx) => progressStream(ctx, (progress, signal) =>
      svc.push(ctx.params.name!, ctx.query.get('tag') || undefined, { auth: auth(ctx), progress, signal })),
  };
}

export function distributionRouter(svc: DistributionService): Route[] {
  return [
    // Names with slashes (localhost:5000/a/b) reach the route as a wildcard.
    get('/distribution/*', async (ctx) => {
      const m = /^(.+)\/json$/.exec(ctx.params['*'] ?? '');
      if (!m) throw new NotFound('page not found');
      sendJson(ctx.res, 200, await svc.inspect(decodeURIComponent(m[1]!), auth(ctx)));
    }),
    post('/auth', async (ctx) => sendJson(ctx.res, 200, await svc.login(authFromBody(await readJsonBody(ctx.req, 'SystemAuth'))))),
    get('/images/search', async (ctx) => {
      const { query } = ctx;
      sendJson(ctx.res, 200, await svc.search(query.get('term') ?? '', intParam(query, 'limit'), filtersParam(query), auth(ctx)));
    }),
  ];
}
