/**
 * A build step's filesystem for the steps that change files without running a process (COPY,
 * ADD, WORKDIR): a temporary snapshot over the parent image's top layer (storage/snapshots.ts),
 * mounted on a private directory in berthd's mount namespace; its upperdir then becomes the
 * step's layer (layer-diff.ts). COPY --from reads a read-only view of the source image.
 */
import { randomBytes } from 'node:crypto';
import type { Snapshotter } from '../storage/snapshots.js';

export interface Rootfs {
  /** Where the step's files are. */
  merged: string;
  /** The step's changes (overlay upperdir). */
  upper: string;
  /** Unmount (the upperdir stays until dispose). */
  unmount(): Promise<void>;
  /** Unmount and remove the step's snapshot. */
  dispose(): Promise<void>;
}

/** A writable rootfs over the committed `parent` (null: scratch). */
export async function mountStep(snapshots: Snapshotter, parent: string | null): Promise<Rootfs> {
  const key = `build-${randomBytes(8).toString('hex')}`;
  await snapshots.prepare(key, parent, { temporary: true });
  let m: { target: string; release(): Promise<void> };
  try {
    m = await snapshots.mount(key);
  } catch (e) {
    await snapshots.remove(key);
    throw e;
  }
  let mounted = true;
  const unmount = async () => {
    if (!mounted) return;
    mounted = false;
    await m.release();
  };
  return {
    merged: m.target,
    upper: snapshots.paths(key).upper!,
    unmount,
    async dispose() {
      await unmount();
      await snapshots.remove(key);
    },
  };
}

/** A read-only rootfs of the committed `parent` (COPY --from). */
export async function openView(snapshots: Snapshotter, parent: string | null): Promise<{ merged: string; dispose(): Promise<void> }> {
  const v = await snapshots.openView(parent);
  return { merged: v.root, dispose: () => v.release() };
}
