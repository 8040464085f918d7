/**
 * Reference domain → registry endpoints, as dockerd chooses them: docker.io is served by
 * registry-1.docker.io (behind any `registry-mirrors`, pull only); https by default, plain http
 * as a fallback for registries listed in `insecure-registries` (host[:port] or CIDR) and for
 * loopback ones (localhost, 127.0.0.0/8, ::1) as Docker's default insecure CIDRs have it.
 */
import net from 'node:net';
import { DEFAULT_DOMAIN } from '@berth/shared/reference';

export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
export const DOCKER_HUB_INDEX = 'https://index.docker.io/v1/';

export interface RegistryEndpoint {
  /** host[:port] to connect to. */
  host: string;
  /** Base URL without trailing slash: https://host or http://host (a mirror may carry a path). */
  url: string;
  /** Whether TLS verification is skipped and plain http is allowed as a fallback. */
  insecure: boolean;
  mirror: boolean;
}

export interface EndpointConfig {
  insecureRegistries: string[];
  registryMirrors: string[];
}

/** The canonical name of an index for credentials: docker.io's is Docker's v1 index address. */
export function indexServerAddress(domain: string): string {
  return domain === DEFAULT_DOMAIN ? DOCKER_HUB_INDEX : domain;
}

/** Normalize a login server address (`https://index.docker.io/v1/`, `http://localhost:5000/`) to a domain. */
export function serverAddressDomain(address: string): string {
  let a = address.trim().replace(/^https?:\/\//, '');
  a = a.replace(/\/.*$/, '');
  if (a === '' || a === 'index.docker.io' || a === 'docker.io' || a === DOCKER_HUB_REGISTRY) return DEFAULT_DOMAIN;
  return a;
}

function splitHostPort(host: string): { hostname: string; port?: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (m) return { hostname: m[1]!, port: m[2] };
  const i = host.lastIndexOf(':');
  if (i > 0 && host.indexOf(':') === i) return { hostname: host.slice(0, i), port: host.slice(i + 1) };
  return { hostname: host };
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsStr] = cidr.split('/');
  const bits = Number(bitsStr);
  if (!base || !Number.isInteger(bits) || net.isIP(base) === 0 || net.isIP(base) !== net.isIP(ip)) return false;
  const list = new net.BlockList();
  list.addSubnet(base, bits, net.isIP(base) === 6 ? 'ipv6' : 'ipv4');
  return list.check(ip, net.isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Docker's isSecureIndex, without DNS lookups beyond `localhost`. */
export function isInsecure(host: string, insecureRegistries: string[]): boolean {
  const { hostname } = splitHostPort(host);
  for (const entry of insecureRegistries) {
    const e = entry.replace(/^https?:\/\//, '').replace(/\/$/, '');
    if (e === host || e === hostname) return true;
  }
  const ips = hostname === 'localhost' ? ['127.0.0.1', '::1'] : net.isIP(hostname) ? [hostname] : [];
  const cidrs = ['127.0.0.0/8', '::1/128', ...insecureRegistries.filter((e) => e.includes('/') && net.isIP(e.split('/')[0]!) !== 0)];
  return ips.some((ip) => cidrs.some((c) => inCidr(ip, c)));
}

/** Endpoints to try for a reference domain, in order. `forPush` skips mirrors. */
export function endpointsFor(domain: string, cfg: EndpointConfig, forPush = false): RegistryEndpoint[] {
  const out: RegistryEndpoint[] = [];
  if (domain === DEFAULT_DOMAIN) {
    if (!forPush) {
      for (const m of cfg.registryMirrors) {
        const u = new URL(m.includes('://') ? m : `https://${m}`);
        const insecure = u.protocol === 'http:' || isInsecure(u.host, cfg.insecureRegistries);
        out.push({ host: u.host, url: `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`, insecure, mirror: true });
      }
    }
    out.push({ host: DOCKER_HUB_REGISTRY, url: `https://${DOCKER_HUB_REGISTRY}`, insecure: false, mirror: false });
    return out;
  }
  const insecure = isInsecure(domain, cfg.insecureRegistries);
  out.push({ host: domain, url: `https://${domain}`, insecure, mirror: false });
  if (insecure) out.push({ host: domain, url: `http://${domain}`, insecure, mirror: false });
  return out;
}
