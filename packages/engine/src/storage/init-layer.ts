/**
 * Docker's init layer (moby daemon/initlayer): a committed snapshot between the image and the
 * container's writable layer that holds the mountpoints the runtime binds over — so a
 * container that never touched /etc shows no `C /etc` in `docker diff`, and `commit` captures
 * none of them.
 *
 *   /etc/hosts, /etc/hostname, /etc/resolv.conf, /.dockerenv,   empty files (mode 0755, as Docker's)
 *   /dev/console
 *   /etc/mtab → /proc/mounts                                     a symlink
 *   /proc, /sys, /dev/pts, /dev/shm                              directories
 *
 * As Docker's Setup does, a path the image has as anything but a directory is replaced (a file,
 * a symlink — /etc itself when it is a symlink), and one it has as a directory is kept (or, for
 * a placeholder file, left as it is). Docker makes the layer on a mount of it; here its files
 * are written straight into the snapshot's directory, from what the image's layers hold.
 * Copied-up directories (/etc, /dev) keep the image's owner and mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { S, statManyInRoot, type InRootStat } from './in-root.js';

type Entry = { path: string; kind: 'file' | 'dir' | 'symlink'; target?: string };

const ENTRIES: Entry[] = [
  { path: '/dev/pts', kind: 'dir' },
  { path: '/dev/shm', kind: 'dir' },
  { path: '/proc', kind: 'dir' },
  { path: '/sys', kind: 'dir' },
  { path: '/.dockerenv', kind: 'file' },
  { path: '/etc/resolv.conf', kind: 'file' },
  { path: '/etc/hosts', kind: 'file' },
  { path: '/etc/hostname', kind: 'file' },
  { path: '/dev/console', kind: 'file' },
  { path: '/etc/mtab', kind: 'symlink', target: '/proc/mounts' },
];
const PARENTS = ['/etc', '/dev'];

/** What to write for one image: directories (with the image's owner and mode when it has them) and entries. */
interface Plan {
  dirs: { path: string; mode: number; uid: number; gid: number }[];
  entries: Entry[];
}

const isWhiteout = (st: InRootStat) => S.isCharDevice(st.mode) && st.rdev === 0;

/** The merged view of `paths` through `lowers` (topmost first): the topmost layer's entry, or null (absent, whited out). */
async function lookup(lowers: string[], paths: string[]): Promise<Map<string, InRootStat | null>> {
  const found = new Map<string, InRootStat | null>();
  for (const l of lowers) {
    const left = paths.filter((p) => !found.has(p));
    if (!left.length) break;
    const res = await statManyInRoot(l, left);
    left.forEach((p, i) => { const st = res[i]; if (st) found.set(p, isWhiteout(st) ? null : st); });
  }
  for (const p of paths) if (!found.has(p)) found.set(p, null);
  return found;
}

async function plan(lowers: string[]): Promise<Plan> {
  const seen = await lookup(lowers, [...PARENTS, ...ENTRIES.map((e) => e.path)]);
  const isDir = (p: string) => { const st = seen.get(p); return !!st && S.isDir(st.mode); };
  const dirs: Plan['dirs'] = PARENTS.map((p) => {
    const st = seen.get(p);
    return isDir(p) ? { path: p, mode: st!.mode & 0o7777, uid: st!.uid, gid: st!.gid } : { path: p, mode: 0o755, uid: 0, gid: 0 };
  });
  // below a replaced parent nothing of the image shows: every entry there is made
  const parentKept = (p: string) => { const parent = PARENTS.find((d) => p.startsWith(d + '/')); return !parent || isDir(parent); };
  const entries = ENTRIES.filter((e) => !(isDir(e.path) && parentKept(e.path)));
  return { dirs, entries };
}

/** Write the init layer of the image whose layers are `lowers` (topmost first) into `diff`. */
export async function writeInitLayer(diff: string, lowers: string[]): Promise<void> {
  const { dirs, entries } = await plan(lowers);
  const umask = process.umask();
  await Promise.all(dirs.map(async (d) => {
    const dir = path.join(diff, d.path);
    await fs.promises.mkdir(dir, { mode: d.mode });
    if ((d.mode & ~umask) !== d.mode) await fs.promises.chmod(dir, d.mode);
    if (d.uid || d.gid) await fs.promises.chown(dir, d.uid, d.gid);
  }));
  await Promise.all(entries.map(async (e) => {
    const at = path.join(diff, e.path);
    if (e.kind === 'dir') await fs.promises.mkdir(at, { mode: 0o755 });
    else if (e.kind === 'symlink') await fs.promises.symlink(e.target!, at);
    else await (await fs.promises.open(at, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o755)).close();
  }));
}
