/**
 * The one atomic file write every store uses: write a temp file next to the target, fsync it,
 * rename it over the target. Readers (and a berthd started after a crash) see the old file or
 * the whole new one. A failed write (a full disk, an I/O error) removes its temp file at once
 * and leaves the target as it was.
 *
 * Temp files are named `.tmp-<name>-<pid>-<random>`; a store that may hold leftovers of a crash
 * (power loss between write and unlink) removes them at start with `removeTemps`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicOptions {
  /** File mode of the new file (default 0600). */
  mode?: number;
  /**
   * fsync before the rename (default). `false` only for files rebuilt from a record anyway
   * (runtime bundles, a container's /etc/hosts): the rename alone keeps them whole across a
   * crash of berthd, though not across a power loss.
   */
  durable?: boolean;
}

export function tmpName(dir: string, base: string): string {
  return path.join(dir, `.tmp-${base}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
}

/** Write temp, fsync, rename (synchronous: for stores whose callers are synchronous). */
export function writeAtomicSync(file: string, data: string | Buffer, opts: AtomicOptions = {}): void {
  const tmp = tmpName(path.dirname(file), path.basename(file));
  try {
    const fd = fs.openSync(tmp, 'w', opts.mode ?? 0o600);
    try {
      fs.writeFileSync(fd, data);
      if (opts.durable !== false) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write temp, fsync, rename. */
export async function writeAtomic(file: string, data: string | Buffer, opts: AtomicOptions = {}): Promise<void> {
  const tmp = tmpName(path.dirname(file), path.basename(file));
  try {
    const fh = await fs.promises.open(tmp, 'w', opts.mode ?? 0o600);
    try {
      await fh.writeFile(data);
      if (opts.durable !== false) await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/** Remove the `.tmp-*` leftovers of a crash in `dir`. */
export function removeTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.tmp-')) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}
