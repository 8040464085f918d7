/**
 * Copy-up: a new, empty volume mounted where the image has content gets that content, with
 * ownership, modes and timestamps, as Docker does at container create. The image's tree is
 * read through a read-only overlay of its layers on a private scratch directory (one layer is
 * read directly), never through the container's own rootfs mount, and only inside that tree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SystemError, errorMessage } from '@berth/shared';
import { extractInRoot, S, statInRoot, tarInRoot } from '../storage/in-root.js';

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

/**
 * Copy the directory `p` of the image tree `root` into the empty volume directory `dst`, keeping
 * owners, modes and times; dst takes the source directory's own. Read inside the image tree and
 * written inside the volume (storage/in-root.ts). False when `p` is not a directory in the image.
 */
export async function copyImageDir(root: string, p: string, dst: string): Promise<boolean> {
  const st = await statInRoot(root, p, { follow: true });
  if (!st || !S.isDir(st.mode)) return false;
  try {
    await extractInRoot(tarInRoot(root, p, { follow: true, topName: '.', childPrefix: '' }), dst, '/', { topMeta: true });
  } catch (e) {
    throw new SystemError(`copying image content into volume: ${errorMessage(e)}`, { cause: e });
  }
  return true;
}

export function isEmptyDir(dir: string): boolean {
  try { return fs.readdirSync(dir).length === 0; } catch { return false; }
}
