/**
 * GET /images/search: the registry v1 search API (`/v1/search?q=&n=`), which Docker Hub's index
 * offers and the distribution registry does not (Docker's "Unexpected status code 404" then).
 * Filters: is-official, is-automated, stars.
 */
import { request } from 'undici';
import { InvalidArgument, SystemError } from '@berth/shared';
import { DEFAULT_DOMAIN } from '@berth/shared/reference';
import { isInsecure, type EndpointConfig } from './endpoint.js';
import type { AuthConfig } from './auth-config.js';
import type { ImageSearchResult } from '@berth/shared/api/types';

export type SearchResult = Required<ImageSearchResult>;

/** Docker's splitReposSearchTerm: `localhost:5000/busybox` → index localhost:5000, term busybox. */
export function splitSearchTerm(term: string): { index: string; remote: string } {
  const i = term.indexOf('/');
  if (i > 0) {
    const first = term.slice(0, i);
    if (/[.:]/.test(first) || first === 'localhost') return { index: first, remote: term.slice(i + 1) };
  }
  return { index: DEFAULT_DOMAIN, remote: term };
}

function boolFilter(filters: Map<string, string[]>, key: string): boolean | undefined {
  const v = filters.get(key);
  if (!v?.length) return undefined;
  if (v.length > 1) throw new InvalidArgument(`invalid filter '${key}': conflicting values`);
  if (v[0] === 'true' || v[0] === '1') return true;
  if (v[0] === 'false' || v[0] === '0') return false;
  throw new InvalidArgument(`invalid filter '${key}=${v[0]}'`);
}

export async function searchImages(cfg: EndpointConfig, term: string, limit: number | undefined, filters: Map<string, string[]>, auth: AuthConfig): Promise<SearchResult[]> {
  const n = limit ?? 25;
  if (n < 1 || n > 100) throw new InvalidArgument(`limit ${n} is outside the range of [1, 100]`);
  for (const k of filters.keys()) if (!['is-official', 'is-automated', 'stars'].includes(k)) throw new InvalidArgument(`invalid filter '${k}'`);
  const official = boolFilter(filters, 'is-official');
  const automated = boolFilter(filters, 'is-automated');
  const starsV = filters.get('stars')?.[0];
  const stars = starsV === undefined ? 0 : Number(starsV);
  if (!Number.isInteger(stars)) throw new InvalidArgument(`invalid filter 'stars=${starsV}'`);

  const { index, remote } = splitSearchTerm(term);
  const hosts = index === DEFAULT_DOMAIN ? ['https://index.docker.io'] : isInsecure(index, cfg.insecureRegistries) ? [`https://${index}`, `http://${index}`] : [`https://${index}`];
  const headers: Record<string, string> = {};
  if (auth.username) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  let lastErr: unknown;
  for (const base of hosts) {
    let res;
    try {
      res = await request(`${base}/v1/search?q=${encodeURIComponent(remote)}&n=${n}`, { method: 'GET', headers });
    } catch (e) {
      lastErr = e;
      continue;
    }
    if (res.statusCode !== 200) { await res.body.dump(); throw new SystemError(`Unexpected status code ${res.statusCode}`); }
    const body = await res.body.json() as { results?: SearchResult[] };
    return (body.results ?? [])
      .filter((r) => (official === undefined || r.is_official === official) && (automated === undefined || r.is_automated === automated) && r.star_count >= stars)
      .slice(0, n)
      .map((r) => ({ description: r.description ?? '', is_official: !!r.is_official, is_automated: !!r.is_automated, name: r.name, star_count: r.star_count ?? 0 }));
  }
  throw new SystemError(`Get "${hosts[hosts.length - 1]}/v1/search?q=${encodeURIComponent(remote)}&n=${n}": ${(lastErr as Error)?.message ?? 'failed'}`);
}
