/**
 * Mounts through the native addon (native/berth/src/mount.cc): mount(2), umount2(2), and overlay
 * through fsopen/fsconfig(`lowerdir+`)/fsmount/move_mount where the kernel has them (no limit
 * of one page on the lowerdirs), mount(2) where it does not. No `mount` process anywhere.
 *
 * A mount is containerd's `{ type, source, options }`: what the snapshotter's `mounts(key)`
 * returns, and what a local volume's `-o type=… -o device=… -o o=…` means. Options are split as
 * mount(8) and moby/sys/mount split them: the words of the flags table (ro, nosuid, nodev,
 * noexec, bind, rbind, private, …) become mount flags, everything else is the filesystem's data.
 */
import fs from 'node:fs';
import { SystemError } from '@berth/shared';
import { nativeAddon } from '../native.js';

export interface Mount {
  /** Filesystem type: overlay, bind, tmpfs, nfs, … */
  type: string;
  source: string;
  options: string[];
}

interface Addon {
  mount(source: string, target: string, fstype: string, flags: number, data: string): Promise<void>;
  unmount(target: string, flags: number): Promise<void>;
  mountOverlay(target: string, spec: { lowerdirs: string[]; upperdir?: string; workdir?: string; flags: number; options: string[] }): Promise<'fsconfig' | 'mount'>;
}

const addon = () => nativeAddon<Addon>();

/** <linux/mount.h> */
export const MS = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, SYNCHRONOUS: 0x10, REMOUNT: 0x20, MANDLOCK: 0x40, DIRSYNC: 0x80,
  NOATIME: 0x400, NODIRATIME: 0x800, BIND: 0x1000, REC: 0x4000, UNBINDABLE: 0x20000, PRIVATE: 0x40000, SLAVE: 0x80000,
  SHARED: 0x100000, RELATIME: 0x200000, STRICTATIME: 0x1000000,
} as const;
const MNT_DETACH = 2;

/** mount(8)'s option words, as moby/sys/mount has them: [clears the flag, flag]. */
const FLAG_WORDS: Record<string, [boolean, number]> = {
  defaults: [false, 0], ro: [false, MS.RDONLY], rw: [true, MS.RDONLY], suid: [true, MS.NOSUID], nosuid: [false, MS.NOSUID],
  dev: [true, MS.NODEV], nodev: [false, MS.NODEV], exec: [true, MS.NOEXEC], noexec: [false, MS.NOEXEC],
  sync: [false, MS.SYNCHRONOUS], async: [true, MS.SYNCHRONOUS], dirsync: [false, MS.DIRSYNC], remount: [false, MS.REMOUNT],
  mand: [false, MS.MANDLOCK], nomand: [true, MS.MANDLOCK], atime: [true, MS.NOATIME], noatime: [false, MS.NOATIME],
  diratime: [true, MS.NODIRATIME], nodiratime: [false, MS.NODIRATIME], bind: [false, MS.BIND], rbind: [false, MS.BIND | MS.REC],
  unbindable: [false, MS.UNBINDABLE], runbindable: [false, MS.UNBINDABLE | MS.REC], private: [false, MS.PRIVATE],
  rprivate: [false, MS.PRIVATE | MS.REC], shared: [false, MS.SHARED], rshared: [false, MS.SHARED | MS.REC],
  slave: [false, MS.SLAVE], rslave: [false, MS.SLAVE | MS.REC], relatime: [false, MS.RELATIME], norelatime: [true, MS.RELATIME],
  strictatime: [false, MS.STRICTATIME], nostrictatime: [true, MS.STRICTATIME],
};

const PROPAGATION = MS.SHARED | MS.PRIVATE | MS.SLAVE | MS.UNBINDABLE;

/** Split mount options (a list, or mount(8)'s comma-separated `o=`) into flags and the filesystem's data. */
export function parseMountOptions(options: string[] | string): { flags: number; data: string[] } {
  const words = typeof options === 'string' ? options.split(',') : options;
  let flags = 0;
  const data: string[] = [];
  for (const w of words) {
    const f = FLAG_WORDS[w];
    if (f && f[1] !== 0) flags = f[0] ? flags & ~f[1] : flags | f[1];
    else if (!f && w !== '') data.push(w);
  }
  return { flags, data };
}

/** A failed mount(2)/umount2(2), worded as moby/sys/mount words it ("mount SRC:TARGET, flags: 0x1000, data: …: no such device"). */
export class MountError extends SystemError {
  readonly code?: string;
  constructor(op: string, source: string, target: string, flags: number, data: string, cause: unknown) {
    const c = cause as { code?: string; message?: string };
    let text = `${op} ${source ? `${source}:${target}` : target}`;
    if (flags) text += `, flags: 0x${flags.toString(16)}`;
    if (data) text += `, data: ${data}`;
    const reason = c?.message ?? String(cause);
    super(`${text}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`, { cause });
    this.code = c?.code;
  }
}

async function sys(op: string, source: string, target: string, flags: number, data: string, fn: () => Promise<unknown>): Promise<void> {
  try { await fn(); } catch (e) { throw new MountError(op, source, target, flags, data, e); }
}

/** Mount one mount on `target` (moby's mount.Mount: flags first, then propagation, then a read-only bind remounted so). */
export async function mount(m: Mount, target: string): Promise<void> {
  const { flags, data } = parseMountOptions(m.options);
  if (m.type === 'overlay') return mountOverlay(m.source, target, flags, data);
  const fstype = m.type === 'bind' ? '' : m.type;
  const bind = m.type === 'bind' ? MS.BIND : 0;
  const all = flags | bind;
  const base = all & ~PROPAGATION;
  const text = data.join(',');
  const isRemount = (all & MS.REMOUNT) !== 0 || m.source === '' || m.source === 'none';
  if (!isRemount || text) {
    await sys('mount', m.source, target, base, text, () => addon().mount(m.source, target, fstype, base, text));
  }
  if (all & PROPAGATION) {
    const prop = all & (PROPAGATION | MS.REC);
    await sys('remount', '', target, prop, '', () => addon().mount('', target, '', prop, ''));
  }
  if ((base & (MS.BIND | MS.RDONLY)) === (MS.BIND | MS.RDONLY)) {
    const ro = base | MS.REMOUNT;
    await sys('remount-ro', '', target, ro, '', () => addon().mount('', target, '', ro, ''));
  }
}

async function mountOverlay(source: string, target: string, flags: number, data: string[]): Promise<void> {
  const spec = { lowerdirs: [] as string[], upperdir: undefined as string | undefined, workdir: undefined as string | undefined, flags, options: [] as string[] };
  for (const o of data) {
    if (o.startsWith('lowerdir=')) spec.lowerdirs.push(...o.slice('lowerdir='.length).split(':'));
    else if (o.startsWith('upperdir=')) spec.upperdir = o.slice('upperdir='.length);
    else if (o.startsWith('workdir=')) spec.workdir = o.slice('workdir='.length);
    else spec.options.push(o);
  }
  await sys('mount', source, target, flags, data.join(','), () => addon().mountOverlay(target, spec));
}

/** containerd's mount.All: every mount on `target`, in order. */
export async function mountAll(mounts: Mount[], target: string): Promise<void> {
  for (const m of mounts) await mount(m, target);
}

/**
 * Unmount `target`. `detach`: lazily (MNT_DETACH), which also takes every mount below it.
 * A target that is not a mount point is no error (moby's mount.Unmount).
 */
export async function unmount(target: string, opts: { detach?: boolean } = {}): Promise<void> {
  const flags = opts.detach ? MNT_DETACH : 0;
  try {
    await addon().unmount(target, flags);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EINVAL' || code === 'ENOENT') return;
    throw new MountError('umount', '', target, flags, '', e);
  }
}

/** Mount points at or below `dir` in berthd's mount namespace, deepest first (/proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  let info = '';
  try { info = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return []; }
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  const points = info.split('\n').map((l) => l.split(' ')[4]).filter((p): p is string => !!p).map(unescape)
    .filter((p) => p === dir || p.startsWith(dir + '/'));
  return points.sort((a, b) => b.length - a.length);
}

/** Detach every mount at or below `dir`: what a crash left mounted there. */
export async function unmountUnder(dir: string): Promise<void> {
  for (const p of mountsUnder(dir)) await unmount(p, { detach: true }).catch(() => undefined);
}
