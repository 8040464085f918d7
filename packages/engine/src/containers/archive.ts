/**
 * /containers/{id}/archive (HEAD stat, GET a tar of a path, PUT a tar into a directory) and
 * /containers/{id}/export, on running and stopped containers, with moby's path rules
 * (daemon/archive.go): the last path element is not followed unless the path ends in "/" or
 * "/."; entries are named after the requested base; writes refused on read-only mounts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument, NotFound, SystemError } from '@berth/shared';
import { goBase, goFileMode, tarTree, untar, UntarError, type PathStat } from '@berth/shared/tar-fs';
import { containerMounts, containerPath, resolveInRoot, withRootfs, type Rootfs } from './rootfs.js';
import type { Container, ContainerService } from './service.js';

/** PreserveTrailingDotOrSeparator(Join("/", p), p). */
export function absContainerPath(p: string): string {
  let abs = path.posix.join('/', p);
  if (abs.length > 1) abs = abs.replace(/\/+$/, '');
  if ((p.endsWith('/.') || p === '.') && !abs.endsWith('/.')) abs = `${abs === '/' ? '' : abs}/.`;
  else if (p.endsWith('/') && !abs.endsWith('/')) abs += '/';
  return abs;
}

interface Resolved { abs: string; resolved: string; isRoot: boolean }

/** ResolvePath: the directory part resolved inside the root, the base appended unresolved. */
function resolvePath(root: string, p: string): Resolved {
  const abs = absContainerPath(p);
  const i = abs.lastIndexOf('/');
  const dir = abs.slice(0, i + 1);
  const base = abs.slice(i + 1);
  const resolvedDir = resolveInRoot(root, dir);
  const resolved = `${resolvedDir}/${base}`;
  const cleaned = path.normalize(resolved).replace(/\/+$/, '');
  return { abs, resolved, isRoot: cleaned === path.normalize(root).replace(/\/+$/, '') };
}

const notFound = (p: string, ref: string) => new NotFound(`Could not find the file ${p} in container ${ref}`);

function lstatOrNotFound(file: string, p: string, ref: string, isRoot: boolean): fs.Stats {
  try { return isRoot ? fs.statSync(file) : fs.lstatSync(file); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw notFound(p, ref);
    throw e;
  }
}

function statOf(r: Rootfs, res: Resolved, p: string, ref: string): PathStat {
  const st = lstatOrNotFound(res.resolved, p, ref, res.isRoot);
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = containerPath(r.root, resolveInRoot(r.root, res.abs));
  return { name: goBase(res.abs), size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget };
}

export function encodeStat(s: PathStat): string {
  return Buffer.from(JSON.stringify(s)).toString('base64');
}

function checkPath(p: string | null): string {
  if (!p) throw new InvalidArgument('Path cannot be empty');
  return p;
}

/** HEAD /containers/{id}/archive */
export async function statContainerPath(svc: ContainerService, ref: string, p: string | null): Promise<PathStat> {
  const c = svc.get(ref);
  const want = checkPath(p);
  return withRootfs(svc, c, { volumes: true }, async (r) => statOf(r, resolvePath(r.root, want), want, ref));
}

const SKIP_RUNNING = ['proc', 'sys', 'dev'];

/** GET /containers/{id}/archive: `start(stat)` sends the headers and returns where the tar goes. */
export async function getContainerArchive(svc: ContainerService, ref: string, p: string | null, start: (stat: PathStat) => Writable): Promise<void> {
  const c = svc.get(ref);
  const want = checkPath(p);
  await withRootfs(svc, c, { volumes: true }, async (r) => {
    const res = resolvePath(r.root, want);
    const stat = statOf(r, res, want, ref);
    const skip = new Set(r.running ? SKIP_RUNNING.map((d) => path.join(r.root, d)) : []);
    const rebase = goBase(res.abs);
    let src: Readable;
    if (res.isRoot) {
      src = tarTree(r.root, '.', { rebase, followTop: true, noDescend: (a) => skip.has(a) });
    } else {
      let cleaned = path.normalize(res.resolved).replace(/\/+$/, '');
      if (path.basename(cleaned) === '.') cleaned += '/.';
      const sourceDir = path.dirname(cleaned);
      const sourceBase = path.basename(cleaned);
      src = tarTree(sourceDir, sourceBase, { rebase: rebase !== sourceBase ? rebase : undefined, noDescend: (a) => skip.has(a) });
    }
    await pipeline(src, start(stat));
  });
}

function checkWritable(svc: ContainerService, c: Container, cpath: string): void {
  const mounts = containerMounts(svc, c).filter((m) => cpath === m.Destination || cpath.startsWith(m.Destination.replace(/\/$/, '') + '/'))
    .sort((a, b) => b.Destination.length - a.Destination.length);
  const m = mounts[0];
  if (m && m.RW === false) throw new SystemError('mounted volume is marked read-only');
  if (!m && c.hc.ReadonlyRootfs) throw new SystemError('container rootfs is marked read-only');
}

/** PUT /containers/{id}/archive: extract the tar into the directory `p` (which must exist). */
export async function putContainerArchive(svc: ContainerService, ref: string, p: string | null, src: Readable,
  opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
  const c = svc.get(ref);
  const want = checkPath(p);
  await withRootfs(svc, c, { volumes: true }, async (r) => {
    const abs = absContainerPath(want);
    const dest = resolveInRoot(r.root, abs);
    let st: fs.Stats;
    try { st = fs.statSync(dest); } catch { throw notFound(want, ref); }
    if (!st.isDirectory()) throw new InvalidArgument('extraction point is not a directory');
    const destPath = containerPath(r.root, dest);
    checkWritable(svc, c, destPath);
    try {
      await untar(src, dest, {
        noOverwriteDirNonDir: opts.noOverwriteDirNonDir,
        owner: opts.copyUIDGID ? 'archive' : { uid: 0, gid: 0 },
        resolveDir: (rel) => resolveInRoot(r.root, path.posix.join(destPath, rel)),
      });
    } catch (e) {
      if (e instanceof UntarError) throw new InvalidArgument(e.message);
      if ((e as NodeJS.ErrnoException).code === 'EROFS') throw new SystemError('container rootfs is marked read-only');
      throw e;
    }
  });
}

/** GET /containers/{id}/export: the rootfs (image layers + changes), volumes and mounts left out. */
export async function exportContainer(svc: ContainerService, ref: string, start: () => Writable): Promise<void> {
  const c = svc.get(ref);
  await withRootfs(svc, c, { volumes: false }, async (r) => {
    await pipeline(tarTree(r.root, '.', { followTop: true, skipTop: true, oneFileSystem: true }), start());
  });
}
