/**
 * Layer store: the image side of layers. Each layer is extracted once into a committed snapshot
 * named by its chainID (storage/snapshots.ts: the layer and everything below it), shared by
 * every image that has it; this store keeps what the snapshotter does not know — the diffID,
 * the size and the tars the layer is known by. Reference counts are not persisted: they are
 * derived from the images that exist (plus in-memory holds for pulls/loads in flight), so a
 * crash cannot leave a count wrong; a layer that a snapshot (another layer, a container's init
 * layer) is built on is never removed (the snapshotter refuses).
 *
 *   <root>/layers/
 *     <chainID hex>/
 *       diff/                  the committed snapshot (overlay lowerdir; whiteouts as char 0/0,
 *                              opaque dirs with trusted.overlay.opaque=y)
 *       layer.json             { chainID, diffID, parent, size, blobs: [{digest, mediaType, size}] }
 *
 * An extraction goes into a temporary snapshot, committed under the chainID once whole;
 * layer.json follows. A committed layer without layer.json (a crash between the two) is
 * removed at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NotFound } from '@berth/shared';
import { sha256 } from './fsutil.js';
import { writeAtomic } from '../storage/atomic.js';
import type { Snapshotter } from '../storage/snapshots.js';
import { log } from '../log.js';

/** The tar a layer came from, kept in the content store so save/push are byte-exact. */
export interface LayerBlob { digest: string; mediaType: string; size: number }

export interface LayerRecord {
  chainID: string;
  diffID: string;
  parent: string | null;
  /** Sum of the regular files' sizes. */
  size: number;
  blobs: LayerBlob[];
}

export type ApplyFn = (diffDir: string) => Promise<{ size: number }>;

export class LayerStore {
  private readonly layers = new Map<string, LayerRecord>();
  private readonly inflight = new Map<string, Promise<LayerRecord>>();
  private readonly holds = new Map<string, number>();

  constructor(private readonly snapshots: Snapshotter) {}

  /** Read the layers' records; a committed layer without one is what a crash left. */
  async load(): Promise<void> {
    for (const snap of this.snapshots.list()) {
      if (snap.kind !== 'committed' || !snap.name.startsWith('sha256:')) continue;
      try {
        const rec = JSON.parse(fs.readFileSync(this.file(snap.name), 'utf8')) as LayerRecord;
        this.layers.set(rec.chainID, rec);
      } catch {
        await this.snapshots.remove(snap.name).catch((e) => log.warn('removing a layer without a record', { chainID: snap.name, error: String(e) }));
      }
    }
  }

  private file(chainID: string): string {
    return path.join(this.snapshots.paths(chainID).dir!, 'layer.json');
  }

  static chainID(parent: string | null, diffID: string): string {
    return parent ? sha256(`${parent} ${diffID}`) : diffID;
  }

  get(chainID: string): LayerRecord | undefined {
    return this.layers.get(chainID);
  }

  list(): LayerRecord[] {
    return [...this.layers.values()];
  }

  /** The overlay lowerdir of a layer. */
  diffDir(chainID: string): string {
    return this.snapshots.paths(chainID).upper!;
  }

  /**
   * The layer `diffID` on top of `parent`: returned as is when already there (and `apply` not
   * called), else extracted by `apply` into a fresh dir that is named only when it succeeds.
   * Concurrent calls for the same chainID share one extraction.
   */
  async ensure(parent: string | null, diffID: string, apply: ApplyFn, blob?: LayerBlob): Promise<LayerRecord> {
    const chainID = LayerStore.chainID(parent, diffID);
    const existing = this.layers.get(chainID);
    if (existing) {
      if (blob) await this.addBlob(chainID, blob);
      return existing;
    }
    let p = this.inflight.get(chainID);
    if (!p) {
      p = this.create(chainID, parent, diffID, apply, blob).finally(() => this.inflight.delete(chainID));
      this.inflight.set(chainID, p);
    }
    const rec = await p;
    if (blob) await this.addBlob(chainID, blob);
    return rec;
  }

  private async create(chainID: string, parent: string | null, diffID: string, apply: ApplyFn, blob?: LayerBlob): Promise<LayerRecord> {
    if (parent && !this.layers.has(parent)) throw new NotFound(`parent layer ${parent} not found`);
    const key = `extract-${randomBytes(8).toString('hex')}`;
    await this.snapshots.prepare(key, parent, { temporary: true });
    let size: number;
    try {
      ({ size } = await apply(this.snapshots.paths(key).upper!));
      await this.snapshots.commit(chainID, key);
    } catch (e) {
      await this.snapshots.remove(key).catch(() => undefined);
      throw e;
    }
    try {
      const rec: LayerRecord = { chainID, diffID, parent, size, blobs: blob ? [blob] : [] };
      await writeAtomic(this.file(chainID), JSON.stringify(rec));
      this.layers.set(chainID, rec);
      return rec;
    } catch (e) {
      await this.snapshots.remove(chainID).catch(() => undefined);
      throw e;
    }
  }

  /** Remember another tar this layer is known by (a pull's compressed blob, a load's tar). */
  async addBlob(chainID: string, blob: LayerBlob): Promise<void> {
    const rec = this.layers.get(chainID);
    if (!rec) throw new NotFound(`layer ${chainID} not found`);
    if (rec.blobs.some((b) => b.digest === blob.digest)) return;
    rec.blobs.push(blob);
    await writeAtomic(this.file(chainID), JSON.stringify(rec));
  }

  /** Keep layers from removal while a pull/load/build that will reference them is in flight. */
  hold(chainIDs: string[]): () => void {
    for (const c of chainIDs) this.holds.set(c, (this.holds.get(c) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const c of chainIDs) {
        const n = (this.holds.get(c) ?? 1) - 1;
        if (n <= 0) this.holds.delete(c); else this.holds.set(c, n);
      }
    };
  }

  isHeld(chainID: string): boolean {
    return (this.holds.get(chainID) ?? 0) > 0;
  }

  /** Whether the layer is whole and named (not only being extracted). */
  has(chainID: string): boolean {
    return this.layers.has(chainID);
  }

  /** Whether a snapshot is built on the layer (another layer, a container's layer), a disposable one (an init layer) aside. */
  private builtOn(chainID: string): boolean {
    return this.snapshots.inUse(chainID);
  }

  private removable(chainID: string, referenced: Set<string>): boolean {
    return !referenced.has(chainID) && !this.isHeld(chainID) && !this.inflight.has(chainID) && !this.builtOn(chainID);
  }

  /**
   * Remove the layers `chainIDs` (children first) unless an image uses them, an operation holds
   * them, or something is built on them: what a failed operation created.
   */
  async discard(chainIDs: string[], referenced: Set<string>): Promise<void> {
    for (const chainID of [...chainIDs].reverse()) {
      const rec = this.layers.get(chainID);
      if (rec && this.removable(chainID, referenced)) await this.removeLayer(rec);
    }
  }

  private async removeLayer(rec: LayerRecord): Promise<void> {
    await this.snapshots.remove(rec.chainID);
    this.layers.delete(rec.chainID);
  }

  /**
   * Remove every layer not in `referenced` (the chainIDs images use, with their parents), not
   * held and with nothing built on it, children first. Returns the removed records in that order.
   */
  async prune(referenced: Set<string>): Promise<LayerRecord[]> {
    const removed: LayerRecord[] = [];
    for (let more = true; more;) {
      more = false;
      for (const rec of [...this.layers.values()]) {
        if (!this.removable(rec.chainID, referenced)) continue;
        await this.removeLayer(rec);
        removed.push(rec);
        more = true;
      }
    }
    return removed;
  }
}
