/**
 * A container's root filesystem as berthd can reach it, for cp and export:
 * - running: /proc/<pid>/root (the container's own view, volumes included);
 * - stopped: its overlay (image layers + upperdir) mounted on a temporary directory, volumes and
 *   bind mounts bind-mounted in, all unmounted on release. The container's lock is held
 *   meanwhile, so it cannot start on the same upperdir.
 * Paths are resolved inside the root as a chroot would (symlinks never lead out of it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { NotFound } from '@berth/shared';
import type { Container, ContainerService } from './service.js';

export interface Rootfs {
  /** Host path of the container's "/". */
  root: string;
  running: boolean;
  release(): Promise<void>;
}

const run = (cmd: string, args: string[]) => new Promise<void>((resolve, reject) => {
  execFile(cmd, args, (err, _o, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`)) : resolve()));
});

/** Run `fn` with the container's lock held (start/stop/rm wait for it). */
export function withContainerLock<T>(c: Container, fn: () => Promise<T>): Promise<T> {
  const next = c.lock.then(fn, fn);
  c.lock = next.catch(() => undefined);
  return next;
}

export interface MountInfo { Type?: string; Source?: string; Destination: string; RW?: boolean }

export function containerMounts(svc: ContainerService, c: Container): MountInfo[] {
  return (svc.mounts.inspect(c) as MountInfo[]).filter((m) => m && typeof m.Destination === 'string');
}

/**
 * Resolve `p` (absolute, in the container) under `root` following every symlink as if `root`
 * were "/" (securejoin). Components that do not exist are appended as they are.
 */
export function resolveInRoot(root: string, p: string): string {
  const parts = p.split('/').filter((x) => x && x !== '.');
  const done: string[] = [];
  let hops = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '..') { done.pop(); continue; }
    const cur = path.join(root, ...done, part);
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(cur); } catch { /* missing */ }
    if (st?.isSymbolicLink()) {
      if (++hops > 255) throw new Error(`too many levels of symbolic links: ${p}`);
      const target = fs.readlinkSync(cur);
      if (target.startsWith('/')) done.length = 0;
      parts.unshift(...target.split('/').filter((x) => x && x !== '.'));
      continue;
    }
    done.push(part);
  }
  return path.join(root, ...done);
}

/** The container path of a host path under `root` ("/" for the root itself). */
export function containerPath(root: string, hostPath: string): string {
  const rel = path.relative(root, hostPath);
  return rel ? `/${rel}` : '/';
}

async function mountStopped(svc: ContainerService, c: Container, withVolumes: boolean): Promise<Rootfs> {
  const layer = svc.store.layer(c.rec.Id);
  const dir = path.join(layer.base, `tmp-${randomBytes(4).toString('hex')}`);
  const work = path.join(layer.base, 'work');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mounted: string[] = [];
  const release = async () => {
    for (const m of mounted.reverse()) await run('umount', ['-l', m]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const lower = c.rec.LowerDirs.length ? c.rec.LowerDirs.join(':') : path.join(layer.base, 'empty');
    if (!c.rec.LowerDirs.length) fs.mkdirSync(lower, { recursive: true });
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${layer.diff},workdir=${work}`, dir]);
    mounted.push(dir);
    if (withVolumes) {
      const mounts = containerMounts(svc, c).filter((m) => m.Source && (m.Type === 'volume' || m.Type === 'bind'))
        .sort((a, b) => a.Destination.length - b.Destination.length);
      for (const m of mounts) {
        const target = resolveInRoot(dir, m.Destination);
        if (!fs.existsSync(target) || !fs.existsSync(m.Source!)) continue;
        await run('mount', ['--bind', m.Source!, target]);
        mounted.push(target);
        if (m.RW === false) await run('mount', ['-o', 'remount,bind,ro', target]);
      }
    }
  } catch (e) {
    await release();
    throw e;
  }
  return { root: dir, running: false, release };
}

/**
 * Open the container's rootfs; `fn` runs with it and it is released after. A stopped
 * container is mounted under its lock, so a concurrent start waits.
 */
export async function withRootfs<T>(svc: ContainerService, c: Container, opts: { volumes: boolean }, fn: (r: Rootfs) => Promise<T>): Promise<T> {
  if (c.rec.State.Running && c.rec.State.Pid) {
    const root = `/proc/${c.rec.State.Pid}/root`;
    if (fs.existsSync(root)) return fn({ root, running: true, release: async () => {} });
  }
  if (c.removed) throw new NotFound(`No such container: ${c.rec.Id}`);
  return withContainerLock(c, async () => {
    const r = await mountStopped(svc, c, opts.volumes);
    try { return await fn(r); } finally { await r.release(); }
  });
}
