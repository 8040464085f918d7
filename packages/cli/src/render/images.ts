/** `images`, `history`, `rmi`, `image prune` output: Docker's columns, rows and texts. */
import { humanDuration, humanSize, humanSize3 } from '@berth/shared';
import { renderFormatted } from '@berth/shared/template/index';
import { familiarName, parseNormalizedNamed } from '@berth/shared/reference';
import { StatusError } from '../cli/errors.js';
import type { ImageDeleteResponseItem, ImageHistoryItem, ImagePruneResponse, ImageSummary } from '@berth/shared/api/types';
import { goJson } from './format.js';

export type { ImageSummary };
export type HistoryItem = ImageHistoryItem;

const truncId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const since = (secs: number, now: number) => `${humanDuration(now - secs * 1000)} ago`;

function table(format: string, rows: unknown[], defaultFormat: string, headers: Record<string, string>): string {
  try {
    return renderFormatted(format, rows, { defaultFormat, headers });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}

const IMAGE_HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE' };

const isDangling = (img: ImageSummary) =>
  (!img.RepoTags?.length && !img.RepoDigests?.length) ||
  (img.RepoTags?.length === 1 && img.RepoTags[0] === '<none>:<none>' && img.RepoDigests?.length === 1 && img.RepoDigests[0] === '<none>@<none>');

/** One row per repository:tag (and per digest with --digests), as docker's image formatter expands them. */
export function imageRows(img: ImageSummary, opts: { digests?: boolean }): { repo: string; tag: string; digest: string }[] {
  if (isDangling(img)) return [{ repo: '<none>', tag: '<none>', digest: '<none>' }];
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const r of img.RepoTags ?? []) {
    try {
      const ref = parseNormalizedNamed(r);
      if (ref.tag) { const k = familiarName(ref.name); tags.set(k, [...(tags.get(k) ?? []), ref.tag]); }
    } catch { /* skip */ }
  }
  for (const r of img.RepoDigests ?? []) {
    try {
      const ref = parseNormalizedNamed(r);
      if (ref.digest) { const k = familiarName(ref.name); digests.set(k, [...(digests.get(k) ?? []), ref.digest]); }
    } catch { /* skip */ }
  }
  const rows: { repo: string; tag: string; digest: string }[] = [];
  for (const repo of [...tags.keys()].sort()) {
    const ds = opts.digests ? digests.get(repo) ?? [] : [];
    digests.delete(repo);
    for (const tag of tags.get(repo)!) {
      if (!ds.length) rows.push({ repo, tag, digest: '<none>' });
      else for (const d of ds) rows.push({ repo, tag, digest: d });
    }
  }
  for (const repo of [...digests.keys()].sort()) {
    if (opts.digests) for (const d of digests.get(repo)!) rows.push({ repo, tag: '<none>', digest: d });
    else rows.push({ repo, tag: '<none>', digest: '<none>' });
  }
  return rows;
}

export function renderImages(images: ImageSummary[], opts: { quiet?: boolean; noTrunc?: boolean; digests?: boolean; format?: string; now?: number } = {}): string {
  const now = opts.now ?? Date.now();
  let format = opts.format ?? '';
  if (opts.quiet) format = '{{.ID}}';
  const rows = images.flatMap((img) => imageRows(img, opts).map((r) => ({
    Repository: r.repo,
    Tag: r.tag,
    Digest: r.digest,
    ID: opts.noTrunc ? img.Id : truncId(img.Id),
    CreatedSince: since(img.Created, now),
    CreatedAt: goTime(img.Created),
    Size: humanSize3(img.Size),
    Containers: img.Containers === -1 ? 'N/A' : String(img.Containers),
    SharedSize: img.SharedSize === -1 ? 'N/A' : humanSize3(img.SharedSize),
    UniqueSize: img.SharedSize === -1 ? 'N/A' : humanSize3(img.Size - img.SharedSize),
    VirtualSize: humanSize3(img.Size),
  })));
  if (format === 'json') return rows.map((r) => goJson(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))) + '\n').join('');
  const def = opts.digests
    ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  return table(format, rows, def, IMAGE_HEADERS);
}

/** Go's time.Time String() for `{{.CreatedAt}}`: "2024-01-02 03:04:05 +0000 UTC". */
function goTime(secs: number): string {
  const d = new Date(secs * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** Go's RFC3339 in UTC ("2024-01-02T03:04:05Z") for `history --human=false`. */
const rfc3339 = (secs: number) => new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** docker/cli's formatter.Ellipsis: cut to `max` runes, the last being "…". */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, max - 1).join('') + '…';
}

const HISTORY_HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export function renderHistory(items: HistoryItem[], opts: { quiet?: boolean; noTrunc?: boolean; human?: boolean; format?: string; now?: number } = {}): string {
  const now = opts.now ?? Date.now();
  const human = opts.human ?? true;
  let format = opts.format ?? '';
  if (opts.quiet) format = '{{.ID}}';
  const rows = items.map((h) => {
    const by = h.CreatedBy.replace(/\t/g, ' ');
    return {
      ID: opts.noTrunc || h.Id === '<missing>' ? h.Id : truncId(h.Id),
      CreatedSince: human ? since(h.Created, now) : rfc3339(h.Created),
      CreatedAt: rfc3339(h.Created),
      CreatedBy: opts.noTrunc ? by : ellipsis(by, 45),
      Size: human ? humanSize3(h.Size) : String(h.Size),
      Comment: h.Comment,
    };
  });
  if (format === 'json') return rows.map((r) => goJson(r) + '\n').join('');
  const def = `table {{.ID}}\t{{.${human ? 'CreatedSince' : 'CreatedAt'}}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}`;
  return table(format, rows, def, HISTORY_HEADERS);
}

export function renderDeleted(records: ImageDeleteResponseItem[]): string {
  return records.map((r) => (r.Untagged ? `Untagged: ${r.Untagged}\n` : r.Deleted ? `Deleted: ${r.Deleted}\n` : '')).join('');
}

export function renderImagePrune(report: ImagePruneResponse): string {
  let out = '';
  if (report.ImagesDeleted?.length) {
    out = 'Deleted Images:\n' + report.ImagesDeleted.map((r) => (r.Untagged ? `untagged: ${r.Untagged}\n` : '') + (r.Deleted ? `deleted: ${r.Deleted}\n` : '')).join('') + '\n';
  }
  return `${out}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`;
}
