/**
 * /build (the classic builder): Docker's query parameters → BuildRequest, the context is the
 * body, the output Docker's JSON lines. Errors before any output (a bad Dockerfile, a bad
 * tag) are plain HTTP errors as Docker answers them; later ones are `errorDetail` lines.
 * /build/prune and /build/cancel as the API has them.
 */
import type { Readable } from 'node:stream';
import { InvalidArgument, errorMessage } from '@berth/shared';
import type { ProgressMessage } from '@berth/shared/api/types';
import { minApiVersion, post, type RequestContext, type Route } from '../router.js';
import { boolParam, intParam, sendJson, sendStatus } from '../http-util.js';
import { jsonQueryParam } from '../request-body.js';
import { atLeast } from '../versions.js';
import { StepError } from '../../builder/builder.js';
import { requestBody } from '../body-stream.js';
import type { BuildRequest, BuildService } from '../../builder/service.js';

function jsonParam<T>(q: URLSearchParams, name: string, def: T): T {
  const v = q.get(name);
  if (!v) return def;
  try { return JSON.parse(v) as T; } catch { throw new InvalidArgument(`invalid ${name} value: ${v}`); }
}

export function buildRequest(q: URLSearchParams): BuildRequest {
  if (q.get('version') === '2') throw new InvalidArgument('BuildKit is not supported by Berth; use the classic builder (DOCKER_BUILDKIT=0)');
  // one `extrahosts` parameter per host, as the docker CLI and docker-py send them (moby: r.Form["extrahosts"])
  const extraHosts = q.getAll('extrahosts').filter(Boolean);
  const forceRm = boolParam(q, 'forcerm');
  return {
    dockerfile: q.get('dockerfile') ?? '',
    tags: q.getAll('t').filter(Boolean),
    buildArgs: jsonQueryParam<Record<string, string | null>>(q, 'buildargs', 'map[string]*string', 'error reading build args') ?? {},
    labels: jsonQueryParam<Record<string, string>>(q, 'labels', 'map[string]string', 'error reading labels') ?? {},
    noCache: boolParam(q, 'nocache'),
    cacheFrom: jsonQueryParam<string[]>(q, 'cachefrom', '[]string', 'error reading cache-from') ?? [],
    pull: boolParam(q, 'pull'),
    rm: forceRm || boolParam(q, 'rm', true),
    forceRm,
    target: q.get('target') || undefined,
    quiet: boolParam(q, 'q'),
    remote: q.get('remote') || undefined,
    host: {
      NetworkMode: q.get('networkmode') && q.get('networkmode') !== 'default' ? q.get('networkmode')! : 'bridge',
      ExtraHosts: extraHosts,
      Memory: intParam(q, 'memory', 0),
      MemorySwap: intParam(q, 'memswap', 0),
      CpuShares: intParam(q, 'cpushares', 0),
      CpusetCpus: q.get('cpusetcpus') ?? '',
      CpuPeriod: intParam(q, 'cpuperiod', 0),
      CpuQuota: intParam(q, 'cpuquota', 0),
      ShmSize: intParam(q, 'shmsize', 0),
      CgroupParent: q.get('cgroupparent') ?? '',
    },
  };
}

export function buildRouter(svc: BuildService): Route[] {
  const build = async ({ req, res, query, signal, version }: RequestContext) => {
    const opts = buildRequest(query);
    svc.validate(opts);
    let started = false;
    const send = (msg: ProgressMessage) => {
      if (res.destroyed || res.writableEnded) return; // the client went away: the build is being cancelled
      if (!started) { res.writeHead(200, { 'Content-Type': 'application/json' }); started = true; }
      res.write(JSON.stringify(msg) + '\r\n');
    };
    // With a remote context the body is not read; else it is the context, read through a stream
    // that ends early when the client hangs up mid-upload (the short tar then fails the build).
    let context: Readable = req;
    if (opts.remote) req.resume();
    else context = requestBody(req, { endOnHangUp: true });
    try {
      await svc.build(opts, context, {
        out: (text) => send({ stream: text }),
        aux: (aux) => { if (atLeast(version, 'buildAux')) send({ aux }); },
        progress: (msg) => send(msg),
        cancelled: () => signal.aborted,
        signal,
      });
    } catch (e) {
      if (!started) throw e;
      const message = errorMessage(e);
      const detail = e instanceof StepError ? { code: e.code, message } : { message };
      send({ errorDetail: detail, error: message });
    }
    res.end();
  };
  return [
    post('/build', build),
    minApiVersion('buildPruneEndpoint', '/build/prune', post('/build/prune', async ({ res }) => sendJson(res, 200, await svc.prune()))),
    post('/build/cancel', ({ res }) => sendStatus(res, 200)),
  ];
}
