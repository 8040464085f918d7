/**
 * /containers/{id}/archive (HEAD stat, GET a tar of a path, PUT a tar into a directory) and
 * /containers/{id}/export, on running and stopped containers, with moby's path rules
 * (daemon/archive.go): the last path element is not followed unless the path ends in "/" or
 * "/."; entries are named after the requested base; writes refused on read-only mounts.
 * Every path is resolved, and every file read or written, inside the container's root by the
 * in-root layer (storage/in-root.ts): nothing here resolves a path itself.
 */
import { once } from 'node:events';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument, NotFound, SystemError } from '@berth/shared';
import { goBase, goFileMode, type PathStat } from '@berth/shared/file-mode';
import { errCode, extractInRoot, S, statInRoot, tarInRoot, type RootRef } from '../storage/in-root.js';
import { containerMounts, withRootfs } from './rootfs.js';
import { containerUserIds } from './container-user.js';
import type { Container } from './container.js';
import type { ContainerFiles } from './backend.js';

/** PreserveTrailingDotOrSeparator(Join("/", p), p). */
export function absContainerPath(p: string): string {
  let abs = path.posix.join('/', p);
  if (abs.length > 1) abs = abs.replace(/\/+$/, '');
  if ((p.endsWith('/.') || p === '.') && !abs.endsWith('/.')) abs = `${abs === '/' ? '' : abs}/.`;
  else if (p.endsWith('/') && !abs.endsWith('/')) abs += '/';
  return abs;
}

/** The path names what it ends in, followed: "/", "…/" and "…/." (moby's lstat of "dir/." ). */
const followsLast = (abs: string) => abs === '/' || abs.endsWith('/') || abs.endsWith('/.');

const notFound = (p: string, ref: string) => new NotFound(`Could not find the file ${p} in container ${ref}`);

async function statOf(root: RootRef, abs: string, p: string, ref: string): Promise<PathStat> {
  const st = await statInRoot(root, abs, { follow: followsLast(abs), resolve: true });
  if (!st) throw notFound(p, ref);
  const linkTarget = S.isSymlink(st.mode) ? st.resolved ?? '' : '';
  return { name: goBase(abs), size: st.size, mode: goFileMode(st.mode), mtime: new Date(st.mtimeMs).toISOString(), linkTarget };
}

export function encodeStat(s: PathStat): string {
  return Buffer.from(JSON.stringify(s)).toString('base64');
}

function checkPath(p: string | null): string {
  if (!p) throw new InvalidArgument('Path cannot be empty');
  return p;
}

/** HEAD /containers/{id}/archive */
export async function statContainerPath(svc: ContainerFiles, c: Container, ref: string, p: string | null): Promise<PathStat> {
  const want = checkPath(p);
  return withRootfs(svc, c, { volumes: true }, (r) => statOf(r.root, absContainerPath(want), want, ref));
}

const SKIP_RUNNING = ['/proc', '/sys', '/dev'];

/** GET /containers/{id}/archive: `start(stat)` sends the headers and returns where the tar goes. */
export async function getContainerArchive(svc: ContainerFiles, c: Container, ref: string, p: string | null, start: (stat: PathStat) => Writable): Promise<void> {
  const want = checkPath(p);
  await withRootfs(svc, c, { volumes: true }, async (r) => {
    const abs = absContainerPath(want);
    const stat = await statOf(r.root, abs, want, ref);
    const name = goBase(abs);
    const src = tarInRoot(r.root, abs, {
      follow: followsLast(abs),
      topName: name,
      childPrefix: abs === '/' ? '' : name,
      noDescend: r.running ? SKIP_RUNNING : [],
    });
    // Headers go out with the first bytes: a walk that fails at once (the path swapped away since
    // the stat) still answers with its error.
    try {
      await once(src, 'readable');
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') throw notFound(want, ref);
      throw e;
    }
    await pipeline(src, start(stat));
  });
}

function checkWritable(svc: ContainerFiles, c: Container, cpath: string): void {
  const mounts = containerMounts(svc, c).filter((m) => cpath === m.Destination || cpath.startsWith(m.Destination.replace(/\/$/, '') + '/'))
    .sort((a, b) => b.Destination.length - a.Destination.length);
  const m = mounts[0];
  if (m && m.RW === false) throw new InvalidArgument('mounted volume is marked read-only');
  if (!m && c.hc.ReadonlyRootfs) throw new InvalidArgument('container rootfs is marked read-only');
}

/** PUT /containers/{id}/archive: extract the tar into the directory `p` (which must exist). */
export async function putContainerArchive(svc: ContainerFiles, c: Container, ref: string, p: string | null, src: Readable,
  opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
  const want = checkPath(p);
  await withRootfs(svc, c, { volumes: true }, async (r) => {
    const abs = absContainerPath(want);
    const st = await statInRoot(r.root, abs, { follow: true, resolve: true });
    if (!st) throw notFound(want, ref);
    if (!S.isDir(st.mode)) throw new InvalidArgument('extraction point is not a directory');
    checkWritable(svc, c, st.resolved ?? abs);
    // The archive's owners are kept; copyUIDGID gives every entry to the container's user, if it has one.
    const user = c.rec.Config.User ?? '';
    const owner = opts.copyUIDGID && user ? await containerUserIds(r.root, user) : undefined;
    try {
      await extractInRoot(src, r.root, abs, { noOverwriteDirNonDir: opts.noOverwriteDirNonDir, owner });
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT') throw notFound(want, ref);
      if (code === 'ENOTDIR' && /extraction point/.test((e as Error).message)) throw new InvalidArgument('extraction point is not a directory');
      throw new SystemError((e as Error).message, { cause: e });
    }
  });
}

/** GET /containers/{id}/export: the rootfs (image layers + changes), volumes and mounts left out. */
export async function exportContainer(svc: ContainerFiles, c: Container, start: () => Writable): Promise<void> {
  await withRootfs(svc, c, { volumes: false }, async (r) => {
    await pipeline(tarInRoot(r.root, '/', { follow: true, skipTop: true, childPrefix: '', oneFileSystem: true }), start());
  });
}
