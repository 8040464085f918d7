/**
 * The build context as `docker build` sends it: the directory walked in lexical order as a tar
 * stream, `.dockerignore` applied with Docker's rules (the Dockerfile and .dockerignore are
 * always sent; the daemon drops them if ignored), and a Dockerfile from outside the context
 * (or from stdin with `-f -`) added under a random name that .dockerignore then hides.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { DockerIgnore } from '@berth/shared/dockerignore';

export interface ContextSpec {
  dir: string;
  /** The Dockerfile's path relative to the context, or its text when it comes from elsewhere. */
  dockerfile: { rel: string } | { text: string };
}

export interface PackedContext { stream: Readable; dockerfileName: string }

function* walk(root: string, ig: DockerIgnore | undefined, always: Set<string>, rel = ''): Generator<{ rel: string; st: fs.Stats }> {
  let names: string[];
  try { names = fs.readdirSync(path.join(root, rel)).sort(); } catch { return; }
  for (const n of names) {
    const r = rel ? `${rel}/${n}` : n;
    const st = fs.lstatSync(path.join(root, r));
    const ignored = !always.has(r) && !!ig?.matches(r);
    if (st.isDirectory()) {
      if (ignored && !ig!.hasExceptions) continue;
      if (!ignored) yield { rel: r, st };
      yield* walk(root, ig, always, r);
    } else if (!ignored) yield { rel: r, st };
  }
}

async function add(pack: tar.Pack, h: tar.Header | Partial<tar.Header> & { name: string }, body?: string | Buffer | fs.ReadStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      pack.entry(h, body as Buffer | undefined ?? '', (e) => (e ? reject(e) : resolve()));
      return;
    }
    const w = pack.entry(h, (e) => (e ? reject(e) : resolve()));
    body.on('error', reject);
    body.pipe(w as unknown as NodeJS.WritableStream);
  });
}

/** Stream the context as a tar. */
export function packContext(spec: ContextSpec): PackedContext {
  const pack = tar.pack();
  let ignoreText: string | undefined;
  try { ignoreText = fs.readFileSync(path.join(spec.dir, '.dockerignore'), 'utf8'); } catch { /* none */ }
  const ig = ignoreText !== undefined ? DockerIgnore.fromFile(ignoreText) : undefined;
  const extra = 'text' in spec.dockerfile ? `.dockerfile.${crypto.randomBytes(10).toString('hex')}` : undefined;
  const dockerfileName = extra ?? (spec.dockerfile as { rel: string }).rel;
  const always = new Set(['.dockerignore', dockerfileName]);
  void (async () => {
    for (const { rel, st } of walk(spec.dir, ig, always)) {
      const abs = path.join(spec.dir, rel);
      const base = { name: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
      if (extra && rel === '.dockerignore') continue;
      if (st.isDirectory()) await add(pack, { ...base, name: `${rel}/`, type: 'directory' });
      else if (st.isSymbolicLink()) await add(pack, { ...base, type: 'symlink', linkname: fs.readlinkSync(abs) });
      else if (st.isFile()) await add(pack, { ...base, type: 'file', size: st.size }, st.size ? fs.createReadStream(abs) : undefined);
    }
    if (extra) {
      const text = (spec.dockerfile as { text: string }).text;
      const mtime = new Date();
      await add(pack, { name: extra, type: 'file', mode: 0o600, size: Buffer.byteLength(text), mtime }, Buffer.from(text));
      const ign = `${ignoreText ?? ''}\n${extra}\n.dockerignore\n`;
      await add(pack, { name: '.dockerignore', type: 'file', mode: 0o600, size: Buffer.byteLength(ign), mtime }, Buffer.from(ign));
    }
    pack.finalize();
  })().catch((e) => pack.destroy(e));
  return { stream: pack as unknown as Readable, dockerfileName };
}
