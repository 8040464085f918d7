/**
 * COPY and ADD: resolve the sources (context files with globs, another stage's or image's
 * filesystem for `--from`, heredocs, and for ADD URLs and local archives), checksum them for
 * the cache (paths, content, modes, ownership; not mtimes), and write them into a mounted
 * rootfs with Docker's rules: a directory source copies its contents, a file goes into a
 * destination that ends in `/` or is a directory, several sources need a `/` destination,
 * new files are owned by 0:0 unless `--chown`, `--chmod` sets the mode.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvalidArgument } from '@berth/shared';
import { resolveInRoot as scopedPath } from '../containers/rootfs.js';

const run = promisify(execFile);

export type Source =
  | { kind: 'path'; root: string; rel: string; abs: string; stat: fs.Stats }
  | { kind: 'heredoc'; name: string; content: string }
  | { kind: 'url'; url: string; file: string; name: string; mtime?: Date };

export interface CopyOptions {
  cmdName: 'COPY' | 'ADD';
  dest: string;
  chown?: { uid: number; gid: number };
  chmod?: number;
  /** ADD: extract local tar archives (through `tmpDir`). */
  extract: boolean;
  tmpDir: string;
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

/** Expand a source pattern (relative to `root`) into existing relative paths. */
function expandGlob(root: string, pattern: string): string[] {
  const segs = pattern.split('/').filter((s) => s && s !== '.');
  let cur: string[] = [''];
  for (const seg of segs) {
    const next: string[] = [];
    for (const base of cur) {
      if (!globChars.test(seg)) { next.push(base ? `${base}/${seg}` : seg); continue; }
      let names: string[] = [];
      try { names = fs.readdirSync(scopedPath(root, base)).sort(); } catch { continue; }
      const re = segmentRe(seg);
      for (const n of names) if (re.test(n)) next.push(base ? `${base}/${n}` : n);
    }
    cur = next;
  }
  return cur;
}

/** Resolve `src` patterns relative to `root` (context dir or a stage's rootfs). */
export function resolvePathSources(cmdName: string, root: string, patterns: string[], fromContext: boolean): Source[] {
  const out: Source[] = [];
  for (const pattern of patterns) {
    const clean = path.posix.normalize('/' + pattern).slice(1);
    if (fromContext && path.posix.normalize(pattern).startsWith('..')) {
      throw new InvalidArgument(`${cmdName} failed: forbidden path outside the build context: ${pattern} ()`);
    }
    const rels = globChars.test(clean) ? expandGlob(root, clean) : [clean];
    if (!rels.length) throw new InvalidArgument(`${cmdName} failed: no source files were specified`);
    for (const rel of rels) {
      // Symlinks (the source's own too) resolve inside the root, never on the host.
      const abs = scopedPath(root, rel);
      let stat: fs.Stats;
      try { stat = fs.lstatSync(abs); } catch {
        throw new InvalidArgument(fromContext
          ? `${cmdName} failed: file not found in build context or excluded by .dockerignore: stat ${rel || '.'}: file does not exist`
          : `${cmdName} failed: stat ${rel}: file does not exist`);
      }
      out.push({ kind: 'path', root, rel, abs, stat });
    }
  }
  return out;
}

function hashTree(h: crypto.Hash, abs: string, rel: string, st: fs.Stats): void {
  h.update(`${rel}\0${st.mode}\0${st.uid}:${st.gid}\0${st.isFile() ? st.size : 0}\0`);
  if (st.isSymbolicLink()) h.update(fs.readlinkSync(abs));
  else if (st.isFile()) h.update(fs.readFileSync(abs));
  else if (st.isDirectory()) {
    for (const n of fs.readdirSync(abs).sort()) {
      const child = path.join(abs, n);
      hashTree(h, child, `${rel}/${n}`, fs.lstatSync(child));
    }
  }
}

/** Docker-style source hash for the history and the cache: "file:<hex>", "dir:<hex>", "multi:<hex>". */
export function sourcesChecksum(sources: Source[]): string {
  const parts = sources.map((s) => {
    const h = crypto.createHash('sha256');
    if (s.kind === 'heredoc') { h.update(s.content); return { kind: 'file', hex: h.digest('hex') }; }
    if (s.kind === 'url') { h.update(fs.readFileSync(s.file)); return { kind: 'file', hex: h.digest('hex') }; }
    hashTree(h, s.abs, '', s.stat);
    return { kind: s.stat.isDirectory() ? 'dir' : 'file', hex: h.digest('hex') };
  });
  if (parts.length === 1) return `${parts[0]!.kind}:${parts[0]!.hex}`;
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(`${p.kind}:${p.hex}\n`);
  return `multi:${h.digest('hex')}`;
}

/** Is the file a tar archive ADD would extract (plain, gzip, bzip2, xz)? Returns tar's flag. */
export function archiveFlag(file: string): string | undefined {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(512);
  let n = 0;
  try { n = fs.readSync(fd, buf, 0, 512, 0); } finally { fs.closeSync(fd); }
  if (buf[0] === 0x1f && buf[1] === 0x8b) return '-z';
  if (buf.subarray(0, 3).toString('latin1') === 'BZh') return '-j';
  if (buf[0] === 0xfd && buf.subarray(1, 6).toString('latin1') === '7zXZ\0') return '-J';
  if (n >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return '';
  return undefined;
}

/**
 * mkdir -p of the image path `dir` inside the rootfs (symlinks followed in scope); new
 * directories get `owner` (Docker: the chown identity). Returns the host path.
 */
async function mkdirp(merged: string, dir: string, owner: { uid: number; gid: number }): Promise<string> {
  const full = scopedPath(merged, dir);
  let cur = merged;
  for (const p of path.relative(merged, full).split(path.sep).filter(Boolean)) {
    cur = path.join(cur, p);
    try {
      const st = await fs.promises.lstat(cur);
      if (!st.isDirectory()) throw new InvalidArgument(`mkdir ${dir}: not a directory`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fs.promises.mkdir(cur, { mode: 0o755 });
      await fs.promises.chown(cur, owner.uid, owner.gid);
    }
  }
  return full;
}

async function isDir(p: string): Promise<boolean> {
  try { return (await fs.promises.lstat(p)).isDirectory(); } catch { return false; }
}

async function lstatOrNull(p: string): Promise<fs.Stats | null> {
  try { return await fs.promises.lstat(p); } catch { return null; }
}

/** Make room for a new entry at `dst`: whatever is there (a link, a file, a dir) goes. */
async function clear(dst: string): Promise<void> {
  await fs.promises.rm(dst, { recursive: true, force: true });
}

/**
 * Copy `src` (with `st`, its lstat) to the host path `dst` inside the rootfs `merged`. An
 * existing symlink at `dst` is replaced by a file or link, followed (in scope) by a directory.
 */
async function copyEntry(merged: string, src: string, dst: string, st: fs.Stats, o: CopyOptions, keepOwner = false): Promise<void> {
  const owner = o.chown ?? (keepOwner ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
  const existing = await lstatOrNull(dst);
  if (st.isSymbolicLink()) {
    if (existing) await clear(dst);
    await fs.promises.symlink(await fs.promises.readlink(src), dst);
    await fs.promises.lchown(dst, owner.uid, owner.gid);
    return;
  }
  if (st.isDirectory()) {
    if (existing?.isSymbolicLink()) dst = scopedPath(merged, '/' + path.relative(merged, dst));
    if (!(await isDir(dst))) {
      await clear(dst);
      await fs.promises.mkdir(dst);
    }
    for (const n of await fs.promises.readdir(src)) {
      const s = path.join(src, n);
      await copyEntry(merged, s, path.join(dst, n), await fs.promises.lstat(s), o, keepOwner);
    }
  } else if (st.isFile()) {
    if (existing) await clear(dst);
    await fs.promises.copyFile(src, dst);
  } else return; // devices, fifos, sockets: not copied
  await fs.promises.chown(dst, owner.uid, owner.gid);
  await fs.promises.chmod(dst, o.chmod ?? (st.mode & 0o7777));
  await fs.promises.utimes(dst, st.atime, st.mtime);
}

/** Write `data` as a new file at the host path `target` (replacing what is there). */
async function writeNew(target: string, data: string | Buffer, owner: { uid: number; gid: number }, mode: number, mtime?: Date): Promise<void> {
  await clear(target);
  await fs.promises.writeFile(target, data);
  await fs.promises.chown(target, owner.uid, owner.gid);
  await fs.promises.chmod(target, mode);
  if (mtime) await fs.promises.utimes(target, mtime, mtime);
}

/** Write the sources into the rootfs mounted at `merged`; `dest` is absolute inside the image. */
export async function applyCopy(merged: string, sources: Source[], o: CopyOptions): Promise<void> {
  const owner = o.chown ?? { uid: 0, gid: 0 };
  const destIsDirSyntax = o.dest.endsWith('/') || o.dest.endsWith('/.') || o.dest === '.';
  const destAbs = scopedPath(merged, o.dest);
  if (sources.length > 1 && !destIsDirSyntax && !(await isDir(destAbs))) {
    throw new InvalidArgument(`When using ${o.cmdName} with more than one source file, the destination must be a directory and end with a /`);
  }
  /** Where a single file named `name` goes: into dest when it is a directory, else dest itself. */
  const fileTarget = async (name: string) => {
    if (destIsDirSyntax || (await isDir(destAbs))) return path.join(await mkdirp(merged, o.dest, owner), name);
    await mkdirp(merged, path.posix.dirname(path.posix.normalize(o.dest)), owner);
    return destAbs;
  };
  for (const s of sources) {
    if (s.kind === 'heredoc') {
      await writeNew(await fileTarget(s.name), s.content, owner, o.chmod ?? 0o644);
      continue;
    }
    if (s.kind === 'url') {
      await writeNew(await fileTarget(s.name), await fs.promises.readFile(s.file), owner, o.chmod ?? 0o600, s.mtime);
      continue;
    }
    if (s.stat.isDirectory()) {
      const dir = await mkdirp(merged, o.dest, owner);
      for (const n of await fs.promises.readdir(s.abs)) {
        const src = path.join(s.abs, n);
        await copyEntry(merged, src, path.join(dir, n), await fs.promises.lstat(src), o);
      }
      continue;
    }
    const flag = o.extract && s.stat.isFile() ? archiveFlag(s.abs) : undefined;
    if (flag !== undefined) {
      // Extracted aside, then copied in scope (tar itself would follow the image's symlinks).
      const dir = await mkdirp(merged, o.dest, owner);
      const tmp = await fs.promises.mkdtemp(path.join(o.tmpDir, 'add-'));
      try {
        await run('tar', ['-x', ...(flag ? [flag] : []), '--numeric-owner', '--same-owner', '-C', tmp, '-f', s.abs]);
        for (const n of await fs.promises.readdir(tmp)) {
          const src = path.join(tmp, n);
          await copyEntry(merged, src, path.join(dir, n), await fs.promises.lstat(src), o, true);
        }
      } finally {
        await fs.promises.rm(tmp, { recursive: true, force: true });
      }
      continue;
    }
    await copyEntry(merged, s.abs, await fileTarget(path.basename(s.rel)), s.stat, o);
  }
}

/** Resolve `--chown` against the image's /etc/passwd and /etc/group. */
export function resolveChown(merged: string, spec: string): { uid: number; gid: number } {
  const [user = '', group] = spec.split(':');
  const lookup = (file: string, name: string, what: string): number => {
    if (/^\d+$/.test(name)) return Number(name);
    let lines: string[] = [];
    try { lines = fs.readFileSync(scopedPath(merged, `/etc/${file}`), 'utf8').split('\n'); } catch {
      throw new InvalidArgument(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${name}: no such user: ${name}`);
    }
    const hit = lines.map((l) => l.split(':')).find((f) => f[0] === name);
    if (!hit) throw new InvalidArgument(`unable to convert uid/gid chown string to host mapping: can't find ${what} for ${what === 'uid' ? 'user' : 'group'} ${name}: no such ${what === 'uid' ? 'user' : 'group'}: ${name}`);
    return Number(hit[2]);
  };
  const uid = lookup('passwd', user, 'uid');
  const gid = group !== undefined ? lookup('group', group, 'gid') : uid;
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
