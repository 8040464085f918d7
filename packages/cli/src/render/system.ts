/** `system df` (summary and -v) and `system prune` texts, as docker's disk usage formatter prints them. */
import { humanSize, humanSize3 } from '@berth/shared';
import { renderFormatted } from '@berth/shared/template/index';
import { familiarName, parseNormalizedNamed } from '@berth/shared/reference';
import { StatusError } from '../cli/errors.js';
import type { ImageSummary, SystemDataUsage } from '@berth/shared/api/types';
import { psRow } from './containers.js';
import { humanDuration } from '@berth/shared';

export type DiskUsage = SystemDataUsage;

const DF_FORMAT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const DF_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

function table(format: string, rows: unknown[], defaultFormat: string, headers: Record<string, string>): string {
  try { return renderFormatted(format, rows, { defaultFormat, headers }); } catch (e) { throw new StatusError(64, (e as Error).message); }
}

const withPercent = (reclaimable: number, total: number) =>
  total > 0 ? `${humanSize(reclaimable)} (${Math.floor((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
const activeState = (s = '') => /running|paused|restarting/.test(s);

/** The four summary rows (keys in Go's JSON order for --format json). */
export function dfRows(du: DiskUsage) {
  const images = du.Images ?? [];
  const layers = du.LayersSize ?? 0;
  const used = images.filter((i) => i.Containers > 0 && i.SharedSize !== -1).reduce((n, i) => n + i.Size - i.SharedSize, 0);
  const containers = du.Containers ?? [];
  const cSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const cReclaim = containers.filter((c) => !activeState(c.State)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const vols = du.Volumes ?? [];
  const vSize = vols.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const vReclaim = vols.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cache = du.BuildCache ?? [];
  const bSize = cache.filter((b) => !b.Shared).reduce((n, b) => n + (b.Size ?? 0), 0);
  const bReclaim = cache.filter((b) => !b.InUse && !b.Shared).reduce((n, b) => n + (b.Size ?? 0), 0);
  const row = (Type: string, total: number, active: number, size: string, Reclaimable: string) => ({ Active: String(active), Reclaimable, Size: size, TotalCount: String(total), Type });
  return [
    row('Images', images.length, images.filter((i) => i.Containers > 0).length, humanSize(layers), withPercent(layers - used, layers)),
    row('Containers', containers.length, containers.filter((c) => activeState(c.State)).length, humanSize(cSize), withPercent(cReclaim, cSize)),
    row('Local Volumes', vols.length, vols.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, humanSize(vSize), withPercent(vReclaim, vSize)),
    row('Build Cache', cache.length, cache.filter((b) => b.InUse).length, humanSize(bSize), humanSize(bReclaim)),
  ];
}

export function renderDf(du: DiskUsage, format = ''): string {
  return table(format, dfRows(du), DF_FORMAT, DF_HEADERS);
}

const IMAGE_FORMAT = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINER_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUME_FORMAT = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const CACHE_FORMAT = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

function imageVerboseRow(i: ImageSummary, now: number) {
  let repo = '<none>';
  let tag = '<none>';
  const first = i.RepoTags?.[0];
  if (first && first !== '<none>:<none>') {
    try { const r = parseNormalizedNamed(first); repo = familiarName(r.name); tag = r.tag ?? '<none>'; } catch { /* keep <none> */ }
  }
  return {
    Repository: repo, Tag: tag, ID: i.Id.replace(/^sha256:/, '').slice(0, 12), CreatedSince: `${humanDuration(now - i.Created * 1000)} ago`,
    Size: humanSize3(i.Size), SharedSize: i.SharedSize === -1 ? 'N/A' : humanSize3(i.SharedSize),
    UniqueSize: i.SharedSize === -1 ? 'N/A' : humanSize3(i.Size - i.SharedSize), Containers: i.Containers === -1 ? 'N/A' : String(i.Containers),
  };
}

export function renderDfVerbose(du: DiskUsage, now = Date.now()): string {
  let out = 'Images space usage:\n\n';
  out += table('', (du.Images ?? []).map((i) => imageVerboseRow(i, now)), IMAGE_FORMAT,
    { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' });
  out += '\nContainers space usage:\n\n';
  // docker: "Don't display the virtual size".
  out += table('', (du.Containers ?? []).map((c) => ({ ...psRow(c, { now }), Size: humanSize3(c.SizeRw ?? 0) })), CONTAINER_FORMAT,
    { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' });
  out += '\nLocal Volumes space usage:\n\n';
  out += table('', (du.Volumes ?? []).map((v) => ({
    Name: v.Name, Links: v.UsageData && v.UsageData.RefCount !== -1 ? String(v.UsageData.RefCount) : 'N/A', Size: v.UsageData && v.UsageData.Size !== -1 ? humanSize(v.UsageData.Size) : 'N/A',
  })), VOLUME_FORMAT, { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' });
  const cache = du.BuildCache ?? [];
  out += `\nBuild cache usage: ${humanSize(cache.reduce((n, b) => n + (b.Size ?? 0), 0))}\n\n`;
  out += table('', cache.map((b) => ({
    ID: (b.ID ?? '').slice(0, 12), CacheType: b.Type, Size: humanSize(b.Size ?? 0), CreatedSince: `${humanDuration(now - Date.parse(b.CreatedAt ?? ''))} ago`,
    LastUsedSince: b.LastUsedAt ? `${humanDuration(now - Date.parse(b.LastUsedAt))} ago` : '', UsageCount: String(b.UsageCount), Shared: String(b.Shared),
  })), CACHE_FORMAT, { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' });
  return out;
}

/** docker system prune's confirmation text. */
export function pruneWarning(opts: { all: boolean; volumes: boolean; filters: string[] }): string {
  const warnings = ['all stopped containers', 'all networks not used by at least one container'];
  if (opts.volumes) warnings.push('all anonymous volumes not used by at least one container');
  warnings.push(opts.all ? 'all images without at least one container associated to them' : 'all dangling images');
  warnings.push(opts.all ? 'all build cache' : 'unused build cache');
  let out = 'WARNING! This will remove:\n' + warnings.map((w) => `  - ${w}\n`).join('');
  if (opts.filters.length) out += '\n  Items to be pruned will be filtered with:\n' + opts.filters.map((f) => `  - ${f}\n`).join('');
  return out + '\nAre you sure you want to continue?';
}
