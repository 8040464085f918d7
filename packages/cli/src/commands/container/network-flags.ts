/**
 * run/create's networking flags: -p/--publish, -P, --expose, --network, --ip, --ip6,
 * --network-alias, --mac-address, --link, --dns, --dns-search, --dns-option, --add-host, turned
 * into Config.ExposedPorts, HostConfig (NetworkMode, PortBindings, PublishAllPorts, Links, Dns…,
 * ExtraHosts) and NetworkingConfig.EndpointsConfig as the docker CLI sends them.
 */
import type { Args } from '../../cli/flags.js';
import type { ContainerCreateRequest, EndpointSettings } from '@berth/shared/api/types';

const nonEmpty = (v: readonly string[]): string[] => v.filter((s) => s !== '');

export type NetworkArgs = Pick<Args<'container create'>, 'network' | 'publish' | 'expose' | 'publish-all' | 'link' | 'add-host' | 'dns'
  | 'dns-search' | 'dns-option' | 'ip' | 'ip6' | 'network-alias' | 'mac-address'>;

export interface PortSpecs { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> }

function range(s: string, what: string, raw: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] ? Number(m[2]) : a;
  if (!m || a < 0 || a > 65535 || b > 65535 || b < a || (what === 'containerPort' && a === 0)) throw new Error(`invalid ${what}: ${s || raw}`);
  return [a, b];
}

/** Docker's nat.ParsePortSpecs for -p values (ip:hostPort:containerPort[/proto], ranges, [ipv6]). */
export function parsePublish(values: string[]): PortSpecs {
  const out: PortSpecs = { exposed: {}, bindings: {} };
  for (const raw of values) {
    let spec = raw;
    let proto = 'tcp';
    const slash = spec.lastIndexOf('/');
    if (slash >= 0) { proto = spec.slice(slash + 1).toLowerCase(); spec = spec.slice(0, slash); }
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
    let ip = '';
    let rest = spec;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
    if (v6) { ip = v6[1]!; rest = v6[2]!; }
    const parts = rest.split(':');
    let host = '';
    let container: string;
    if (v6) {
      if (parts.length !== 2) throw new Error(`invalid port specification: "${raw}"`);
      [host, container] = parts as [string, string];
    } else if (parts.length === 1) container = parts[0]!;
    else if (parts.length === 2) [host, container] = parts as [string, string];
    else if (parts.length === 3) [ip, host, container] = parts as [string, string, string];
    else { container = parts.pop()!; host = parts.pop()!; ip = parts.join(':'); }
    if (ip && !/^[\d.]+$/.test(ip) && !ip.includes(':')) throw new Error(`invalid IP address: ${ip}`);
    const [cStart, cEnd] = range(container, 'containerPort', raw);
    const [hStart, hEnd] = host ? range(host, 'hostPort', raw) : [0, 0];
    const cCount = cEnd - cStart;
    const hCount = hEnd - hStart;
    if (host && hCount !== 0 && cCount !== hCount && cCount !== 0) {
      throw new Error(`invalid ranges specified for container and host Ports: ${container} and ${host}`);
    }
    for (let i = 0; i <= cCount; i++) {
      const key = `${cStart + i}/${proto}`;
      out.exposed[key] = {};
      let hostPort = '';
      if (host) hostPort = cCount === 0 && hCount !== 0 ? `${hStart}-${hEnd}` : String(hStart + i);
      (out.bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
    }
  }
  return out;
}

/** --expose "80", "80/udp", "8000-8010". */
export function parseExpose(values: string[]): Record<string, object> {
  const out: Record<string, object> = {};
  for (const raw of values) {
    const [ports, proto = 'tcp'] = raw.split('/');
    const [a, b] = range(ports!, 'range format for --expose', raw);
    for (let p = a; p <= b; p++) out[`${p}/${proto}`] = {};
  }
  return out;
}

export function checkExtraHosts(values: string[]): string[] {
  for (const v of values) {
    const sep = v.includes('=') ? '=' : ':';
    const i = v.indexOf(sep);
    if (i <= 0 || i === v.length - 1) throw new Error(`invalid argument "${v}" for "--add-host" flag: bad format for add-host: "${v}"`);
  }
  return values;
}

/** Fill the create body's networking parts from argv (body as opts.ts builds it). */
export function applyNetworkFlags(body: ContainerCreateRequest, argv: NetworkArgs): void {
  const hc = (body.HostConfig ??= {});
  const networks = nonEmpty(argv.network);
  const mode = networks[0] || 'default';
  const ports = parsePublish(nonEmpty(argv.publish));
  const exposed = { ...parseExpose(nonEmpty(argv.expose)), ...ports.exposed };
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  hc.NetworkMode = mode;
  hc.PortBindings = ports.bindings;
  hc.PublishAllPorts = argv['publish-all'];
  const links = nonEmpty(argv.link);
  for (const l of links) if (!/^[^:]+(:[^:]+)?$/.test(l)) throw new Error(`invalid argument "${l}" for "--link" flag: invalid format ${l}`);
  hc.Links = links.length ? links : null;
  const hosts = checkExtraHosts(nonEmpty(argv['add-host']));
  hc.ExtraHosts = hosts.length ? hosts : null;
  hc.Dns = nonEmpty(argv.dns);
  hc.DnsSearch = nonEmpty(argv['dns-search']);
  hc.DnsOptions = nonEmpty(argv['dns-option']);
  const ip = argv.ip ?? '';
  const ip6 = argv.ip6 ?? '';
  const aliases = nonEmpty(argv['network-alias']);
  const mac = argv['mac-address'] ?? '';
  const endpoints: Record<string, EndpointSettings> = {};
  for (const n of networks.length ? networks : []) endpoints[n] = {};
  if (ip || ip6 || aliases.length || mac || links.length) {
    const ep = (endpoints[mode] ??= {});
    if (ip || ip6) ep.IPAMConfig = { IPv4Address: ip || undefined, IPv6Address: ip6 || undefined };
    if (aliases.length) ep.Aliases = aliases;
    if (mac) ep.MacAddress = mac;
    if (links.length && mode !== 'default' && mode !== 'bridge') ep.Links = links;
  }
  body.NetworkingConfig = { EndpointsConfig: endpoints };
}
