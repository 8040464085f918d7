/**
 * Copy-up: a new, empty volume mounted where the image has content gets that content, with
 * ownership, modes and timestamps, as Docker does at container create. The image's tree is
 * read through a read-only overlay of its layers on a private scratch directory (one layer is
 * read directly), never through the container's own rootfs mount.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SystemError, errorMessage } from '@berth/shared';

const run = promisify(execFile);

/** A view of the image's tree for the duration of `fn`. `lowerDirs` are topmost first, as overlay takes them. */
export async function withImageRoot<T>(scratch: string, lowerDirs: string[], fn: (root: string) => Promise<T>): Promise<T> {
  if (lowerDirs.length === 1) return fn(lowerDirs[0]!);
  const dir = path.join(scratch, `copyup-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if (lowerDirs.length === 0) return await fn(dir);
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${lowerDirs.join(':')}`, dir]);
    try {
      return await fn(dir);
    } finally {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]).catch(() => undefined));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolve `p` inside `root` following symlinks as the container would see them (never leaving root). */
export function resolveInRoot(root: string, p: string): string {
  const parts = p.split('/').filter(Boolean);
  let cur: string[] = [];
  for (let hops = 0; parts.length; ) {
    const name = parts.shift()!;
    if (name === '.') continue;
    if (name === '..') { cur.pop(); continue; }
    const full = path.join(root, ...cur, name);
    let st: fs.Stats;
    try { st = fs.lstatSync(full); } catch { cur.push(name); cur.push(...parts); break; }
    if (st.isSymbolicLink()) {
      if (++hops > 40) throw new SystemError(`too many levels of symbolic links: ${p}`);
      const target = fs.readlinkSync(full);
      if (target.startsWith('/')) cur = [];
      parts.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    cur.push(name);
  }
  return path.join(root, ...cur);
}

/** Copy `src` (a directory) into the empty directory `dst`, keeping owners, modes and times; dst takes src's own. */
export async function copyDirContents(src: string, dst: string): Promise<void> {
  try {
    await run('cp', ['-a', '--', `${src}/.`, `${dst}/`]);
    const st = fs.statSync(src);
    fs.chownSync(dst, st.uid, st.gid);
    fs.chmodSync(dst, st.mode & 0o7777);
  } catch (e) {
    const stderr = ((e as { stderr?: string }).stderr ?? '').trim();
    throw new SystemError(`copying image content into volume: ${stderr || errorMessage(e)}`);
  }
}

export function isEmptyDir(dir: string): boolean {
  try { return fs.readdirSync(dir).length === 0; } catch { return false; }
}
