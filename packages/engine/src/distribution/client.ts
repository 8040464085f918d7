/**
 * A session with one registry repository (distribution v2 HTTP API) on undici: ping `/v2/`,
 * then every request carries credentials as the registry's challenge asks — Basic, or a Bearer
 * token fetched from the challenge's realm for `repository:<name>:<actions>` scopes (Docker Hub's
 * flow), refreshed when a request needs a scope the token lacks. Redirects (blob storage) are
 * followed without the Authorization header when they leave the registry's origin.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { SystemError, Unauthorized } from '@berth/shared';
import { parseChallenges, type Challenge } from './challenge.js';
import type { AuthConfig } from './auth-config.js';
import type { RegistryEndpoint } from './endpoint.js';

const secureAgent = new Agent({ connect: { timeout: 15000 }, headersTimeout: 60000, bodyTimeout: 120000 });
const insecureAgent = new Agent({ connect: { timeout: 15000, rejectUnauthorized: false }, headersTimeout: 60000, bodyTimeout: 120000 });

const USER_AGENT = 'berth/0.1.0 go/go1.22 os/linux arch/amd64';

export interface RegistryErrorEntry { code: string; message: string; detail?: unknown }

/** An error answer from a registry, carrying its distribution error codes. */
export class RegistryError extends Error {
  constructor(readonly status: number, readonly errors: RegistryErrorEntry[], message: string) {
    super(message);
    this.name = 'RegistryError';
  }
  get code(): string | undefined { return this.errors[0]?.code; }
}

/** errcode.Error's text: "manifest unknown: manifest unknown". */
export function errcodeText(e: RegistryErrorEntry): string {
  return `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}`;
}

export async function registryError(res: Dispatcher.ResponseData, what: string): Promise<RegistryError> {
  let text = '';
  try { text = await res.body.text(); } catch { /* no body */ }
  let errors: RegistryErrorEntry[] = [];
  try {
    const parsed = JSON.parse(text);
    if (Array.isArray(parsed?.errors)) errors = parsed.errors.filter((e: RegistryErrorEntry) => e && typeof e.code === 'string');
  } catch { /* not JSON */ }
  if (errors.length === 1) return new RegistryError(res.statusCode, errors, errcodeText(errors[0]!));
  if (errors.length > 1) return new RegistryError(res.statusCode, errors, `errors:\n${errors.map(errcodeText).join('\n')}\n`);
  const status = `${res.statusCode} ${statusText(res.statusCode)}`;
  if (res.statusCode === 401) return new RegistryError(401, [{ code: 'UNAUTHORIZED', message: 'authentication required' }], 'unauthorized: authentication required');
  return new RegistryError(res.statusCode, [], `${what}: unexpected status code ${status}${text && text.length < 200 ? `: ${text.trim()}` : ''}`);
}

function statusText(code: number): string {
  const t: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 416: 'Requested Range Not Satisfiable', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return t[code] ?? '';
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer | Readable | null;
  /** Extra token scopes this request needs (cross-repository mount: `repository:<from>:pull`). */
  scopes?: string[];
  /** A full URL (upload locations) instead of a path below the endpoint. */
  url?: string;
  /** Follow redirects (blob GETs); off for uploads, whose Location is the next step. */
  follow?: boolean;
  signal?: AbortSignal;
}

export class RegistrySession {
  private challenges: Challenge[] = [];
  private readonly tokens = new Map<string, string>();
  readonly dispatcher: Dispatcher;
  /** Aborts every request of the session that does not bring its own signal. */
  signal?: AbortSignal;

  constructor(readonly endpoint: RegistryEndpoint, readonly auth: AuthConfig, readonly repo: string, readonly actions: string[]) {
    this.dispatcher = endpoint.insecure ? insecureAgent : secureAgent;
  }

  get baseUrl(): string { return this.endpoint.url; }

  /** GET /v2/: reachability and the auth challenge. Throws on connection errors (the caller falls back). */
  async ping(signal?: AbortSignal): Promise<void> {
    const res = await request(`${this.baseUrl}/v2/`, { method: 'GET', dispatcher: this.dispatcher, headers: { 'user-agent': USER_AGENT }, signal });
    await res.body.dump();
    if (res.statusCode === 401) this.challenges = parseChallenges(res.headers['www-authenticate']);
    else if (res.statusCode >= 400 && res.statusCode !== 404) throw new Error(`${this.baseUrl}/v2/: unexpected status ${res.statusCode}`);
  }

  get challenge(): Challenge | undefined {
    return this.challenges.find((c) => c.scheme === 'bearer') ?? this.challenges.find((c) => c.scheme === 'basic');
  }

  scope(repo = this.repo, actions = this.actions): string {
    return `repository:${repo}:${actions.join(',')}`;
  }

  private basicHeader(): string | undefined {
    if (!this.auth.username) return undefined;
    return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}`;
  }

  /** Fetch a bearer token for scopes from the challenge's realm (GET with Basic, or the OAuth2 refresh flow). */
  async fetchToken(scopes: string[], opts: { offline?: boolean } = {}): Promise<{ token: string; refreshToken?: string }> {
    const ch = this.challenge!;
    const realm = ch.params.realm;
    if (!realm) throw new Error('bearer challenge without realm');
    if (this.auth.registrytoken) return { token: this.auth.registrytoken };
    const agent = realm.startsWith('http:') || this.endpoint.insecure ? insecureAgent : secureAgent;
    let res: Dispatcher.ResponseData;
    if (this.auth.identitytoken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.auth.identitytoken, client_id: 'docker' });
      if (ch.params.service) form.set('service', ch.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await request(realm, { method: 'POST', dispatcher: agent, body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT } });
    } else {
      const u = new URL(realm);
      if (ch.params.service) u.searchParams.set('service', ch.params.service);
      for (const s of scopes) u.searchParams.append('scope', s);
      const headers: Record<string, string> = { 'user-agent': USER_AGENT };
      const basic = this.basicHeader();
      if (basic) {
        headers.authorization = basic;
        u.searchParams.set('account', this.auth.username!);
        if (opts.offline) { u.searchParams.set('offline_token', 'true'); u.searchParams.set('client_id', 'docker'); }
      }
      res = await request(u.toString(), { method: 'GET', dispatcher: agent, headers });
    }
    if (res.statusCode !== 200) {
      // Docker Hub answers {"details": "incorrect username or password"}; registries, errcodes.
      const text = await res.body.text().catch(() => '');
      let msg = res.statusCode === 401 ? 'unauthorized: incorrect username or password' : `unexpected status code ${res.statusCode}`;
      try {
        const doc = JSON.parse(text);
        if (typeof doc?.details === 'string') msg = `unauthorized: ${doc.details}`;
        else if (Array.isArray(doc?.errors) && doc.errors[0]?.code) msg = errcodeText(doc.errors[0]);
      } catch { /* not JSON */ }
      throw new Unauthorized(`Get "${realm}": ${msg}`);
    }
    const body = await res.body.json() as { token?: string; access_token?: string; refresh_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint ${realm} returned no token`);
    return { token, refreshToken: body.refresh_token };
  }

  private async authHeader(method: string, url: string, scopes: string[]): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const h = this.basicHeader();
      if (!h) throw new SystemError(`${method.charAt(0)}${method.slice(1).toLowerCase()} "${url}": no basic auth credentials`);
      return h;
    }
    if (ch.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    let token = this.tokens.get(key);
    if (!token) {
      token = (await this.fetchToken(scopes)).token;
      this.tokens.set(key, token);
    }
    return `Bearer ${token}`;
  }

  /** One request below the endpoint (or to an upload URL), authenticated; retried once after a fresh challenge. */
  async fetch(method: Dispatcher.HttpMethod, path: string, opts: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
    const scopes = [this.scope(), ...(opts.scopes ?? [])];
    let url = opts.url ?? `${this.baseUrl}${path}`;
    const origin = new URL(this.baseUrl).origin;
    for (let attempt = 0, redirects = 0; ; ) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...opts.headers };
      if (new URL(url).origin === origin) {
        const auth = await this.authHeader(method, url, scopes);
        if (auth) headers.authorization = auth;
      }
      const res = await request(url, { method, headers, body: opts.body ?? undefined, dispatcher: this.dispatcher, signal: opts.signal ?? this.signal });
      if (res.statusCode === 401 && attempt === 0 && (opts.body === undefined || opts.body === null || typeof opts.body === 'string' || Buffer.isBuffer(opts.body))) {
        const fresh = parseChallenges(res.headers['www-authenticate']);
        if (fresh.length) {
          await res.body.dump();
          this.challenges = fresh;
          this.tokens.clear();
          attempt++;
          continue;
        }
      }
      if (opts.follow && [301, 302, 303, 307, 308].includes(res.statusCode) && res.headers.location && redirects < 5) {
        await res.body.dump();
        url = new URL(String(res.headers.location), url).toString();
        redirects++;
        continue;
      }
      return res;
    }
  }
}

/** Open a session on the first endpoint that answers /v2/ (https, then http for insecure registries). */
export async function openSession(endpoints: RegistryEndpoint[], auth: AuthConfig, repo: string, actions: string[]): Promise<RegistrySession> {
  let lastErr: unknown;
  let lastUrl = '';
  for (const ep of endpoints) {
    const s = new RegistrySession(ep, auth, repo, actions);
    try {
      await s.ping();
      return s;
    } catch (e) {
      lastErr = e;
      lastUrl = ep.url;
    }
  }
  const cause = lastErr as Error & { code?: string; cause?: { code?: string; message?: string } };
  const detail = cause?.cause?.message ?? cause?.message ?? String(lastErr);
  throw new Error(`Get "${lastUrl}/v2/": ${detail}`, { cause: lastErr });
}
