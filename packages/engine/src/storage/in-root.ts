/**
 * File access inside a root — a container's, a build context's, a layer's — through the N-API
 * addon (native/berth/src/inroot.cc, archive.cc). Every path is resolved inside the root by the
 * kernel on a thread of the addon's (chrooted; in the container's mount namespace for a running
 * one; openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), never in JS: a container can swap a
 * directory for a symlink between a JS check and a later open (CVE-2018-15664).
 *
 * A root is a host directory, or `{ pid, id }`: a running container's init (checked to still be
 * in the container's cgroup), entered with its own mounts.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { nativeAddon } from '../native.js';

export type RootRef = string | { pid: number; id: string };

export interface InRootStat {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; mtimeMs: number; atimeMs: number;
  /** A symlink's own target text (lstat only). */
  linkText?: string;
  /** The path with every symlink followed inside the root (with `resolve`). */
  resolved?: string;
}

export interface ExtractOptions {
  /** An image layer: whiteouts → overlay whiteouts; hostile names and symlink traversal refused. */
  layer?: boolean;
  /** Docker's cp: never replace a directory with a non-directory or the reverse. */
  noOverwriteDirNonDir?: boolean;
  /** Every entry's owner (else the archive's). */
  owner?: { uid: number; gid: number };
  /** Every entry's mode (COPY --chmod). */
  chmod?: number;
  /** mkdir -p the destination, new directories owned so (else it must exist). */
  createDest?: { uid: number; gid: number };
  /** An entry "." gives the destination its owner, mode and times. */
  topMeta?: boolean;
}

export interface TarOptions {
  /** Follow the top path if it is a symlink (inside the root). */
  follow?: boolean;
  /** Leave out the top's own entry. */
  skipTop?: boolean;
  /** The top's entry name (directories get a "/"). Default ".". */
  topName?: string;
  /** Prefix of the names below the top ("" → bare relative names). */
  childPrefix?: string;
  /** Other filesystems' mountpoints are archived without their contents. */
  oneFileSystem?: boolean;
  /** In-root paths archived without their contents (/proc of a running container). */
  noDescend?: string[];
  /** An overlay upperdir as a Docker layer: whiteouts → `.wh.` files, opaque dirs → `.wh..wh..opq`. */
  layer?: boolean;
  /** In-root paths whose contents are skipped (the path itself stays). */
  exclude?: string[];
  /** In-root paths dropped with everything below them. */
  ignore?: string[];
}

export interface ScanEntry { path: string; mode: number; size: number; mtimeMs: number; rdev: number; opaque: boolean }

interface Addon {
  openInRoot(root: RootRef, p: string, flags: number, mode?: number): Promise<number>;
  statInRoot(root: RootRef, paths: string[], opts?: { follow?: boolean; resolve?: boolean }): Promise<(InRootStat | null)[]>;
  readdirInRoot(root: RootRef, p: string): Promise<string[]>;
  bindMountInRoot(source: string, root: RootRef, target: string, readonly: boolean): Promise<void>;
  unlinkInRoot(root: RootRef, p: string): Promise<boolean>;
  extractInRoot(src: number | string, root: RootRef, dest: string, opts?: ExtractOptions): Promise<{ size: number }>;
  tarInRoot(root: RootRef, p: string, outFd: number, opts?: TarOptions): Promise<void>;
  scanInRoot(root: RootRef, p: string, opts?: TarOptions): Promise<ScanEntry[]>;
  pipe(): [number, number];
}

const load = () => nativeAddon<Addon>();

export const S = {
  isDir: (m: number) => (m & 0o170000) === 0o040000,
  isFile: (m: number) => (m & 0o170000) === 0o100000,
  isSymlink: (m: number) => (m & 0o170000) === 0o120000,
  isCharDevice: (m: number) => (m & 0o170000) === 0o020000,
  isBlockDevice: (m: number) => (m & 0o170000) === 0o060000,
  isFIFO: (m: number) => (m & 0o170000) === 0o010000,
  isSocket: (m: number) => (m & 0o170000) === 0o140000,
};

export const errCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** Open `p` inside `root` (symlinks followed in it). The caller owns the fd. */
export function openInRoot(root: RootRef, p: string, flags: number, mode?: number): Promise<number> {
  return load().openInRoot(root, p, flags, mode);
}

/** lstat (stat with `follow`) of `p` inside `root`; null when it does not exist. */
export async function statInRoot(root: RootRef, p: string, opts: { follow?: boolean; resolve?: boolean } = {}): Promise<InRootStat | null> {
  return (await load().statInRoot(root, [p], opts))[0] ?? null;
}

/** Many at once, on one thread (e.g. a layer's paths for `docker diff`). */
export function statManyInRoot(root: RootRef, paths: string[], opts: { follow?: boolean } = {}): Promise<(InRootStat | null)[]> {
  return load().statInRoot(root, paths, opts);
}

/** A directory's names inside `root`, sorted bytewise. */
export function readdirInRoot(root: RootRef, p: string): Promise<string[]> {
  return load().readdirInRoot(root, p);
}

/** A regular file's bytes inside `root` (null when missing or not a regular file). */
export async function readFileInRoot(root: RootRef, p: string): Promise<Buffer | null> {
  let fd: number;
  try { fd = await openInRoot(root, p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EXDEV', 'EISDIR'].includes(errCode(e) ?? '')) return null;
    throw e;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Remove the file `p` inside `root` (its last name is not followed); false when it was not there. */
export function unlinkInRoot(root: RootRef, p: string): Promise<boolean> {
  return load().unlinkInRoot(root, p);
}

/** mkdir -p of `p` inside `root` (symlinks followed in it); new directories owned by `owner`. */
export async function mkdirAllInRoot(root: RootRef, p: string, owner = { uid: 0, gid: 0 }): Promise<void> {
  await extractInRoot(Readable.from([Buffer.alloc(1024)]), root, p, { createDest: owner }); // an empty tar
}

/** Bind `source` (a host path) on `target` inside `root`, through fds (open_tree + move_mount). */
export function bindMountInRoot(source: string, root: RootRef, target: string, readonly: boolean): Promise<void> {
  return load().bindMountInRoot(source, root, target, readonly);
}

/**
 * Extract a tar (plain, gzip, bzip2, xz, zstd) into `dest` inside `root`: from a host file, an fd
 * (handed over: the addon closes it), or a stream fed through a pipe (whoever produced it can hash
 * the same bytes). Rejects with the extraction's error or the stream's; never leaves either unhandled.
 */
export async function extractInRoot(src: Readable | string | number, root: RootRef, dest: string, opts: ExtractOptions = {}): Promise<{ size: number }> {
  const a = load();
  if (typeof src === 'string' || typeof src === 'number') return a.extractInRoot(src, root, dest, opts);
  const [rfd, wfd] = a.pipe();
  const done = a.extractInRoot(rfd, root, dest, opts); // the addon owns rfd and closes it
  const sink = new net.Socket({ fd: wfd, readable: false, writable: true });
  const feeding = new Promise<Error | undefined>((resolve) => {
    // A source that fails or is cut closes the pipe: the extraction ends at once (with its error).
    const cut = (e: Error) => { sink.destroy(); resolve(e); };
    src.once('error', cut);
    let ended = false;
    src.once('end', () => { ended = true; });
    src.once('close', () => { if (!ended) cut(new Error('the archive stream ended early')); });
    sink.once('error', resolve);
    sink.once('finish', () => resolve(undefined));
    src.pipe(sink);
  });
  let result: { size: number };
  try {
    result = await done;
  } catch (e) {
    // The source is left drained, not destroyed: an HTTP request's socket must still carry the answer.
    src.unpipe(sink);
    sink.destroy();
    src.on('error', () => undefined);
    src.resume();
    throw e;
  }
  const feedErr = await feeding;
  if (feedErr) throw feedErr;
  return result;
}

/**
 * `p` inside `root` and what is below it, as a tar stream. The stream ends only once the walk
 * has succeeded; its error is the walk's. Destroying it stops the walk (its pipe breaks).
 */
export function tarInRoot(root: RootRef, p: string, opts: TarOptions = {}): Readable {
  const a = load();
  const [rfd, wfd] = a.pipe();
  const out = new PassThrough();
  let done: Promise<void>;
  try { done = a.tarInRoot(root, p, wfd, opts); } catch (e) { fs.closeSync(rfd); throw e; }
  const src = new net.Socket({ fd: rfd, readable: true, writable: false });
  const read = new Promise<void>((resolve, reject) => { src.on('end', resolve); src.on('error', reject); });
  src.pipe(out, { end: false });
  out.on('close', () => src.destroy());
  Promise.all([done, read]).then(() => out.end(), (e: Error) => { src.destroy(); out.destroy(e); });
  return out;
}

/** The walk of tarInRoot, listed (`docker diff`). */
export function scanInRoot(root: RootRef, p: string, opts: TarOptions = {}): Promise<ScanEntry[]> {
  return load().scanInRoot(root, p, opts);
}
