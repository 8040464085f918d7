/** `ps` output: Docker's columns (CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS, NAMES), -q, --no-trunc, -s, --format. */
import { humanDuration, humanSize3 } from '@berth/shared';
import { renderFormatted } from '@berth/shared/template/index';
import { StatusError } from '../cli/errors.js';
import type { ContainerSummary, Port } from '@berth/shared/api/types';
import { ellipsis } from './images.js';

export type { ContainerSummary };

const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED', CreatedAt: 'CREATED AT', Status: 'STATUS',
  Ports: 'PORTS', Names: 'NAMES', Size: 'SIZE', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', State: 'STATE',
  LocalVolumes: 'LOCAL VOLUMES',
};

export const PS_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

/** Go's strconv.Quote for the common cases: JSON escaping minus the HTML escapes Go does not do here. */
export const goQuote = (s: string) => JSON.stringify(s);

function goTime(secs: number): string {
  const d = new Date(secs * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** docker/cli's DisplayablePorts: "0.0.0.0:8080->80/tcp, 443/tcp". */
export function displayPorts(ports: Port[]): string {
  const out: string[] = [];
  // comparePorts: private port, then host address as netip orders them (IPv4 before IPv6), then public port
  const family = (ip?: string) => (!ip ? 0 : ip.includes(':') ? 6 : 4);
  const byIp = (a?: string, b?: string) => family(a) - family(b) || (a === b ? 0 : (a ?? '') < (b ?? '') ? -1 : 1);
  const sorted = [...ports].sort((a, b) => a.PrivatePort - b.PrivatePort || byIp(a.IP, b.IP) || (a.PublicPort ?? 0) - (b.PublicPort ?? 0));
  for (const p of sorted) {
    if (p.PublicPort) {
      const ip = p.IP && p.IP.includes(':') ? `[${p.IP}]` : p.IP ?? '';
      out.push(`${ip}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`);
    } else out.push(`${p.PrivatePort}/${p.Type}`);
  }
  return [...new Set(out)].join(', ');
}

export function psRow(c: ContainerSummary, opts: { noTrunc?: boolean; now?: number }) {
  const trunc = !opts.noTrunc;
  const now = opts.now ?? Date.now();
  const id = c.Id ?? '';
  const command = c.Command ?? '';
  const created = c.Created ?? 0;
  let image = c.Image || '<no image>';
  if (trunc && /^sha256:[0-9a-f]{64}$/.test(image)) image = image.slice(7, 19);
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, '')).filter((n) => !n.includes('/'));
  const labels = Object.entries(c.Labels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
  const mounts = (c.Mounts ?? []).map((m) => { const n = m.Name || m.Source || ''; return trunc ? ellipsis(n, 15) : n; }).join(',');
  return {
    ID: trunc ? id.slice(0, 12) : id,
    Image: image,
    Command: goQuote(trunc ? ellipsis(command, 20) : command),
    CreatedAt: goTime(created),
    RunningFor: `${humanDuration(now - created * 1000)} ago`,
    Ports: displayPorts(c.Ports ?? []),
    State: c.State ?? '',
    Status: c.Status ?? '',
    // docker's formatter: the sizes are omitempty, a missing one is 0; "virtual" only when SizeRootFs > 0.
    Size: (c.SizeRootFs ?? 0) > 0 ? `${humanSize3(c.SizeRw ?? 0)} (virtual ${humanSize3(c.SizeRootFs!)})` : humanSize3(c.SizeRw ?? 0),
    Names: trunc ? names.slice(0, 1).join(',') : names.join(','),
    Labels: labels,
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: mounts,
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
  };
}

export function renderPs(list: ContainerSummary[], opts: { quiet?: boolean; noTrunc?: boolean; size?: boolean; format?: string; now?: number } = {}): string {
  let format = opts.format ?? '';
  if (opts.quiet && !format) format = '{{.ID}}';
  let def = PS_FORMAT;
  if (opts.size) def += '\t{{.Size}}';
  if (format === 'table' ) format = def;
  const rows = list.map((c) => psRow(c, opts));
  try {
    return renderFormatted(format, rows, { defaultFormat: def, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}
