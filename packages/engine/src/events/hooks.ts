/**
 * Events of the image, network and volume services. Those services know nothing of events:
 * their instances' public methods are decorated here, at composition time, so each action is
 * logged after it succeeds (with what dockerd puts in the Actor). Internal calls through
 * `this` (prune → remove) go through the decorated methods too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Route } from '../api/router.js';
import type { EventSink } from './service.js';

type AnyFn = (...args: any[]) => any;

/** Replace `obj[name]` with `wrap(original)`; a missing method is left alone. */
function decorate<T extends object>(obj: T, name: string, wrap: (orig: AnyFn) => AnyFn): void {
  const orig = (obj as Record<string, unknown>)[name];
  if (typeof orig !== 'function') return;
  (obj as Record<string, unknown>)[name] = wrap((orig as AnyFn).bind(obj));
}

const familiar = (ref: string) => ref.replace(/^docker\.io\/(library\/)?/, '');
const withLatest = (ref: string) => (ref.includes('@') || ref.slice(ref.lastIndexOf('/') + 1).includes(':') ? ref : `${ref}:latest`);
const nameOnly = (ref: string) => {
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(0, at);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
};

interface ImagesLike { resolve(ref: string): { id: string; config?: { config?: { Labels?: Record<string, string> | null } } } }

/** Which image API call is running (load/import use the same commit path). */
const imageOp = new AsyncLocalStorage<{ op: 'load' | 'import' }>();

export function observeImages(images: ImagesLike & object, distribution: object, events: EventSink): void {
  const labels = (id: string): Record<string, string> => {
    try { return { ...(images.resolve(id).config?.config?.Labels ?? {}) }; } catch { return {}; }
  };
  const ev = (action: string, id: string, name: string) => events.emit('image', action, id, { ...labels(id), name });
  let pruning = false;
  const deleteRecords = (imageId: string, recs: ({ Untagged: string } | { Deleted: string })[]) => {
    for (const r of recs) {
      if ('Untagged' in r) ev('untag', imageId, familiar(r.Untagged));
      else events.emit('image', 'delete', r.Deleted, { name: r.Deleted });
    }
  };
  decorate(images, 'tag', (orig) => async (source: string, repo: string, tag?: string) => {
    await orig(source, repo, tag);
    const id = images.resolve(source).id;
    ev('tag', id, familiar(tag ? `${repo}:${tag}` : withLatest(repo)));
  });
  decorate(images, 'remove', (orig) => async (name: string, opts?: unknown) => {
    let id = '';
    try { id = images.resolve(name).id; } catch { /* orig reports it */ }
    const recs = await orig(name, opts);
    if (!pruning) deleteRecords(id, recs);
    return recs;
  });
  decorate(images, 'prune', (orig) => async (filters: unknown) => {
    pruning = true;
    try {
      const r = await orig(filters);
      let current = '';
      for (const d of r.ImagesDeleted ?? []) {
        if ('Deleted' in d) { current = d.Deleted; events.emit('image', 'delete', d.Deleted, { name: d.Deleted }); }
        else events.emit('image', 'untag', current || d.Untagged, { name: familiar(d.Untagged) });
      }
      return r;
    } finally { pruning = false; }
  });
  decorate(images, 'commit', (orig) => async (opts: unknown) => {
    const r = await orig(opts);
    const op = imageOp.getStore()?.op;
    if (op) ev(op, r.image.id, r.image.id);
    return r;
  });
  decorate(distribution, 'pull', (orig) => async (fromImage: string, tag: string | undefined, opts: unknown) => {
    await orig(fromImage, tag, opts);
    const ref = familiar(tag ? (/^[a-z0-9]+:[a-f0-9]{32,}$/i.test(tag) ? `${fromImage}@${tag}` : `${fromImage}:${tag}`) : withLatest(fromImage));
    events.emit('image', 'pull', ref, { ...(() => { try { return labels(ref); } catch { return {}; } })(), name: nameOnly(ref) });
  });
  decorate(distribution, 'push', (orig) => async (name: string, tag: string | undefined, opts: unknown) => {
    await orig(name, tag, opts);
    const ref = familiar(tag ? `${name}:${tag}` : withLatest(name));
    events.emit('image', 'push', ref, { name: nameOnly(ref) });
  });
}

/** load/import run inside an image-op scope; save logs one event per image after the tar is written. */
export function observeImageRoutes(routes: Route[], images: ImagesLike, events: EventSink): void {
  for (const r of routes) {
    const orig = r.handler;
    if (r.method === 'POST' && r.path === '/images/load') r.handler = (ctx) => imageOp.run({ op: 'load' }, () => orig(ctx));
    else if (r.method === 'POST' && r.path === '/images/create') {
      r.handler = (ctx) => (ctx.query.get('fromSrc') ? imageOp.run({ op: 'import' }, () => orig(ctx)) : orig(ctx));
    } else if (r.method === 'GET' && (r.path === '/images/get' || r.path === '/images/*')) {
      r.handler = async (ctx) => {
        const names = r.path === '/images/get' ? ctx.query.getAll('names')
          : /\/get$/.test(ctx.req.url?.split('?')[0] ?? '') ? [decodeURIComponent((ctx.req.url!.split('?')[0]!.match(/\/images\/(.+)\/get$/) ?? [])[1] ?? '')] : [];
        await orig(ctx);
        for (const n of names) {
          try { const id = images.resolve(n).id; events.emit('image', 'save', id, { name: familiar(n) }); } catch { /* not an image */ }
        }
      };
    }
  }
}

interface NetworkLike {
  find(ref: string): { Id: string; Name: string; Driver: string };
  settings(c: { rec: { Id: string } }): { Networks?: Record<string, { NetworkID?: string }> };
}

export function observeNetworks(network: NetworkLike & object, events: EventSink, containerId: (ref: string) => string): void {
  const ev = (action: string, n: { Id: string; Name: string; Driver: string }, extra: Record<string, string> = {}) =>
    events.emit('network', action, n.Id, { name: n.Name, type: n.Driver, ...extra });
  const lookup = (ref: string) => { try { return network.find(ref); } catch { return undefined; } };
  decorate(network, 'create', (orig) => async (body: unknown) => {
    const r = await orig(body);
    const n = lookup(r.Id);
    if (n) ev('create', n);
    return r;
  });
  decorate(network, 'remove', (orig) => async (ref: string) => {
    const n = lookup(ref);
    await orig(ref);
    if (n) ev('destroy', n);
  });
  decorate(network, 'connect', (orig) => async (ref: string, body: { Container?: string }) => {
    await orig(ref, body);
    const n = lookup(ref);
    if (n) ev('connect', n, { container: containerId(body.Container ?? '') });
  });
  decorate(network, 'disconnect', (orig) => async (ref: string, body: { Container?: string }) => {
    const n = lookup(ref);
    await orig(ref, body);
    if (n) ev('disconnect', n, { container: containerId(body.Container ?? '') });
  });
  // A container's start joins its networks; its exit leaves them.
  const each = (c: { rec: { Id: string } }, action: string) => {
    for (const [name, ep] of Object.entries(network.settings(c).Networks ?? {})) {
      const n = lookup(ep.NetworkID || name);
      if (n) ev(action, n, { container: c.rec.Id });
    }
  };
  decorate(network, 'prepare', (orig) => async (c: { rec: { Id: string } }) => {
    const r = await orig(c);
    each(c, 'connect');
    return r;
  });
  decorate(network, 'release', (orig) => async (c: { rec: { Id: string } }) => {
    const had = network.settings(c);
    await orig(c);
    for (const [name, ep] of Object.entries(had.Networks ?? {})) {
      const n = lookup(ep.NetworkID || name);
      if (n) ev('disconnect', n, { container: c.rec.Id });
    }
  });
}

interface VolumeLike { inspect(name: string): { Name: string; Driver: string } }

export function observeVolumes(volumes: VolumeLike & object, events: EventSink): void {
  decorate(volumes, 'create', (orig) => (req: unknown, opts?: unknown) => {
    const info = orig(req, opts);
    events.emit('volume', 'create', info.Name, { driver: info.Driver });
    return info;
  });
  decorate(volumes, 'remove', (orig) => (name: string, opts?: unknown) => {
    let driver = 'local';
    try { driver = volumes.inspect(name).Driver; } catch { /* orig reports it */ }
    const r = orig(name, opts);
    events.emit('volume', 'destroy', name, { driver });
    return r;
  });
  decorate(volumes, 'prune', (orig) => (filters: unknown) => {
    const r = orig(filters);
    for (const n of r.VolumesDeleted ?? []) events.emit('volume', 'destroy', n, { driver: 'local' });
    return r;
  });
  decorate(volumes, 'activate', (orig) => async (name: string, containerId: string) => {
    const r = await orig(name, containerId);
    events.emit('volume', 'mount', name, { container: containerId, driver: 'local' });
    return r;
  });
  decorate(volumes, 'deactivate', (orig) => async (name: string, containerId: string) => {
    await orig(name, containerId);
    events.emit('volume', 'unmount', name, { container: containerId, driver: 'local' });
  });
}

interface ContainersLike {
  get(ref: string): { rec: { Id: string; Name: string; Config: { Image: string; Labels?: Record<string, string> } } };
  event(c: unknown, action: string, extra?: Record<string, string>): void;
}

/**
 * pause, unpause, rename and commit are served by their own routes: log their events once the
 * route succeeded (commit's new image ID read from the response).
 */
export function observeContainerRoutes(routes: Route[], containers: ContainersLike): void {
  const find = (ref: string) => { try { return containers.get(ref); } catch { return undefined; } };
  for (const r of routes) {
    const orig = r.handler;
    if (r.method !== 'POST') continue;
    const action = /^\/containers\/:id\/(pause|unpause|rename)$/.exec(r.path)?.[1];
    if (action) {
      r.handler = async (ctx) => {
        const c = find(ctx.params.id!);
        const oldName = c?.rec.Name.replace(/^\//, '');
        await orig(ctx);
        if (c) containers.event(c, action, action === 'rename' ? { oldName: oldName ?? '' } : {});
      };
    } else if (r.path === '/commit') {
      r.handler = async (ctx) => {
        const c = find(ctx.query.get('container') ?? '');
        let body = '';
        const end = ctx.res.end.bind(ctx.res);
        ctx.res.end = ((chunk?: unknown, ...rest: unknown[]) => {
          if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) body += chunk.toString();
          return (end as (...a: unknown[]) => unknown)(chunk, ...rest);
        }) as typeof ctx.res.end;
        await orig(ctx);
        let imageId = '';
        try { imageId = JSON.parse(body).Id ?? ''; } catch { /* no body */ }
        const repo = ctx.query.get('repo');
        const imageRef = repo ? `${repo}:${ctx.query.get('tag') || 'latest'}` : '';
        if (c && imageId) containers.event(c, 'commit', { comment: ctx.query.get('comment') ?? '', imageID: imageId, imageRef });
      };
    }
  }
}
