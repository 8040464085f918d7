/**
 * /etc/hosts and /etc/resolv.conf contents for a container, as dockerd 20.10 writes them
 * (libnetwork's etchosts and resolvconf packages, sandbox_dns_unix.go).
 */
import fs from 'node:fs';

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export interface HostsInput {
  /** The container's own record: its addresses and hostname (+ domainname). */
  ips: string[];
  hostname: string;
  domainname?: string;
  /** --add-host "name:ip" (Docker also accepts "name=ip"). */
  extraHosts?: string[] | null;
  /** Legacy links: [ip, alias, name, shortId]. */
  links?: { ip: string; names: string[] }[];
  /** What "host-gateway" stands for. */
  hostGateway?: string;
}

export function renderHosts(h: HostsInput): string {
  const lines = [...DEFAULT_HOSTS];
  for (const e of h.extraHosts ?? []) {
    const sep = e.indexOf(':') >= 0 && (e.indexOf('=') < 0 || e.indexOf(':') < e.indexOf('=')) ? ':' : '=';
    const i = e.indexOf(sep);
    const name = e.slice(0, i);
    let ip = e.slice(i + 1);
    if (ip === 'host-gateway') ip = h.hostGateway ?? '';
    if (ip) lines.push(`${ip}\t${name}`);
  }
  for (const l of h.links ?? []) lines.push(`${l.ip}\t${l.names.join(' ')}`);
  // The FQDN and the bare hostname, however the user split them across hostname and domainname.
  const fqdn = h.domainname ? `${h.hostname}.${h.domainname}` : h.hostname;
  const dot = fqdn.indexOf('.');
  const names = dot >= 0 ? `${fqdn} ${fqdn.slice(0, dot)}` : fqdn;
  for (const ip of h.ips) lines.push(`${ip}\t${names}`);
  return lines.join('\n') + '\n';
}

export interface HostResolv {
  nameservers: string[]; search: string[]; options: string[];
  /** The file as read: a container without DNS options gets it, loopback servers filtered out. */
  text?: string;
}

export function parseResolvConf(text: string): HostResolv {
  const out: HostResolv = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.search = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

export function hostResolvConf(file = '/etc/resolv.conf'): HostResolv {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return { ...parseResolvConf(text), text };
  } catch { return { nameservers: [], search: [], options: [] }; }
}

/** Host resolvers a container may use: loopback ones do not work from its netns (Docker falls back to Google's). */
export function usableNameservers(ns: string[]): string[] {
  const ok = ns.filter((n) => !n.startsWith('127.') && n !== '::1');
  return ok.length ? ok : ['8.8.8.8', '8.8.4.4'];
}

export interface ResolvInput {
  host: HostResolv;
  dns?: string[] | null;
  dnsSearch?: string[] | null;
  dnsOptions?: string[] | null;
  /** The embedded resolver's address (user-defined networks). */
  internal?: string;
}

/** resolvconf.Build: search, nameservers, options, each line only when it has something. */
function buildResolvConf(dns: string[], search: string[], options: string[]): string {
  let out = '';
  if (search.length && search.join(' ').trim() !== '.') out += `search ${search.join(' ')}\n`;
  for (const n of dns) out += `nameserver ${n}\n`;
  if (options.length && options.join(' ').trim() !== '') out += `options ${options.join(' ')}\n`;
  return out;
}

/** resolvconf.FilterResolvDNS: the host's file without its loopback servers (Google's when none is left). */
function filterResolvConf(text: string): string {
  let out = text.replace(/^nameserver\s+((127\.([0-9]{1,3}\.){2}[0-9]{1,3})|(::1)$)\s*\n*/gm, '');
  if (!parseResolvConf(out).nameservers.length) out += '\nnameserver 8.8.8.8\nnameserver 8.8.4.4';
  return out;
}

export function renderResolvConf(r: ResolvInput): string {
  const { host } = r;
  const custom = !!(r.dns?.length || r.dnsSearch?.length || r.dnsOptions?.length);
  const base = custom
    ? buildResolvConf(r.dns?.length ? r.dns : host.nameservers, r.dnsSearch?.length ? r.dnsSearch : host.search, r.dnsOptions?.length ? r.dnsOptions : host.options)
    : filterResolvConf(host.text ?? buildResolvConf(host.nameservers, host.search, host.options));
  if (!r.internal) return base;
  // The embedded resolver (sandbox.rebuildDNS): it answers first, the external servers stay
  // behind it; ndots:0 unless the user set ndots.
  const parsed = parseResolvConf(base);
  const options = parsed.options.some((o) => o.includes('ndots')) ? parsed.options : [...parsed.options, 'ndots:0'];
  return buildResolvConf([r.internal, ...parsed.nameservers.filter((n) => n.includes(':'))], parsed.search, options);
}
