/**
 * A writable view of an image's filesystem for the steps that change files without running a
 * process (COPY, ADD, WORKDIR): an overlay mount in berthd's mount namespace over the parent's
 * layers, whose upperdir then becomes the step's layer (layer-diff.ts).
 *
 *   <build dir>/step-<n>/{upper,work,merged,empty}
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Rootfs {
  merged: string;
  upper: string;
  /** Unmount and remove the step's dirs. */
  dispose(): Promise<void>;
  unmount(): Promise<void>;
}

/** Mount an overlay of `lowerDirs` (topmost first; may be empty for scratch) at a fresh dir under `base`. */
export async function mountRootfs(base: string, lowerDirs: string[]): Promise<Rootfs> {
  const dir = await fs.promises.mkdtemp(path.join(base, 'step-'));
  const upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  const merged = path.join(dir, 'merged');
  const empty = path.join(dir, 'empty');
  for (const d of [upper, work, merged, empty]) await fs.promises.mkdir(d, { mode: 0o755 });
  const lower = lowerDirs.length ? lowerDirs : [empty];
  await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower.join(':')},upperdir=${upper},workdir=${work}`, merged]);
  let mounted = true;
  const unmount = async () => {
    if (!mounted) return;
    mounted = false;
    await run('umount', [merged]);
  };
  return {
    merged,
    upper,
    unmount,
    async dispose() {
      await unmount().catch(() => run('umount', ['-l', merged]).catch(() => undefined));
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}
