/**
 * Copy-up: a new, empty volume mounted where the image has content gets that content, with
 * ownership, modes and timestamps, as Docker does at container create. The image's tree is
 * read through a read-only view of the layers below the container's own (storage/snapshots.ts:
 * the image and the init layer, mounted on a private directory), never through the container's
 * rootfs mount, and only inside that tree.
 */
import fs from 'node:fs';
import { SystemError, errorMessage } from '@berth/shared';
import { extractInRoot, S, statInRoot, tarInRoot } from '../storage/in-root.js';

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
