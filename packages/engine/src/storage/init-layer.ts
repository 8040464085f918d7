/**
 * Docker's init layer (moby daemon/initlayer): a committed snapshot `<id>-init` between the image
 * and the container's writable layer that holds the mountpoints the runtime binds over — so a
 * container that never touched /etc shows no `C /etc` in `docker diff`, and `commit` captures
 * none of them.
 *
 *   /etc/hosts, /etc/hostname, /etc/resolv.conf, /.dockerenv   empty files (mode 0755, as Docker's)
 *   /etc/mtab → /proc/mounts                                    a symlink
 *   /proc, /sys, /dev                                           directories, where the image has none
 *
 * As Docker's Setup does, a path the image has as anything but a directory is replaced (a file,
 * a symlink — /etc itself when it is a symlink), and one it has as a directory is kept. Docker
 * also makes /dev/pts, /dev/shm and /dev/console: berth-monitor mounts a tmpfs on /dev in every
 * container, over them, so they are left out. Docker makes the layer on a mount of it; here its
 * files are written straight into the snapshot's directory, from what the image's layers hold
 * (looked up once per image: layers never change). A copied-up directory (/etc) keeps the
 * image's owner and mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { S, statManyInRoot, type InRootStat } from './in-root.js';

type Entry = { path: string; kind: 'file' | 'dir' | 'symlink'; target?: string };

const ENTRIES: Entry[] = [
  { path: '/dev', kind: 'dir' },
  { path: '/proc', kind: 'dir' },
  { path: '/sys', kind: 'dir' },
  { path: '/.dockerenv', kind: 'file' },
  { path: '/etc/resolv.conf', kind: 'file' },
  { path: '/etc/hosts', kind: 'file' },
  { path: '/etc/hostname', kind: 'file' },
  { path: '/etc/mtab', kind: 'symlink', target: '/proc/mounts' },
];

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
  const parents = ['/etc'];
  const seen = await lookup(lowers, [...parents, ...ENTRIES.map((e) => e.path)]);
  const isDir = (p: string) => { const st = seen.get(p); return !!st && S.isDir(st.mode); };
  const etc = seen.get('/etc');
  const dirs: Plan['dirs'] = [isDir('/etc')
    ? { path: '/etc', mode: etc!.mode & 0o7777, uid: etc!.uid, gid: etc!.gid }
    : { path: '/etc', mode: 0o755, uid: 0, gid: 0 }];
  // below a replaced /etc nothing of the image shows: every entry is made
  const entries = ENTRIES.filter((e) => !(isDir(e.path) && (isDir('/etc') || !e.path.startsWith('/etc/'))));
  return { dirs, entries };
}

const plans = new Map<string, Promise<Plan>>();

/** Write the init layer of a container of the image `chain` (its layers `lowers`, topmost first) into `diff`. */
export async function writeInitLayer(diff: string, chain: string | null, lowers: string[]): Promise<void> {
  const key = chain ?? '';
  let p = plans.get(key);
  if (!p) {
    p = plan(lowers);
    plans.set(key, p);
    p.catch(() => plans.delete(key));
  }
  const { dirs, entries } = await p;
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

/** Forget the looked-up plans (tests). */
export function resetInitLayerPlans(): void {
  plans.clear();
}
