/**
 * Published ports: HostConfig.PortBindings (+ PublishAllPorts over the exposed ports) expanded
 * to concrete bindings, and the shapes inspect (NetworkSettings.Ports) and ps (Ports) show.
 */
import { InvalidArgument } from '@berth/shared';

export type Proto = 'tcp' | 'udp' | 'sctp';
export interface PortBinding { HostIp: string; HostPort: string }
/** What a binding asks for; hostPort 0 → any free port, or the first free of [hostPort, hostPortEnd]. */
export interface PortRequest { proto: Proto; containerPort: number; hostIp: string; hostPort: number; hostPortEnd: number }
/** A binding in effect. */
export interface PortMapping { proto: Proto; containerPort: number; hostIp: string; hostPort: number }

export function parsePortKey(key: string): { port: number; proto: Proto } {
  const [p, proto = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!/^\d+$/.test(p ?? '') || port < 1 || port > 65535) throw new InvalidArgument(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new InvalidArgument(`invalid proto: ${proto}`);
  return { port, proto };
}

function parseHostPort(s: string): [number, number] {
  if (!s) return [0, 0];
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new InvalidArgument(`invalid hostPort: ${s}`);
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (a > 65535 || b > 65535 || b < a) throw new InvalidArgument(`invalid hostPort: ${s}`);
  return [a, b];
}

export function portRequests(
  bindings: Record<string, PortBinding[] | null> | null | undefined,
  exposed: Record<string, object> | null | undefined,
  publishAll: boolean,
): PortRequest[] {
  const out: PortRequest[] = [];
  const keys = new Set(Object.keys(bindings ?? {}));
  for (const key of keys) {
    const { port, proto } = parsePortKey(key);
    const list = bindings![key] ?? [];
    for (const b of list.length ? list : publishAll ? [{ HostIp: '', HostPort: '' }] : []) {
      const [hostPort, hostPortEnd] = parseHostPort(b.HostPort ?? '');
      out.push({ proto, containerPort: port, hostIp: b.HostIp ?? '', hostPort, hostPortEnd });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      if (keys.has(key)) continue;
      const { port, proto } = parsePortKey(key);
      out.push({ proto, containerPort: port, hostIp: '', hostPort: 0, hostPortEnd: 0 });
    }
  }
  return out;
}

const hostIpOf = (ip: string) => (ip === '' ? '0.0.0.0' : ip);

/** NetworkSettings.Ports: every exposed or bound port, null when not published. */
export function inspectPorts(exposed: Record<string, object> | null | undefined, bindings: Record<string, unknown> | null | undefined,
  mappings: PortMapping[]): Record<string, PortBinding[] | null> {
  const out: Record<string, PortBinding[] | null> = {};
  for (const key of [...Object.keys(exposed ?? {}), ...Object.keys(bindings ?? {})]) {
    const { port, proto } = parsePortKey(key);
    out[`${port}/${proto}`] = null;
  }
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.proto}`;
    (out[key] ??= []).push({ HostIp: hostIpOf(m.hostIp), HostPort: String(m.hostPort) });
  }
  return out;
}

/** The Ports of GET /containers/json. */
export function summaryPorts(exposed: Record<string, object> | null | undefined, mappings: PortMapping[]):
  { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] {
  const out: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] = [];
  const published = new Set<string>();
  for (const m of mappings) {
    out.push({ IP: hostIpOf(m.hostIp), PrivatePort: m.containerPort, PublicPort: m.hostPort, Type: m.proto });
    published.add(`${m.containerPort}/${m.proto}`);
  }
  for (const key of Object.keys(exposed ?? {})) {
    const { port, proto } = parsePortKey(key);
    if (!published.has(`${port}/${proto}`)) out.push({ PrivatePort: port, Type: proto });
  }
  return out;
}
