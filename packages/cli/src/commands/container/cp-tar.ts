/**
 * Local directory trees to and from tar streams for `berth cp`, with the archive rules of
 * Docker's CLI (moby pkg/archive TarWithOptions / Untar / RebaseArchiveEntries). Client side
 * only: the daemon reads and writes containers' files with its in-root native layer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/** A device node's tar type and major/minor (Linux dev_t encoding). */
export function deviceNumbers(st: fs.Stats): { type: 'character-device' | 'block-device'; devmajor: number; devminor: number } {
  const rdev = BigInt(st.rdev);
  return { type: st.isCharacterDevice() ? 'character-device' : 'block-device',
    devmajor: Number((rdev >> 8n) & 0xfffn), devminor: Number((rdev & 0xffn) | ((rdev >> 12n) & 0xfff00n)) };
}

// ---- archive a tree --------------------------------------------------------------------

export interface TarTreeOptions {
  /** Replace the first occurrence of `include` in every name (RebaseNames); "/" rebases to the root. */
  rebase?: string;
  /** Do not descend into another filesystem than the top's (export): mountpoints stay as entries. */
  oneFileSystem?: boolean;
  /** Host paths to archive without their contents (e.g. /proc of a running container). */
  noDescend?: (absPath: string) => boolean;
  /** Follow the top path if it is a symlink (/proc/<pid>/root). */
  followTop?: boolean;
  /** Leave out the top directory's own entry (export: "bin/", "etc/" … only). */
  skipTop?: boolean;
}

export function tarHeader(name: string, st: fs.Stats): Partial<tar.Header> & { name: string } {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, uname: '', gname: '' };
}

export function writeTarEntry(pack: tar.Pack, h: Partial<tar.Header> & { name: string }, body?: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!body) { pack.entry(h, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())); return; }
    const s = pack.entry(h, (err) => (err ? reject(err) : resolve()));
    pipeline(body, s as unknown as NodeJS.WritableStream).catch(reject);
  });
}

/**
 * TarWithOptions(srcDir, {IncludeFiles: [include], IncludeSourceDir, RebaseNames}): `include`
 * (a name in srcDir, or ".") and everything below it, names relative to srcDir.
 */
export function tarTree(srcDir: string, include: string, opts: TarTreeOptions = {}): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  const links = new Map<string, string>();
  const rename = (rel: string) => {
    if (!opts.rebase) return rel;
    const repl = opts.rebase === '/' ? '' : opts.rebase;
    if (rel === include) return repl;
    if (include !== '.' && rel.startsWith(`${include}/`)) return repl + rel.slice(include.length);
    return rel;
  };
  const add = async (abs: string, rel: string, topDev: number | undefined): Promise<void> => {
    const top = topDev === undefined;
    let st: fs.Stats;
    try { st = top && opts.followTop ? fs.statSync(abs) : fs.lstatSync(abs); } catch { return; }
    let name = rename(rel);
    if (st.isDirectory()) {
      if (!name.endsWith('/')) name += '/';
      if (!(top && opts.skipTop)) await writeTarEntry(pack, { ...tarHeader(name, st), type: 'directory' });
      const otherFs = opts.oneFileSystem && topDev !== undefined && st.dev !== topDev;
      if (otherFs || opts.noDescend?.(abs)) return;
      let names: string[] = [];
      try { names = fs.readdirSync(abs).sort(); } catch { /* unreadable */ }
      for (const n of names) await add(path.join(abs, n), rel === '.' ? n : path.posix.join(rel, n), topDev ?? st.dev);
    } else if (st.isSymbolicLink()) {
      await writeTarEntry(pack, { ...tarHeader(name, st), type: 'symlink', linkname: fs.readlinkSync(abs) });
    } else if (st.isFile()) {
      if (opts.oneFileSystem && topDev !== undefined && st.dev !== topDev) {
        await writeTarEntry(pack, { ...tarHeader(name, st), type: 'file', size: 0 }); // a file bind mount: the mountpoint only
        return;
      }
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first) { await writeTarEntry(pack, { ...tarHeader(name, st), type: 'link', linkname: first }); return; }
      if (st.nlink > 1) links.set(key, name);
      await writeTarEntry(pack, { ...tarHeader(name, st), type: 'file', size: st.size }, fs.createReadStream(abs));
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      await writeTarEntry(pack, { ...tarHeader(name, st), ...deviceNumbers(st) });
    } else if (st.isFIFO()) {
      await writeTarEntry(pack, { ...tarHeader(name, st), type: 'fifo' });
    }
  };
  (async () => {
    await add(path.join(srcDir, include), include, undefined);
    pack.finalize();
  })().catch((err) => pack.destroy(err));
  pack.on('error', (err) => out.destroy(err));
  pack.pipe(out);
  return out;
}

// ---- rebase entries of an archive ---------------------------------------------------------

/** RebaseArchiveEntries: names whose first element is `oldBase` get `newBase` instead. */
export function rebaseArchive(src: Readable, oldBase: string, newBase: string): Readable {
  const ex = tar.extract();
  const pack = tar.pack();
  const swap = (n: string) => (n === oldBase || n.startsWith(`${oldBase}/`) ? newBase + n.slice(oldBase.length) : n);
  ex.on('entry', (h, stream, next) => {
    h.name = swap(h.name);
    if (h.type === 'link' && h.linkname) h.linkname = swap(h.linkname);
    const sink = pack.entry(h, (err) => (err ? ex.destroy(err) : next()));
    stream.pipe(sink as unknown as NodeJS.WritableStream);
  });
  ex.on('finish', () => pack.finalize());
  ex.on('error', (e) => pack.destroy(e));
  src.on('error', (e) => ex.destroy(e));
  src.pipe(ex as unknown as NodeJS.WritableStream);
  return pack as unknown as Readable;
}

// ---- extract ----------------------------------------------------------------------------

export interface UntarOptions {
  /** Refuse to replace a directory with a non-directory and the reverse (Docker's cp). */
  noOverwriteDirNonDir?: boolean;
  /** Owners: from the archive, a fixed one, or left to whoever extracts (NoLchown). */
  owner?: 'archive' | 'none' | { uid: number; gid: number };
  /**
   * Host path of an entry's parent directory (relative to the destination, "" for itself).
   * The engine resolves it inside the container's root so that symlinks cannot lead out.
   */
  resolveDir?: (relDir: string) => string;
}

export class UntarError extends Error {}

function safeRel(name: string): string {
  const n = path.posix.normalize(`/${name}`).slice(1).replace(/\/+$/, '');
  return n;
}

/** Extract `src` into the existing directory `dest` (moby archive.Untar). */
export async function untar(src: Readable, dest: string, opts: UntarOptions = {}): Promise<void> {
  const resolveDir = opts.resolveDir ?? ((rel: string) => path.join(dest, rel));
  const dirTimes: [string, Date][] = [];
  const ex = tar.extract();
  const owner = (h: tar.Header) => (opts.owner === 'archive' ? { uid: h.uid ?? 0, gid: h.gid ?? 0 } : opts.owner === 'none' || !opts.owner ? undefined : opts.owner);
  const handle = async (h: tar.Header, body: Readable) => {
    const rel = safeRel(h.name);
    let consumed = false;
    const drain = () => (consumed ? Promise.resolve() : new Promise<void>((r) => { consumed = true; body.on('end', r); body.on('error', () => r()); body.resume(); }));
    if (rel === '' && h.type === 'directory') { await drain(); applyMeta(dest, h, owner(h), dirTimes); return; }
    if (rel === '') { await drain(); return; }
    const parentRel = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    let parent = resolveDir(parentRel);
    if (!fs.existsSync(parent)) { mkdirChain(resolveDir, parentRel); parent = resolveDir(parentRel); }
    const target = path.join(parent, path.posix.basename(rel));
    let existing: fs.Stats | undefined;
    try { existing = fs.lstatSync(target); } catch { /* new */ }
    if (existing) {
      if (opts.noOverwriteDirNonDir && existing.isDirectory() && h.type !== 'directory') throw new UntarError(`cannot overwrite directory "${rel}" with non-directory "${dest}"`);
      if (opts.noOverwriteDirNonDir && !existing.isDirectory() && h.type === 'directory') throw new UntarError(`cannot overwrite non-directory "${rel}" with directory "${dest}"`);
      if (!(existing.isDirectory() && h.type === 'directory')) fs.rmSync(target, { recursive: true, force: true });
    }
    switch (h.type) {
      case 'directory':
        if (!existing) fs.mkdirSync(target, { mode: h.mode ?? 0o755 });
        break;
      case 'file': case 'contiguous-file': case undefined:
        consumed = true;
        await pipeline(body, fs.createWriteStream(target, { mode: h.mode ?? 0o644 }));
        break;
      case 'symlink':
        fs.symlinkSync(h.linkname ?? '', target);
        break;
      case 'link': {
        const lrel = safeRel(h.linkname ?? '');
        const ldir = path.posix.dirname(lrel) === '.' ? '' : path.posix.dirname(lrel);
        fs.linkSync(path.join(resolveDir(ldir), path.posix.basename(lrel)), target);
        break;
      }
      case 'fifo':
        await mknod(target, 'p', h);
        break;
      case 'character-device': case 'block-device':
        await mknod(target, h.type === 'character-device' ? 'c' : 'b', h);
        break;
      default:
        break;
    }
    await drain();
    applyMeta(target, h, owner(h), dirTimes);
  };
  let pending: Promise<void> = Promise.resolve();
  ex.on('entry', (h, body, next) => {
    pending = handle(h, body as unknown as Readable).then(() => next(), (e) => { ex.destroy(e); throw e; });
  });
  await pipeline(src, ex as unknown as NodeJS.WritableStream);
  await pending;
  for (const [d, t] of dirTimes.reverse()) { try { fs.utimesSync(d, t, t); } catch { /* gone */ } }
}

function mkdirChain(resolveDir: (rel: string) => string, rel: string): void {
  const parts = rel.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    const parent = resolveDir(parts.slice(0, i - 1).join('/'));
    const p = path.join(parent, parts[i - 1]!);
    if (!fs.existsSync(p)) fs.mkdirSync(p, { mode: 0o755 });
    void sub;
  }
}

async function mknod(target: string, kind: string, h: tar.Header): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  const args = [target, kind];
  if (kind !== 'p') args.push(String(h.devmajor ?? 0), String(h.devminor ?? 0));
  execFileSync('mknod', args);
}

function applyMeta(target: string, h: tar.Header, own: { uid: number; gid: number } | undefined, dirTimes: [string, Date][]): void {
  try {
    if (own) fs.lchownSync(target, own.uid, own.gid);
    if (h.type !== 'symlink' && h.mode !== undefined) fs.chmodSync(target, h.mode & 0o7777);
    const t = h.mtime ?? new Date();
    if (h.type === 'directory') dirTimes.push([target, t]);
    else if (h.type !== 'symlink') fs.utimesSync(target, t, t);
  } catch { /* best effort, as NoLchown */ }
}
