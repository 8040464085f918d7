/**
 * A container's layers as snapshots (storage/snapshots.ts), as Docker stacks them:
 *
 *   <id>         active: the container's writable layer (upperdir, workdir, and `merged`, the
 *                mount point of its rootfs, mounted by berth-monitor in the container's namespace)
 *   <id>-init    committed: the init layer (storage/init-layer.ts)
 *   sha256:…     the image's chain
 *
 * Containers made before snapshots (migrated by storage/migrate.ts) have no init layer: their
 * writable layer sits on the image directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Mount } from './mount.js';
import type { Snapshotter } from './snapshots.js';
import { writeInitLayer } from './init-layer.js';
import { log } from '../log.js';

export interface ContainerLayerPaths {
  /** The writable layer (overlay upperdir). */
  upper: string;
  work: string;
  /** The rootfs mount point. */
  merged: string;
  /** The layers below, topmost first (the init layer, then the image's). */
  lowers: string[];
}

const initName = (id: string) => `${id}-init`;
const CONTAINER_KEY = /^([0-9a-f]{64})(-init)?$/;

export class ContainerLayers {
  constructor(readonly snapshots: Snapshotter) {}

  /** The init layer and the writable layer of a new container of the image whose top layer is `imageChain`. */
  async create(id: string, imageChain: string | null): Promise<void> {
    const s = this.snapshots;
    const prep = `${id}-init-prepare`;
    await s.prepare(prep, imageChain, { temporary: true });
    let rw: Promise<unknown> | undefined;
    try {
      const { upper, lowers } = s.paths(prep);
      await writeInitLayer(upper!, imageChain, lowers);
      // the commit's files and the writable layer's go together: a crash meanwhile leaves
      // snapshots of a container with no record, which restore() removes
      const committed = s.commit(initName(id), prep);
      rw = s.prepare(id, initName(id)).then(() => fs.promises.mkdir(this.paths(id).merged, { mode: 0o755 }));
      await Promise.all([committed, rw]);
    } catch (e) {
      await rw?.catch(() => undefined);
      await this.remove(id).catch(() => undefined);
      if (s.has(prep)) await s.remove(prep).catch(() => undefined);
      throw e;
    }
  }

  /** Remove the container's layers (whichever exist). */
  async remove(id: string): Promise<void> {
    if (this.snapshots.has(id)) await this.snapshots.remove(id);
    if (this.snapshots.has(initName(id))) await this.snapshots.remove(initName(id));
  }

  has(id: string): boolean {
    return this.snapshots.has(id);
  }

  hasInitLayer(id: string): boolean {
    return this.snapshots.stat(id).parent === initName(id);
  }

  /** How to mount the container's rootfs (the overlay berth-monitor mounts on `merged`). */
  mounts(id: string): Mount[] {
    return this.snapshots.mounts(id);
  }

  paths(id: string): ContainerLayerPaths {
    const { dir, upper, lowers } = this.snapshots.paths(id);
    return { upper: upper!, work: path.join(dir!, 'work'), merged: path.join(dir!, 'merged'), lowers };
  }

  /** The container's rootfs mounted on a private directory (a stopped container's cp/export) until `release`. */
  mountRootfs(id: string): Promise<{ target: string; release(): Promise<void> }> {
    return this.snapshots.mount(id);
  }

  /** A read-only view of what the container sees below its own layer (volume copy-up). */
  withBaseView<T>(id: string, fn: (root: string) => Promise<T>): Promise<T> {
    return this.snapshots.withView(this.snapshots.stat(id).parent, fn);
  }

  /** Remove the layers of containers that do not exist (a crash between a create's layers and its record, or in an rm). */
  async retain(ids: Set<string>): Promise<void> {
    const orphans = this.snapshots.list().map((s) => CONTAINER_KEY.exec(s.name)).filter((m): m is RegExpExecArray => !!m && !ids.has(m[1]!));
    for (const id of new Set(orphans.map((m) => m[1]!))) {
      log.warn('removing the layers of a container that does not exist', { id });
      await this.remove(id).catch((e) => log.warn('removing orphaned container layers', { id, error: String(e) }));
    }
  }
}
