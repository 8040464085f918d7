/**
 * A container's layers as snapshots (storage/snapshots.ts), stacked as Docker stacks them:
 *
 *   <id>              active: the container's writable layer (upperdir, workdir, and `merged`,
 *                     the mount point of its rootfs, mounted by berth-monitor in the container's
 *                     mount namespace)
 *   init-<chain hex>  committed: the init layer (storage/init-layer.ts)
 *   sha256:…          the image's chain
 *
 * The init layer's files depend on the image alone (its placeholders are never written: the
 * runtime binds over them, and a container's own changes go to its own layer), so one is made
 * per image, at its first container, and kept as a disposable snapshot: it goes with the
 * image's layers (storage/snapshots.ts) — not one per container as Docker's `<id>-init`: a
 * dozen file creations less on every create and rm. Containers made before snapshots
 * (migrated by storage/migrate.ts) have no init layer: their writable layer sits on the image
 * directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
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

/** What the container side uses of its layers (ContainerLayers; the state-machine tests fake it). */
export type ContainerLayerStore = Pick<ContainerLayers, 'create' | 'remove' | 'retain' | 'mounts' | 'paths' | 'hasInitLayer' | 'mountRootfs'>;

const INIT = /^init-([a-f0-9]{64}|scratch)$/;
const initName = (imageChain: string | null) => `init-${imageChain ? imageChain.slice('sha256:'.length) : 'scratch'}`;
const CONTAINER = /^[a-f0-9]{64}$/;

export class ContainerLayers {
  /** Init layers being made: concurrent creates of one image share the work. */
  private readonly making = new Map<string, Promise<void>>();

  constructor(readonly snapshots: Snapshotter) {}

  /** The writable layer of a new container of the image whose top layer is `imageChain`, on the image's init layer. */
  async create(id: string, imageChain: string | null): Promise<void> {
    const init = initName(imageChain);
    if (!this.snapshots.has(init)) {
      let p = this.making.get(init);
      if (!p) {
        p = this.makeInit(init, imageChain).finally(() => this.making.delete(init));
        this.making.set(init, p);
      }
      await p;
    }
    await this.snapshots.prepare(id, init);
    try {
      fs.mkdirSync(this.paths(id).merged, { mode: 0o755 });
    } catch (e) {
      await this.snapshots.remove(id).catch(() => undefined);
      throw e;
    }
  }

  private async makeInit(init: string, imageChain: string | null): Promise<void> {
    const key = `${init}-${randomBytes(4).toString('hex')}`;
    await this.snapshots.prepare(key, imageChain, { temporary: true });
    try {
      const { upper, lowers } = this.snapshots.paths(key);
      await writeInitLayer(upper!, lowers);
      await this.snapshots.commit(init, key, { disposable: true });
    } catch (e) {
      if (this.snapshots.has(key)) await this.snapshots.remove(key).catch(() => undefined);
      throw e;
    }
  }

  /** Remove the container's writable layer. */
  async remove(id: string): Promise<void> {
    if (this.snapshots.has(id)) await this.snapshots.remove(id);
  }

  has(id: string): boolean {
    return this.snapshots.has(id);
  }

  hasInitLayer(id: string): boolean {
    return INIT.test(this.snapshots.stat(id).parent ?? '');
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

  /** Remove the layers of containers that do not exist (a crash between a create's layer and its record, or in an rm). */
  async retain(ids: Set<string>): Promise<void> {
    for (const s of this.snapshots.list()) {
      if (s.kind !== 'active' || !CONTAINER.test(s.name) || ids.has(s.name)) continue;
      log.warn('removing the layer of a container that does not exist', { id: s.name });
      await this.remove(s.name).catch((e) => log.warn('removing an orphaned container layer', { id: s.name, error: String(e) }));
    }
  }
}
