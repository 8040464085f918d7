/**
 * A container's root filesystem as berthd reaches it for cp and export:
 * - running: the container itself ({pid, id}): the in-root layer enters its mount namespace and
 *   root, so its volumes and read-only mounts are there as the container sees them;
 * - stopped: its layers (storage/container-layers.ts) mounted on a private temporary directory,
 *   volumes, bind mounts and (once started) its resolv.conf, hostname and hosts attached on their
 *   destinations resolved inside it (through fds), all detached on release.
 * Paths are only ever resolved inside the root by the kernel (storage/in-root.ts).
 *
 * Locks: mounting a stopped container's overlay takes the container's lock for the mount only.
 * The operation then runs without it — stop, kill, inspect and wait answer at once while a slow
 * export is read — and is registered as a user of the rootfs: start and rm wait for its end,
 * since they would mount or delete the same upperdir.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotFound } from '@berth/shared';
import { bindMountInRoot, errCode, mkdirAllInRoot, openInRoot, statInRoot, type RootRef } from '../storage/in-root.js';
import type { Container } from './container.js';
import type { ContainerFiles } from './backend.js';

export interface Rootfs {
  /** The container's "/" for the in-root layer. */
  root: RootRef;
  running: boolean;
}

/** Run `fn` with the container's lock held (start/stop/rm wait for it). */
export function withContainerLock<T>(c: Container, fn: () => Promise<T>): Promise<T> {
  const next = c.lock.then(fn, fn);
  c.lock = next.catch(() => undefined);
  return next;
}

export interface MountInfo { Type?: string; Source?: string; Destination: string; RW?: boolean }

export function containerMounts(files: ContainerFiles, c: Container): MountInfo[] {
  return (files.mountsOf(c) as MountInfo[]).filter((m) => m && typeof m.Destination === 'string');
}

const users = new WeakMap<Container, Set<Promise<unknown>>>();

/** Resolves once no cp/export works on the container's stopped rootfs (start and rm wait for it). */
export async function rootfsIdle(c: Container): Promise<void> {
  for (;;) {
    const now = [...(users.get(c) ?? [])];
    if (!now.length) return;
    await Promise.allSettled(now);
  }
}

function track<T>(c: Container, p: Promise<T>): Promise<T> {
  let set = users.get(c);
  if (!set) users.set(c, (set = new Set()));
  set.add(p);
  const drop = () => { set!.delete(p); };
  p.then(drop, drop);
  return p;
}

/**
 * A mount's destination as Docker's mountVolumes makes it when missing (a container never
 * started has none yet): a directory, or an empty file for a file's bind, in the container's own
 * layer, made inside the root.
 */
async function createMountpoint(root: string, dest: string, dir: boolean): Promise<void> {
  if (dir) return mkdirAllInRoot(root, dest);
  if (await statInRoot(root, dest, { follow: true })) return;
  await mkdirAllInRoot(root, path.posix.dirname(dest));
  fs.closeSync(await openInRoot(root, dest, fs.constants.O_CREAT | fs.constants.O_WRONLY, 0o755));
}

/**
 * The container's /etc/resolv.conf, hostname and hosts, as moby's NetworkMounts: once it has been
 * started (a created container shows its init layer's placeholders), unless a mount of the
 * user's is there; read-only with a read-only rootfs.
 */
function networkMounts(c: Container, taken: Set<string>): { source: string; dest: string; readonly: boolean }[] {
  if (!c.rec.HasBeenStartedBefore) return [];
  return ([[c.rec.ResolvConfPath, '/etc/resolv.conf'], [c.rec.HostnamePath, '/etc/hostname'], [c.rec.HostsPath, '/etc/hosts']] as const)
    .filter(([source, dest]) => source && !taken.has(dest) && fs.existsSync(source))
    .map(([source, dest]) => ({ source, dest, readonly: !!c.hc.ReadonlyRootfs }));
}

async function mountStopped(svc: ContainerFiles, c: Container, withVolumes: boolean): Promise<{ dir: string; release(): Promise<void> }> {
  // unmounted lazily on release, with the volumes attached below
  const { target: dir, release } = await svc.mountRootfs(c);
  try {
    if (withVolumes) {
      const all = containerMounts(svc, c);
      const mounts = all.filter((m) => m.Source && (m.Type === 'volume' || m.Type === 'bind'))
        .sort((a, b) => a.Destination.length - b.Destination.length)
        .map((m) => ({ source: m.Source!, dest: m.Destination, readonly: m.RW === false }));
      mounts.push(...networkMounts(c, new Set(all.map((m) => m.Destination))));
      for (const m of mounts) {
        const source = fs.statSync(m.source, { throwIfNoEntry: false });
        if (!source) continue;
        try {
          await createMountpoint(dir, m.dest, source.isDirectory());
          await bindMountInRoot(m.source, dir, m.dest, m.readonly);
        } catch (e) {
          if (!['ENOENT', 'ENOTDIR'].includes(errCode(e) ?? '')) throw e;
        }
      }
    }
  } catch (e) {
    await release();
    throw e;
  }
  return { dir, release };
}

/**
 * Open the container's rootfs; `fn` runs with it and it is released after. A stopped
 * container's overlay is mounted under its lock; `fn` runs outside it (see the header).
 */
export async function withRootfs<T>(svc: ContainerFiles, c: Container, opts: { volumes: boolean }, fn: (r: Rootfs) => Promise<T>): Promise<T> {
  const live = () => c.rec.State.Running && c.rec.State.Pid > 0 && fs.existsSync(`/proc/${c.rec.State.Pid}`);
  const inContainer = () => fn({ root: { pid: c.rec.State.Pid, id: c.rec.Id }, running: true });
  if (live()) return inContainer();
  if (c.removed) throw new NotFound(`No such container: ${c.rec.Id}`);
  const m = await withContainerLock(c, async () => {
    if (c.removed) throw new NotFound(`No such container: ${c.rec.Id}`);
    if (live()) return { work: undefined }; // started meanwhile
    const mounted = await mountStopped(svc, c, opts.volumes);
    // registered before the lock goes, so a start queued behind it waits for the work
    const work = track(c, (async () => {
      try { return await fn({ root: mounted.dir, running: false }); } finally { await mounted.release(); }
    })());
    return { work };
  });
  return m.work ?? inContainer();
}
