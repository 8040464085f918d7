/**
 * Registry credentials as the Engine API carries them: the `X-Registry-Auth` header (base64url
 * JSON of Docker's AuthConfig) on pull/push/search/distribution, and the JSON body of POST /auth.
 */
import type { RequestBodies } from '@berth/shared/api/types';
import { decodeAsGoType } from '@berth/shared/api/request-bodies';

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("user:pass"), as stored in config files. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  /** A refresh token from a previous login (OAuth2 registries). */
  identitytoken?: string;
  /** A bearer token to send as-is. */
  registrytoken?: string;
}

/** An AuthConfig as Go decoded it (field names matched case-insensitively, canonical here). */
function normalize(raw: AuthConfig): AuthConfig {
  const pick = (k: keyof AuthConfig) => (raw[k] ? raw[k] : undefined);
  const a: AuthConfig = {
    username: pick('username'), password: pick('password'), auth: pick('auth'), email: pick('email'),
    serveraddress: pick('serveraddress'), identitytoken: pick('identitytoken'), registrytoken: pick('registrytoken'),
  };
  if (a.auth && !a.username) {
    const plain = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { a.username = plain.slice(0, i); a.password = plain.slice(i + 1); }
  }
  for (const k of Object.keys(a) as (keyof AuthConfig)[]) if (a[k] === undefined) delete a[k];
  return a;
}

/** Decode X-Registry-Auth; a missing or undecodable header means anonymous (as dockerd treats it). */
export function decodeAuthHeader(header: string | string[] | undefined): AuthConfig {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return {};
  try {
    const json = Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return normalize(decodeAsGoType<AuthConfig>(json, 'registry.AuthConfig'));
  } catch {
    return {};
  }
}

/** The body of POST /auth. */
export function authFromBody(body: RequestBodies['SystemAuth']): AuthConfig {
  return normalize(body as AuthConfig);
}

export function hasCredentials(a: AuthConfig): boolean {
  return !!(a.username || a.identitytoken || a.registrytoken);
}
