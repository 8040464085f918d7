/** GET /containers/json and POST /containers/prune: filters, ordering, limit (moby daemon/list.go). */
import { InvalidArgument, NotFound } from '@berth/shared';
import type { ContainerPruneResponse, ContainerSummary } from '@berth/shared/api/types';
import type { ImageLookup } from '../images/types.js';
import type { Container } from './container.js';
import type { ContainerLookup, ContainerViewSource } from './backend.js';

/** What the list reads: the containers and what inspect shows of them. */
export type ListSource = ContainerLookup & ContainerViewSource;
import { dirSize, summaryView } from './view.js';

const KNOWN = new Set(['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'volume', 'network', 'health', 'is-task', 'publish', 'expose']);
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export interface ListOptions { all: boolean; limit?: number; size: boolean; filters: Map<string, string[]> }

function labelMatch(labels: Record<string, string>, spec: string): boolean {
  const i = spec.indexOf('=');
  if (i < 0) return spec in labels;
  const k = spec.slice(0, i);
  const v = spec.slice(i + 1);
  return labels[k] === v;
}

const created = (c: Container) => Date.parse(c.rec.Created) + (Number(c.rec.Created.match(/\.\d{3}(\d+)Z$/)?.[1] ?? 0) / 1e6);

export async function listContainers(svc: ListSource, images: Pick<ImageLookup, 'get'>, opts: ListOptions): Promise<ContainerSummary[]> {
  const f = opts.filters;
  for (const k of f.keys()) if (!KNOWN.has(k)) throw new InvalidArgument(`invalid filter '${k}'`);
  for (const s of f.get('status') ?? []) if (!STATUSES.includes(s)) throw new InvalidArgument(`invalid filter 'status=${s}'`);
  const exited = (f.get('exited') ?? []).map((v) => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgument(`invalid filter 'exited=${v}'`);
    return Number(v);
  });
  let before: number | undefined;
  let since: number | undefined;
  for (const ref of f.get('before') ?? []) before = created(svc.get(ref));
  for (const ref of f.get('since') ?? []) since = created(svc.get(ref));
  const ancestors = new Set<string>();
  for (const ref of f.get('ancestor') ?? []) {
    try { ancestors.add((await images.get(ref)).id); } catch (e) { if (!(e instanceof NotFound)) throw e; }
  }
  const all = opts.all || opts.limit !== undefined && opts.limit > 0 || before !== undefined || since !== undefined || f.has('status') || exited.length > 0;
  let list = svc.all().sort((a, b) => created(b) - created(a));
  list = list.filter((c) => {
    const r = c.rec;
    if (!all && !r.State.Running && !r.State.Restarting) return false; // restart.ts: restarting shows without -a, as in Docker
    if (f.has('id') && !f.get('id')!.some((p) => r.Id.startsWith(p))) return false;
    if (f.has('name') && !f.get('name')!.some((n) => { try { return new RegExp(n).test(r.Name); } catch { return r.Name.includes(n); } })) return false;
    if (f.has('label') && !f.get('label')!.every((l) => labelMatch(r.Config.Labels ?? {}, l))) return false;
    if (f.has('status') && !f.get('status')!.includes(r.State.Status)) return false;
    if (f.has('health') && !f.get('health')!.includes((r.State as { Health?: { Status: string } }).Health?.Status ?? 'none')) return false; // health.ts
    if (exited.length && (r.State.Status !== 'exited' || !exited.includes(r.State.ExitCode))) return false;
    if (before !== undefined && created(c) >= before) return false;
    if (since !== undefined && created(c) <= since) return false;
    if (f.has('ancestor') && !(ancestors.has(r.Image) || f.get('ancestor')!.some((a) => a === r.Config.Image || r.Image.replace('sha256:', '').startsWith(a.replace('sha256:', ''))))) return false;
    if (f.has('volume') && !f.get('volume')!.some((v) => svc.volumeNames(c).includes(v))) return false;
    if (f.has('network') && !f.get('network')!.some((n) => n === c.hc.NetworkMode || n in svc.networkSettings(c).Networks)) return false;
    return true;
  });
  if (opts.limit !== undefined && opts.limit > 0) list = list.slice(0, opts.limit);
  const sizes = new Map<string, number>();
  if (opts.size) {
    for (const c of list) {
      if (!sizes.has(c.rec.Image)) {
        try { const img = await images.get(c.rec.Image); sizes.set(c.rec.Image, img.size); } catch { sizes.set(c.rec.Image, 0); }
      }
    }
  }
  return list.map((c) => summaryView(svc, c, opts.size, sizes.get(c.rec.Image) ?? 0));
}

export async function pruneContainers(svc: ListSource, remove: (id: string) => Promise<void>, filters: Map<string, string[]>): Promise<ContainerPruneResponse> {
  for (const k of filters.keys()) if (k !== 'until' && k !== 'label' && k !== 'label!') throw new InvalidArgument(`invalid filter '${k}'`);
  const until = filters.get('until')?.[0];
  const untilMs = until ? (/^\d+(\.\d+)?$/.test(until) ? Number(until) * 1000 : Date.parse(until)) : undefined;
  const deleted: string[] = [];
  let space = 0;
  for (const c of svc.all()) {
    if (c.rec.State.Running || c.rec.State.Status === 'removing') continue;
    if (untilMs !== undefined && Date.parse(c.rec.Created) >= untilMs) continue;
    if (filters.has('label') && !filters.get('label')!.every((l) => labelMatch(c.rec.Config.Labels ?? {}, l))) continue;
    if (filters.has('label!') && filters.get('label!')!.some((l) => labelMatch(c.rec.Config.Labels ?? {}, l))) continue;
    const size = dirSize(svc.layer(c).upper);
    try { await remove(c.rec.Id); deleted.push(c.rec.Id); space += size; } catch { /* raced */ }
  }
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}
