/**
 * Docker's context store in the user's berth config dir, same layout as the docker CLI's:
 *
 *   <config>/config.json                         {"currentContext": "name", …}
 *   <config>/contexts/meta/<sha256(name)>/meta.json
 *       {"Name","Metadata":{"Description"},"Endpoints":{"docker":{"Host","SkipTLSVerify"}}}
 *   <config>/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem
 *
 * The `default` context is never stored: it is BERTH_HOST (or the default socket) plus the
 * global --tls* flags.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ContextMeta {
  Name: string;
  Metadata: { Description?: string };
  Endpoints: { docker: { Host: string; SkipTLSVerify: boolean } };
}

export type TlsFiles = Partial<Record<'ca.pem' | 'cert.pem' | 'key.pem', Buffer>>;

export const DEFAULT_CONTEXT = 'default';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export class ContextError extends Error {}

export function validateName(name: string): void {
  if (name === DEFAULT_CONTEXT) throw new ContextError(`"${name}" is a reserved context name`);
  if (!NAME_RE.test(name)) throw new ContextError(`context name "${name}" is invalid, names are validated against regexp "${NAME_RE.source}"`);
}

const hash = (name: string) => crypto.createHash('sha256').update(name).digest('hex');

export class ContextStore {
  constructor(readonly configDir: string) {}

  metaDir(name: string): string { return path.join(this.configDir, 'contexts', 'meta', hash(name)); }
  tlsDir(name: string): string { return path.join(this.configDir, 'contexts', 'tls', hash(name)); }

  exists(name: string): boolean { return fs.existsSync(path.join(this.metaDir(name), 'meta.json')); }

  get(name: string): ContextMeta {
    const file = path.join(this.metaDir(name), 'meta.json');
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as ContextMeta;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? `open ${file}: no such file or directory` : err.message;
      throw new ContextError(`context "${name}": context not found: ${why}`);
    }
  }

  list(): ContextMeta[] {
    const dir = path.join(this.configDir, 'contexts', 'meta');
    let entries: string[] = [];
    try { entries = fs.readdirSync(dir); } catch { return []; }
    const out: ContextMeta[] = [];
    for (const e of entries) {
      try { out.push(JSON.parse(fs.readFileSync(path.join(dir, e, 'meta.json'), 'utf8'))); } catch { /* not a context */ }
    }
    return out;
  }

  tlsFiles(name: string): TlsFiles {
    const dir = path.join(this.tlsDir(name), 'docker');
    const out: TlsFiles = {};
    for (const f of ['ca.pem', 'cert.pem', 'key.pem'] as const) {
      try { out[f] = fs.readFileSync(path.join(dir, f)); } catch { /* absent */ }
    }
    return out;
  }

  /** Writes meta.json (atomically) and replaces the TLS material when `tls` is given. */
  save(meta: ContextMeta, tls?: TlsFiles): void {
    const dir = this.metaDir(meta.Name);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const file = path.join(dir, 'meta.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta), { mode: 0o644 });
    fs.renameSync(`${file}.tmp`, file);
    if (tls) {
      const tdir = path.join(this.tlsDir(meta.Name), 'docker');
      fs.rmSync(tdir, { recursive: true, force: true });
      const files = Object.entries(tls).filter(([, v]) => v);
      if (files.length) fs.mkdirSync(tdir, { recursive: true, mode: 0o700 });
      for (const [f, data] of files) fs.writeFileSync(path.join(tdir, f), data!, { mode: 0o600 });
    }
  }

  remove(name: string): void {
    fs.rmSync(this.metaDir(name), { recursive: true, force: true });
    fs.rmSync(this.tlsDir(name), { recursive: true, force: true });
  }
}
