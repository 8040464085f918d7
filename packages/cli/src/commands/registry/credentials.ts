/**
 * Registry credentials in the user's berth config (`auths` in ~/.berth/config.json, Docker's
 * format: `{"auths": {"<server>": {"auth": base64("user:pass")}}}`, docker.io under
 * `https://index.docker.io/v1/`), and the X-Registry-Auth object sent for a reference.
 */
import { parseNormalizedNamed } from '@berth/shared/reference';
import { configDir, readUserConfig, writeUserConfig, type CommandContext } from '../../cli/context.js';
import type { AuthConfig } from '@berth/shared/api/types';

export const INDEX_SERVER = 'https://index.docker.io/v1/';

export interface StoredAuth { username?: string; password?: string; identitytoken?: string; serveraddress: string }

/** Docker's convertToHostname: `https://host:port/v1/` → `host:port`. */
export function hostnameOf(server: string): string {
  return server.replace(/^https?:\/\//, '').split('/')[0]!;
}

/** The config key for a registry given as typed (`localhost:5000`, nothing for Docker Hub). */
export function serverKey(server: string | undefined): string {
  if (!server) return INDEX_SERVER;
  const host = hostnameOf(server);
  if (['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(host)) return INDEX_SERVER;
  return host;
}

/** The registry key of an image reference. */
export function keyForImage(name: string): string {
  let domain = 'docker.io';
  try { domain = parseNormalizedNamed(name).domain; } catch { /* the daemon reports bad names */ }
  return serverKey(domain);
}

export function loadAuth(ctx: CommandContext, key: string): StoredAuth | undefined {
  const auths = (readUserConfig(configDir(ctx.globals)).auths ?? {}) as Record<string, { auth?: string; identitytoken?: string }>;
  const entry = auths[key] ?? Object.entries(auths).find(([k]) => serverKey(k) === key)?.[1];
  if (!entry) return undefined;
  const out: StoredAuth = { serveraddress: key };
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i >= 0) { out.username = plain.slice(0, i); out.password = plain.slice(i + 1); }
  }
  if (entry.identitytoken) out.identitytoken = entry.identitytoken;
  return out;
}

/** The X-Registry-Auth object for pulling/pushing an image ({} when not logged in). */
export function authForImage(ctx: CommandContext, name: string): AuthConfig {
  const a = loadAuth(ctx, keyForImage(name));
  return a ? { ...a } : {};
}

export function saveAuth(ctx: CommandContext, key: string, username: string, password: string, identitytoken?: string): void {
  const dir = configDir(ctx.globals);
  const cfg = readUserConfig(dir);
  const auths = (cfg.auths ?? {}) as Record<string, unknown>;
  const entry: Record<string, string> = { auth: Buffer.from(`${username}:${identitytoken ? '' : password}`).toString('base64') };
  if (identitytoken) entry.identitytoken = identitytoken;
  auths[key] = entry;
  cfg.auths = auths;
  writeUserConfig(dir, cfg);
}

/** Remove a server's entry; false when there was none. */
export function removeAuth(ctx: CommandContext, key: string): boolean {
  const dir = configDir(ctx.globals);
  const cfg = readUserConfig(dir);
  const auths = (cfg.auths ?? {}) as Record<string, unknown>;
  const keys = Object.keys(auths).filter((k) => k === key || serverKey(k) === key);
  if (!keys.length) return false;
  for (const k of keys) delete auths[k];
  cfg.auths = auths;
  writeUserConfig(dir, cfg);
  return true;
}
