/**
 * COPY and ADD: resolve the sources (context files with globs, another stage's or image's
 * filesystem for `--from`, heredocs, and for ADD URLs and local archives), checksum them for
 * the cache (paths, content, modes, ownership; not mtimes), and write them into a mounted
 * rootfs with Docker's rules: a directory source copies its contents, a file goes into a
 * destination that ends in `/` or is a directory, several sources need a `/` destination,
 * new files are owned by 0:0 unless `--chown`, `--chmod` sets the mode.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidArgument } from '@berth/shared';
import {
  extractInRoot, mkdirAllInRoot, openInRoot, readdirInRoot, readFileInRoot, S, statInRoot, tarInRoot, type InRootStat,
} from '../storage/in-root.js';

/**
 * Every source is read, and every file written, inside its root by the in-root layer
 * (storage/in-root.ts): a source is a tar of its path made in the source root (the context, a
 * stage's or an image's filesystem), extracted in the build container's rootfs.
 */
export type Source =
  | { kind: 'path'; root: string; rel: string; stat: InRootStat; fromContext: boolean }
  | { kind: 'heredoc'; name: string; content: string }
  | { kind: 'url'; url: string; file: string; name: string; mtime?: Date };

export interface CopyOptions {
  cmdName: 'COPY' | 'ADD';
  dest: string;
  chown?: { uid: number; gid: number };
  chmod?: number;
  /** ADD: extract local tar archives. */
  extract: boolean;
}

const globChars = /[*?[\\]/;

function segmentRe(seg: string): RegExp {
  let re = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      let cls = seg.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) re += seg[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/** Expand a source pattern (relative to `root`) into existing relative paths, listing inside the root. */
async function expandGlob(root: string, pattern: string): Promise<string[]> {
  const segs = pattern.split('/').filter((s) => s && s !== '.');
  let cur: string[] = [''];
  for (const seg of segs) {
    const next: string[] = [];
    for (const base of cur) {
      if (!globChars.test(seg)) { next.push(base ? `${base}/${seg}` : seg); continue; }
      let names: string[] = [];
      try { names = await readdirInRoot(root, '/' + base); } catch { continue; }
      const re = segmentRe(seg);
      for (const n of names) if (re.test(n)) next.push(base ? `${base}/${n}` : n);
    }
    cur = next;
  }
  return cur;
}

/** Resolve `src` patterns relative to `root` (context dir or a stage's rootfs), inside it. */
export async function resolvePathSources(cmdName: string, root: string, patterns: string[], fromContext: boolean): Promise<Source[]> {
  const out: Source[] = [];
  for (const pattern of patterns) {
    const clean = path.posix.normalize('/' + pattern).slice(1);
    if (fromContext && path.posix.normalize(pattern).startsWith('..')) {
      throw new InvalidArgument(`${cmdName} failed: forbidden path outside the build context: ${pattern} ()`);
    }
    const rels = globChars.test(clean) ? await expandGlob(root, clean) : [clean];
    if (!rels.length) throw new InvalidArgument(`${cmdName} failed: no source files were specified`);
    for (const rel of rels) {
      // The source's own symlinks (its last name too) resolve inside the root, never on the host.
      const stat = await statInRoot(root, '/' + rel, { follow: true });
      if (!stat) {
        throw new InvalidArgument(fromContext
          ? `${cmdName} failed: file not found in build context or excluded by .dockerignore: stat ${rel || '.'}: file does not exist`
          : `${cmdName} failed: stat ${rel}: file does not exist`);
      }
      out.push({ kind: 'path', root, rel, stat, fromContext });
    }
  }
  return out;
}

/** A path source as a tar made inside its root: the top named `topName`, or only its contents. */
function sourceTar(s: Extract<Source, { kind: 'path' }>, topName?: string): Readable {
  return tarInRoot(s.root, '/' + s.rel, topName === undefined ? { follow: true, skipTop: true, childPrefix: '' } : { follow: true, topName, childPrefix: topName });
}

/** Names, modes, owners, sizes, link targets and contents of a tar (not its mtimes); or the contents only. */
async function hashTar(h: crypto.Hash, src: Readable, opts: { bodiesOnly?: boolean } = {}): Promise<void> {
  const ex = tar.extract();
  ex.on('entry', (hd, body, next) => {
    if (!opts.bodiesOnly) h.update(`${hd.name}\0${hd.type}\0${hd.mode}\0${hd.uid}:${hd.gid}\0${hd.size ?? 0}\0${hd.linkname ?? ''}\0`);
    body.on('data', (c: unknown) => h.update(c as Buffer));
    body.on('end', next);
    body.on('error', next);
  });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
    src.on('error', (e) => { ex.destroy(e); reject(e); });
    src.pipe(ex as unknown as NodeJS.WritableStream);
  });
}

/** The name of a uid or gid in the host's passwd or group file ('' when it has none). */
function hostName(file: string, id: number): string {
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === id && f[2] !== '') return f[0]!;
    }
  } catch { /* no such file */ }
  return '';
}

/** Docker-style source hash for the history and the cache: "file:<hex>", "dir:<hex>", "multi:<hex>". */
export async function sourcesChecksum(sources: Source[]): Promise<string> {
  const parts: { kind: string; hex: string }[] = [];
  for (const s of sources) {
    const h = crypto.createHash('sha256');
    if (s.kind === 'heredoc') { h.update(s.content); parts.push({ kind: 'file', hex: h.digest('hex') }); continue; }
    if (s.kind === 'url') { h.update(fs.readFileSync(s.file)); parts.push({ kind: 'file', hex: h.digest('hex') }); continue; }
    if (S.isFile(s.stat.mode)) {
      // Docker's own sum (builder/remotecontext NewFileHash): a tarsum v1 header of the file, its
      // path relative to its root included, then its bytes. So the history shows Docker's
      // `COPY file:<sum>`, and `COPY --from=builder /build/server .` never hits the cache of
      // `COPY server.sh .` for a file with the same bytes and mode.
      // A context file's header is the CLI's (permissions only, no owner names); a stage's or an
      // image's file gets dockerd's own (the regular-file type bit, owner names from the host).
      const st = s.stat;
      const mode = s.fromContext ? st.mode & 0o7777 : (st.mode & 0o7777) | 0o100000;
      const uname = s.fromContext ? '' : hostName('/etc/passwd', st.uid);
      const gname = s.fromContext ? '' : hostName('/etc/group', st.gid);
      h.update(`name${s.rel}mode${mode}uid${st.uid}gid${st.gid}size${st.size}typeflag0linknameuname${uname}gname${gname}devmajor0devminor0`);
      await hashTar(h, sourceTar(s, '.'), { bodiesOnly: true });
      parts.push({ kind: 'file', hex: h.digest('hex') });
      continue;
    }
    h.update(`${s.rel}\0`);
    await hashTar(h, sourceTar(s, '.'));
    parts.push({ kind: S.isDir(s.stat.mode) ? 'dir' : 'file', hex: h.digest('hex') });
  }
  if (parts.length === 1) return `${parts[0]!.kind}:${parts[0]!.hex}`;
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(`${p.kind}:${p.hex}\n`);
  return `multi:${h.digest('hex')}`;
}

/** Is the header of a tar archive ADD would extract (plain, gzip, bzip2, xz)? */
export function isArchiveHeader(buf: Buffer, n: number): boolean {
  if (buf[0] === 0x1f && buf[1] === 0x8b) return true;
  if (buf.subarray(0, 3).toString('latin1') === 'BZh') return true;
  if (buf[0] === 0xfd && buf.subarray(1, 6).toString('latin1') === '7zXZ\0') return true;
  return n >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar';
}

/** An ADD source opened inside its root when it is a local archive (the fd, at offset 0), else null. */
async function openArchive(s: Extract<Source, { kind: 'path' }>): Promise<number | null> {
  if (!S.isFile(s.stat.mode)) return null;
  const fd = await openInRoot(s.root, '/' + s.rel, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const buf = Buffer.alloc(512);
  let n = 0;
  try { n = fs.readSync(fd, buf, 0, 512, 0); } catch { /* unreadable: not an archive */ }
  if (fs.fstatSync(fd).isFile() && isArchiveHeader(buf, n)) return fd;
  fs.closeSync(fd);
  return null;
}

/** One file made in JS (a heredoc, a fetched URL) as a tar of one entry. */
function oneFileTar(name: string, data: Buffer, mode: number, mtime = new Date()): Readable {
  const pack = tar.pack();
  pack.entry({ name, mode, mtime, size: data.length, uid: 0, gid: 0 }, data);
  pack.finalize();
  return pack as unknown as Readable;
}

/** Write the sources into the rootfs mounted at `merged`; `dest` is absolute inside the image. */
export async function applyCopy(merged: string, sources: Source[], o: CopyOptions): Promise<void> {
  const owner = o.chown ?? { uid: 0, gid: 0 };
  const destIsDirSyntax = o.dest.endsWith('/') || o.dest.endsWith('/.') || o.dest === '.';
  const destStat = await statInRoot(merged, o.dest, { follow: true });
  const destIsDir = destIsDirSyntax || (!!destStat && S.isDir(destStat.mode));
  // A file destination that is a symlink is written through, at its target in the rootfs (as
  // moby's ResolveScopedPath does).
  const destPath = (await statInRoot(merged, o.dest, { resolve: true }))?.resolved ?? path.posix.normalize(o.dest);
  if (sources.length > 1 && !destIsDir) {
    throw new InvalidArgument(`When using ${o.cmdName} with more than one source file, the destination must be a directory and end with a /`);
  }
  const into = (dir: string, extra: { owner?: { uid: number; gid: number }; chmod?: number } = {}) =>
    ({ createDest: owner, owner, chmod: o.chmod, ...extra, dir });
  /** Where a single file named `name` goes: into dest when it is a directory, else dest itself. */
  const fileTarget = (name: string) => (destIsDir ? { dir: o.dest, name } : { dir: path.posix.dirname(destPath), name: path.posix.basename(destPath) });
  const put = async (src: Readable | number, t: ReturnType<typeof into>) => {
    await extractInRoot(src, merged, t.dir, { createDest: t.createDest, owner: t.owner, chmod: t.chmod });
  };
  for (const s of sources) {
    if (s.kind === 'heredoc') {
      const t = fileTarget(s.name);
      await put(oneFileTar(t.name, Buffer.from(s.content), o.chmod ?? 0o644), into(t.dir));
      continue;
    }
    if (s.kind === 'url') {
      const t = fileTarget(s.name);
      await put(oneFileTar(t.name, fs.readFileSync(s.file), o.chmod ?? 0o600, s.mtime), into(t.dir));
      continue;
    }
    if (S.isDir(s.stat.mode)) {
      await put(sourceTar(s), into(o.dest));
      continue;
    }
    const archive = o.extract ? await openArchive(s) : null;
    if (archive !== null) {
      // ADD of a local archive: extracted into dest with the archive's owners (unless --chown).
      await put(archive, into(o.dest, { owner: o.chown, chmod: undefined }));
      continue;
    }
    const t = fileTarget(path.posix.basename(s.rel));
    await put(sourceTar(s, t.name), into(t.dir));
  }
}

/** mkdir -p of a WORKDIR inside the rootfs (symlinks followed in it). */
export function makeWorkdir(merged: string, dir: string): Promise<void> {
  return mkdirAllInRoot(merged, dir);
}

/** Resolve `--chown` against the image's /etc/passwd and /etc/group (read inside the rootfs). */
export async function resolveChown(merged: string, spec: string): Promise<{ uid: number; gid: number }> {
  const [user = '', group] = spec.split(':');
  const lookup = async (file: string, name: string, what: string): Promise<number> => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = await readFileInRoot(merged, `/etc/${file}`);
    if (!text) {
      throw new InvalidArgument(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${name}: no such user: ${name}`);
    }
    const hit = text.toString('utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === name);
    if (!hit) throw new InvalidArgument(`unable to convert uid/gid chown string to host mapping: can't find ${what} for ${what === 'uid' ? 'user' : 'group'} ${name}: no such ${what === 'uid' ? 'user' : 'group'}: ${name}`);
    return Number(hit[2]);
  };
  const uid = await lookup('passwd', user, 'uid');
  const gid = group !== undefined ? await lookup('group', group, 'gid') : uid;
  return { uid, gid };
}

/** Parse `--chmod` (octal only, as the classic builder accepts). */
export function parseChmod(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new InvalidArgument(`invalid chmod parameter: ${spec}`);
  return parseInt(spec, 8);
}

/** Fetch an ADD URL into `dir`, checking `--checksum` (tests only use loopback servers). */
export async function fetchUrl(url: string, dir: string, checksum?: string): Promise<Source> {
  const res = await fetch(url);
  if (!res.ok) throw new InvalidArgument(`failed to GET ${url} with status ${res.status} ${res.statusText}`);
  const file = path.join(dir, `url-${crypto.randomBytes(6).toString('hex')}`);
  const data = Buffer.from(await res.arrayBuffer());
  if (checksum) {
    const got = `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
    if (got !== checksum) throw new InvalidArgument(`digest mismatch ${got}: ${checksum}`);
  }
  await fs.promises.writeFile(file, data);
  const u = new URL(url);
  const name = path.posix.basename(u.pathname) || '__unnamed__';
  const lm = res.headers.get('last-modified');
  return { kind: 'url', url, file, name, mtime: lm ? new Date(lm) : undefined };
}
