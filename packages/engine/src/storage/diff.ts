/**
 * The overlay upperdir of a container (or a build step) as Docker sees it: a layer tar with
 * Docker's whiteouts, and the A/C/D change list of `docker diff`.
 *
 *   upperdir entry                          layer tar                    change
 *   char device 0/0  `x`                    `.wh.x` (empty file)         D /x
 *   dir with trusted.overlay.opaque=y `d`   `d/` + `d/.wh..wh..opq`      D /d if a lower has it, then its children A
 *   anything else                           as is (hardlinks as links)   A, or C when a lower layer has the path
 *
 * `exclude` (container paths, e.g. volume and bind-mount destinations): the entry itself is kept
 * (the mountpoint) but nothing below it. `ignore`: the path and everything below it are dropped
 * (the mountpoints a container without an init layer has in its own layer: /etc/hosts, /proc …).
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { S, scanInRoot, statManyInRoot, tarInRoot, type InRootStat, type ScanEntry } from './in-root.js';

export interface DiffOptions {
  /** Container paths whose contents are skipped (the path itself stays). */
  exclude?: string[];
  /** Container paths dropped with everything below them. */
  ignore?: string[];
}

/**
 * Mountpoints berth-monitor creates in the writable layer of a container that has no init layer
 * (one made before storage/init-layer.ts): Docker's init-layer paths.
 */
export const INIT_PATHS = ['/dev', '/proc', '/sys', '/.dockerenv', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab'];

export interface Change { Path: string; Kind: 0 | 1 | 2 }
export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;

const isWhiteout = (e: { mode: number; rdev: number }) => S.isCharDevice(e.mode) && e.rdev === 0;

/** The first lower layer (topmost first) that has each path, looked up inside each layer. */
async function lowerStats(lowers: string[], paths: string[]): Promise<Map<string, InRootStat>> {
  const found = new Map<string, InRootStat>();
  let left = paths;
  for (const l of lowers) {
    if (!left.length) break;
    const res = await statManyInRoot(l, left);
    left = left.filter((p, i) => {
      const st = res[i];
      if (st) found.set(p, st);
      return !st;
    });
  }
  return found;
}

/**
 * `docker diff`: the changes in `upper` against the image layers `lowers` (topmost first),
 * in moby's order and with its rules (an unchanged parent dir is still reported C). The upperdir
 * is walked inside it (a running container may swap its directories for symlinks meanwhile).
 */
export async function changesFromUpperdir(upper: string, lowers: string[], opts: DiffOptions = {}): Promise<Change[]> {
  const entries: ScanEntry[] = await scanInRoot(upper, '/', { skipTop: true, exclude: opts.exclude, ignore: opts.ignore });
  const lower = await lowerStats(lowers, entries.map((e) => e.path));
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  for (const e of entries) {
    const isDir = S.isDir(e.mode);
    const low = lower.get(e.path);
    let kind: Change['Kind'] | undefined;
    if (isWhiteout(e)) kind = ChangeKind.Deleted;
    else if (isDir && e.opaque && low) kind = ChangeKind.Deleted;
    else {
      kind = ChangeKind.Added;
      if (low) {
        if (S.isDir(low.mode) && isDir && low.size === e.size && low.mode === e.mode
          && Math.floor(low.mtimeMs) === Math.floor(e.mtimeMs)) kind = undefined;
        else kind = ChangeKind.Modified;
      }
    }
    if (isDir) changedDirs.add(e.path);
    if (kind === undefined) continue;
    if (kind !== ChangeKind.Modified) {
      const parent = path.posix.dirname(e.path);
      if (parent !== '/' && !changedDirs.has(parent)) {
        changes.push({ Path: parent, Kind: ChangeKind.Modified });
        changedDirs.add(parent);
      }
    }
    changes.push({ Path: e.path, Kind: kind });
  }
  return changes;
}

/**
 * The upperdir as a layer tar (uncompressed), streamed, made inside it. Entry names are relative
 * ("etc/passwd", dirs with a trailing "/"), owners and modes as on disk, hardlinks kept as links.
 */
export function layerTarFromUpperdir(upperdir: string, opts: DiffOptions = {}): Readable {
  return tarInRoot(upperdir, '/', { skipTop: true, childPrefix: '', layer: true, exclude: opts.exclude, ignore: opts.ignore });
}
