/** What every command handler receives: parsed flags, the client, and the standard streams. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Docker } from '../client/docker.js';

export interface GlobalOptions {
  host?: string;
  context?: string;
  config: string;
  debug: boolean;
  logLevel: string;
  tls: boolean;
  tlsverify: boolean;
}

export interface CommandContext {
  globals: GlobalOptions;
  /** The command path as typed (`ps`, `container ls`). */
  path: string;
  /** Connect lazily: commands that fail on flags never open a socket. */
  docker(): Docker;
  /** The daemon address in use, for messages. */
  host(): string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

export const DEFAULT_HOST = 'unix:///run/berth.sock';

export function configDir(globals: Pick<GlobalOptions, 'config'>): string {
  return globals.config || process.env.BERTH_CONFIG || path.join(os.homedir(), '.berth');
}

/** The user's config file (~/.berth/config.json): auths, currentContext, detachKeys … as Docker's. */
export function readUserConfig(dir: string): Record<string, any> {
  try { return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')); } catch { return {}; }
}

export function writeUserConfig(dir: string, cfg: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'config.json');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** -H, then BERTH_HOST (DOCKER_HOST as a fallback), then the current context, then the default socket. */
export function resolveHost(globals: GlobalOptions): string {
  if (globals.host) return globals.host;
  if (process.env.BERTH_HOST) return process.env.BERTH_HOST;
  const dir = configDir(globals);
  const ctxName = globals.context ?? process.env.BERTH_CONTEXT ?? readUserConfig(dir).currentContext;
  if (ctxName && ctxName !== 'default') {
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'contexts', ctxName, 'meta.json'), 'utf8'));
      if (meta?.Endpoints?.docker?.Host) return meta.Endpoints.docker.Host;
    } catch { /* unknown context: fall through to the default */ }
  }
  return DEFAULT_HOST;
}
