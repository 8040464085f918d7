/** `network ls` table and --format rows, `network prune` report, `port` lines: Docker's layout and texts. */
import { renderFormatted } from '@berth/shared/template/index';
import { StatusError } from '../cli/errors.js';
import type { Network, NetworkPruneResponse, PortBinding, PortMap } from '@berth/shared/api/types';
import { goJson } from './format.js';

export type NetworkSummary = Network;
export type { PortMap };

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

/** Go's time.Time String(): "2024-05-01 10:11:12.123456789 +0000 UTC". */
function goTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 UTC`;
}

function row(n: NetworkSummary, noTrunc: boolean) {
  const labels = n.Labels ?? {};
  const id = n.Id ?? '';
  return {
    ID: noTrunc ? id : id.slice(0, 12),
    Name: n.Name ?? '',
    Driver: n.Driver ?? '',
    Scope: n.Scope ?? '',
    IPv4: String(n.EnableIPv4 ?? true),
    IPv6: String(!!n.EnableIPv6),
    Internal: String(!!n.Internal),
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    CreatedAt: goTime(n.Created ?? ''),
    Label: (name: string) => labels[name] ?? '',
  };
}

const byName = (a: NetworkSummary, b: NetworkSummary) => (a.Name ?? '').localeCompare(b.Name ?? '', 'en', { numeric: true });

export function renderNetworks(list: NetworkSummary[], opts: { quiet?: boolean; noTrunc?: boolean; format?: string } = {}): string {
  const sorted = [...list].sort(byName);
  const format = opts.format ?? '';
  const noTrunc = !!opts.noTrunc;
  if (opts.quiet && (format === '' || format === 'table')) return sorted.map((n) => row(n, noTrunc).ID + '\n').join('');
  if (format === 'json') {
    return sorted.map((n) => {
      const { Label: _l, ...fields } = row(n, noTrunc);
      return goJson(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))) + '\n';
    }).join('');
  }
  try {
    return renderFormatted(format, sorted.map((n) => row(n, noTrunc)), { defaultFormat: DEFAULT_TABLE, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}

export function renderNetworkPrune(report: NetworkPruneResponse): string {
  const names = report.NetworksDeleted ?? [];
  return names.length ? 'Deleted Networks:\n' + names.map((n) => n + '\n').join('') + '\n' : '';
}


const portKeyOrder = (a: string, b: string) => {
  const [pa, ta = ''] = a.split('/');
  const [pb, tb = ''] = b.split('/');
  return Number(pa) - Number(pb) || ta.localeCompare(tb);
};
const hostAddr = ({ HostIp: ip = '', HostPort: port = '' }: PortBinding) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

/** `berth port c`: "80/tcp -> 0.0.0.0:8080" for every published binding. */
export function renderPortList(ports: PortMap): string {
  const lines: string[] = [];
  for (const key of Object.keys(ports).sort(portKeyOrder)) {
    for (const b of ports[key] ?? []) lines.push(`${key} -> ${hostAddr(b)}`);
  }
  return lines.map((l) => l + '\n').join('');
}

/** `berth port c 80[/tcp]`: the host addresses, or undefined when not published. */
export function renderPortLookup(ports: PortMap, spec: string): string | undefined {
  const [port, proto = 'tcp'] = spec.split('/');
  const binds = ports[`${port}/${proto}`];
  if (!binds?.length) return undefined;
  return binds.map((b) => hostAddr(b) + '\n').join('');
}
