/**
 * A lease on the image stores for one operation that adds to them (import, load, pull, commit,
 * a build step), in containerd's manner: every blob it ingests or uses and every layer it
 * extracts is kept from garbage collection (an `rmi` meanwhile) while it runs. When it ends —
 * committed, or given up (a bad archive, a client or upstream that went away, a full disk) —
 * what it created and no image uses (an archive's extra files, everything of a failed one)
 * goes at once, not at the next start.
 *
 *   await withLease(images, async (lease) => { …lease.ingest(…)…lease.applyLayerBlob(…)…images.commit(…) });
 */
import type { Readable } from 'node:stream';
import type { BlobInfo } from './content-store.js';
import type { LayerBlob } from './layer-store.js';
import { log } from '../log.js';

/** What a lease works on: the image stores' operations, as ImageService hands them to it. */
export interface LeaseStores {
  /** Keep a blob from garbage collection until the returned release is called. */
  leaseBlob(digest: string): () => void;
  ingest(src: Readable, opts: { expected?: string; expectedSize?: number }): Promise<BlobInfo>;
  chainID(parent: string | null, diffID: string): string;
  hold(chainIDs: string[]): () => void;
  hasLayer(chainID: string): boolean;
  applyLayerBlob(parent: string | null, diffID: string, blobDigest: string): Promise<{ chainID: string; blob: LayerBlob }>;
  discard(created: { blobs: string[]; layers: string[] }): Promise<void>;
}

export class ImageLease {
  /** Blobs and layers this operation created (they were not in the stores before). */
  private readonly createdBlobs = new Set<string>();
  private readonly createdLayers: string[] = [];
  private readonly releases: (() => void)[] = [];

  constructor(private readonly images: LeaseStores) {}

  /** Keep a blob already in the store (a load's config, a pull's existing layer) for this operation. */
  useBlob(digest: string): void {
    this.releases.push(this.images.leaseBlob(digest));
  }

  /** Ingest a blob into the content store (see ContentStore.ingest), leased. */
  async ingest(src: Readable, opts: { expected?: string; expectedSize?: number } = {}): Promise<BlobInfo> {
    const info = await this.images.ingest(src, opts);
    this.useBlob(info.digest);
    if (info.created) this.createdBlobs.add(info.digest);
    return info;
  }

  /** ImageService.applyLayerBlob, with the layer held (and remembered when this extracted it). */
  async applyLayerBlob(parent: string | null, diffID: string, blobDigest: string): Promise<{ chainID: string; blob: LayerBlob }> {
    this.useBlob(blobDigest);
    const chainID = this.images.chainID(parent, diffID);
    this.releases.push(this.images.hold([chainID]));
    const existed = this.images.hasLayer(chainID);
    const r = await this.images.applyLayerBlob(parent, diffID, blobDigest);
    if (!existed) this.createdLayers.push(chainID);
    return r;
  }

  /** Hold layers (an image's chain the operation builds on). */
  holdLayers(chainIDs: string[]): void {
    this.releases.push(this.images.hold(chainIDs));
  }

  /** The operation is over: stop holding, and remove what it created that no image uses and no other operation holds. */
  async end(): Promise<void> {
    for (const r of this.releases.splice(0)) r();
    try {
      await this.images.discard({ blobs: [...this.createdBlobs], layers: this.createdLayers });
    } catch (e) {
      log.warn('cleaning up after an image operation', { error: String(e) });
    }
  }
}

/** Run `fn` under a fresh lease, ended however `fn` ends. */
export async function withLease<T>(images: { lease(): ImageLease }, fn: (lease: ImageLease) => Promise<T>): Promise<T> {
  const lease = images.lease();
  try {
    return await fn(lease);
  } finally {
    await lease.end();
  }
}
