/** What the context commands share: the store in the config dir, the current name, --docker parsing. */
import fs from 'node:fs';
import type { CommandContext } from '../../cli/context.js';
import { configDir, contextName, defaultHost, globalTls } from '../../cli/context.js';
import { ContextError, ContextStore, DEFAULT_CONTEXT, type ContextMeta, type TlsFiles } from '../../cli/contexts.js';
import { StatusError } from '../../cli/errors.js';

export const store = (ctx: CommandContext) => new ContextStore(configDir(ctx.globals));

/** The context in use, by Docker's precedence (cli/context.ts). */
export const currentName = (ctx: CommandContext): string => contextName(ctx.globals);

export const DEFAULT_DESCRIPTION = 'Current BERTH_HOST based configuration';

/** The default context as `context inspect` shows it (never stored). */
export function defaultMeta(ctx: CommandContext): ContextMeta {
  return { Name: DEFAULT_CONTEXT, Metadata: {}, Endpoints: { docker: { Host: defaultHost(ctx.globals), SkipTLSVerify: false } } };
}

export function getMeta(ctx: CommandContext, name: string): { meta: ContextMeta; tls: TlsFiles } {
  if (name === DEFAULT_CONTEXT) {
    const t = globalTls(ctx.globals);
    const meta = defaultMeta(ctx);
    if (t && !t.rejectUnauthorized) meta.Endpoints.docker.SkipTLSVerify = true;
    return { meta, tls: t ? { 'ca.pem': t.ca, 'cert.pem': t.cert, 'key.pem': t.key } : {} };
  }
  return guard(() => { const s = store(ctx); return { meta: s.get(name), tls: s.tlsFiles(name) }; });
}

/** Runs a store operation, turning its ContextError into Docker's exit 1 with the bare message. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ContextError) throw new StatusError(1, e.message);
    throw e;
  }
}

/** `--docker host=…,ca=…,cert=…,key=…,skip-tls-verify=true` (Docker's endpoint config keys). */
export function parseDockerFlag(ctx: CommandContext, value: string, base: { meta: ContextMeta; tls: TlsFiles }, verb = 'create'): { host: string; skip: boolean; tls: TlsFiles } {
  const out = { host: base.meta.Endpoints.docker.Host, skip: base.meta.Endpoints.docker.SkipTLSVerify, tls: { ...base.tls } };
  const fail = (msg: string): never => { throw new StatusError(1, `unable to ${verb} docker endpoint config: ${msg}`); };
  const read = (file: string) => { try { return fs.readFileSync(file); } catch (e) { return fail(`open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`); } };
  for (const part of value.split(',').filter(Boolean)) {
    const i = part.indexOf('=');
    const [k, v] = i < 0 ? [part, ''] : [part.slice(0, i), part.slice(i + 1)];
    switch (k) {
      case 'host': out.host = v; break;
      case 'ca': out.tls['ca.pem'] = read(v); break;
      case 'cert': out.tls['cert.pem'] = read(v); break;
      case 'key': out.tls['key.pem'] = read(v); break;
      case 'skip-tls-verify': out.skip = v === 'true' || v === '1'; break;
      case 'from': { const f = getMeta(ctx, v); out.host = f.meta.Endpoints.docker.Host; out.skip = f.meta.Endpoints.docker.SkipTLSVerify; out.tls = f.tls; break; }
      default: fail(`unrecognized config key: ${k}`);
    }
  }
  return out;
}
