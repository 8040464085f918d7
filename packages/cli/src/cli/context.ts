/** What every command handler receives: parsed flags, the client, and the standard streams. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Docker } from '../client/docker.js';
import { ContextStore, DEFAULT_CONTEXT } from './contexts.js';
import { StatusError } from './errors.js';

export interface GlobalOptions {
  host?: string;
  context?: string;
  config: string;
  debug: boolean;
  logLevel: string;
  tls: boolean;
  tlsverify: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
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

/** Where and how to reach the daemon: a host address and, for tcp with TLS, the PEM material. */
export interface Endpoint {
  host: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
}

/** Docker's order: --context, then -H, then BERTH_HOST, then BERTH_CONTEXT, then config.json's currentContext. */
export function contextName(globals: GlobalOptions): string {
  if (globals.context && globals.host) throw new StatusError(1, 'conflicting options: cannot specify both --host and --context');
  if (globals.context) return globals.context;
  if (globals.host || process.env.BERTH_HOST) return DEFAULT_CONTEXT;
  return process.env.BERTH_CONTEXT || readUserConfig(configDir(globals)).currentContext || DEFAULT_CONTEXT;
}

/** The default context's address: -H, BERTH_HOST (DOCKER_HOST as a fallback), else the default socket. */
export function defaultHost(globals: GlobalOptions): string {
  return globals.host || process.env.BERTH_HOST || DEFAULT_HOST;
}

function readPem(file: string, what: string, explicit: boolean): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if (!explicit && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StatusError(1, `could not read ${what} "${file}": open ${file}: no such file or directory`);
  }
}

/** --tls/--tlsverify (BERTH_TLS_VERIFY) with --tlscacert/--tlscert/--tlskey, defaults in BERTH_CERT_PATH or the config dir. */
export function globalTls(globals: GlobalOptions): Endpoint['tls'] {
  const verify = globals.tlsverify || !!process.env.BERTH_TLS_VERIFY;
  if (!globals.tls && !verify) return undefined;
  const dir = process.env.BERTH_CERT_PATH || configDir(globals);
  const pick = (flag: string | undefined, file: string, what: string) =>
    readPem(flag || path.join(dir, file), what, !!flag);
  const ca = pick(globals.tlscacert, 'ca.pem', 'CA certificate');
  const cert = pick(globals.tlscert, 'cert.pem', 'certificate');
  const key = pick(globals.tlskey, 'key.pem', 'key');
  if (!!cert !== !!key) throw new StatusError(1, 'Could not load X509 key pair: both a certificate and a key are needed');
  return { ca, cert, key, rejectUnauthorized: verify };
}

export function resolveEndpoint(globals: GlobalOptions): Endpoint {
  const name = contextName(globals);
  if (name === DEFAULT_CONTEXT) return { host: defaultHost(globals), tls: globalTls(globals) };
  const store = new ContextStore(configDir(globals));
  let meta;
  try {
    meta = store.get(name);
  } catch (e) {
    throw new StatusError(1, `Failed to initialize: unable to resolve docker endpoint: ${(e as Error).message}`);
  }
  const docker = meta.Endpoints?.docker ?? { Host: DEFAULT_HOST, SkipTLSVerify: false };
  const files = store.tlsFiles(name);
  const hasTls = files['ca.pem'] || files['cert.pem'] || docker.SkipTLSVerify;
  return {
    host: docker.Host || DEFAULT_HOST,
    tls: hasTls ? { ca: files['ca.pem'], cert: files['cert.pem'], key: files['key.pem'], rejectUnauthorized: !docker.SkipTLSVerify } : undefined,
  };
}

export function resolveHost(globals: GlobalOptions): string {
  return resolveEndpoint(globals).host;
}
