/**
 * Layer store: each layer extracted once into a directory usable as an overlay lowerdir, keyed
 * by chainID (the layer and everything below it), shared by every image that has it.
 * Reference counts are not persisted: they are derived from the images that exist (plus
 * in-memory holds for pulls/loads in flight), so a crash cannot leave a count wrong.
 *
 *   <root>/layers/
 *     <chainID hex>/
 *       diff/                  the extracted layer (overlay lowerdir; whiteouts as char 0/0,
 *                              opaque dirs with trusted.overlay.opaque=y)
 *       layer.json             { chainID, diffID, parent, size, blobs: [{digest, mediaType, size}] }
 *     .tmp-*                   extractions in flight and removals half done; removed at start
 *
 * A layer dir is renamed into place only once extracted and described: a named layer is whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotFound } from '@berth/shared';
import { digestHex, sha256 } from './fsutil.js';
import { removeTemps, tmpName, writeAtomic } from '../storage/atomic.js';

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
  readonly dir: string;
  private readonly layers = new Map<string, LayerRecord>();
  private readonly inflight = new Map<string, Promise<LayerRecord>>();
  private readonly holds = new Map<string, number>();

  constructor(root: string) {
    this.dir = path.join(root, 'layers');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    removeTemps(this.dir);
    for (const name of fs.readdirSync(this.dir)) {
      try {
        const rec = JSON.parse(fs.readFileSync(path.join(this.dir, name, 'layer.json'), 'utf8')) as LayerRecord;
        this.layers.set(rec.chainID, rec);
      } catch {
        fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
      }
    }
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
    return path.join(this.dir, digestHex(chainID), 'diff');
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
    const tmp = tmpName(this.dir, digestHex(chainID).slice(0, 12));
    await fs.promises.mkdir(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 });
    await fs.promises.chmod(tmp, 0o700);
    try {
      const { size } = await apply(path.join(tmp, 'diff'));
      const rec: LayerRecord = { chainID, diffID, parent, size, blobs: blob ? [blob] : [] };
      await writeAtomic(path.join(tmp, 'layer.json'), JSON.stringify(rec));
      await fs.promises.rename(tmp, path.join(this.dir, digestHex(chainID)));
      this.layers.set(chainID, rec);
      return rec;
    } catch (e) {
      await fs.promises.rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Remember another tar this layer is known by (a pull's compressed blob, a load's tar). */
  async addBlob(chainID: string, blob: LayerBlob): Promise<void> {
    const rec = this.layers.get(chainID);
    if (!rec) throw new NotFound(`layer ${chainID} not found`);
    if (rec.blobs.some((b) => b.digest === blob.digest)) return;
    rec.blobs.push(blob);
    await writeAtomic(path.join(this.dir, digestHex(chainID), 'layer.json'), JSON.stringify(rec));
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

  /**
   * Remove the layers `chainIDs` (children first) unless an image uses them, an operation holds
   * them, or another layer is built on them: what a failed operation created.
   */
  async discard(chainIDs: string[], referenced: Set<string>): Promise<void> {
    for (const chainID of [...chainIDs].reverse()) {
      const rec = this.layers.get(chainID);
      if (!rec || referenced.has(chainID) || this.isHeld(chainID) || this.inflight.has(chainID)) continue;
      if ([...this.layers.values()].some((l) => l.parent === chainID)) continue;
      await this.removeLayer(rec);
    }
  }

  private async removeLayer(rec: LayerRecord): Promise<void> {
    this.layers.delete(rec.chainID);
    const dir = path.join(this.dir, digestHex(rec.chainID));
    const doomed = tmpName(this.dir, 'rm');
    await fs.promises.rename(dir, doomed);
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  /**
   * Remove every layer not in `referenced` (the chainIDs images use, with their parents) and not
   * held. Returns the removed records.
   */
  async prune(referenced: Set<string>): Promise<LayerRecord[]> {
    const removed: LayerRecord[] = [];
    for (const rec of [...this.layers.values()]) {
      if (referenced.has(rec.chainID) || this.isHeld(rec.chainID) || this.inflight.has(rec.chainID)) continue;
      await this.removeLayer(rec);
      removed.push(rec);
    }
    return removed;
  }
}
