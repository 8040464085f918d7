/**
 * What distribution needs from the image side (content, layer, image and reference stores),
 * as one small role interface. `images-adapter.ts` implements it on the images engineer's
 * ImageService; tests can fake it.
 */
import type { Readable } from 'node:stream';

/** A layer blob as a registry names it. */
export interface LayerBlobRef { digest: string; mediaType: string; size: number }

/**
 * What one pull writes, under a lease: kept from garbage collection while the pull runs, and
 * when it ends (`end`) whatever it wrote that no image uses goes — a pull that fails (a registry
 * that closed mid-blob, a full disk, a client that went away) leaves no blob or layer behind.
 */
export interface PullLease {
  /**
   * Stream a blob into the content store: written to a temp file, named only once its digest
   * (and size, when known) verify. Resolves when it is named; rejects (leaving nothing named) otherwise.
   */
  writeBlob(digest: string, size: number | undefined, src: Readable): Promise<void>;
  /** A blob already in the store that this pull will refer to. */
  useBlob(digest: string): void;
  /**
   * Extract a (compressed or plain) layer blob on top of the parent chain, checking that its
   * uncompressed digest is diffId; registers it under its chainID. `onBytes` reports compressed
   * bytes consumed.
   */
  registerLayer(blob: LayerBlobRef, diffId: string, parentChainId: string | null, onBytes?: (n: number) => void): Promise<void>;
  end(): Promise<void>;
}

export interface DistributionStore {
  /** Whether a verified blob is in the content store. */
  hasBlob(digest: string): Promise<boolean>;
  /** Start writing for one pull. */
  begin(): PullLease;
  /** Read a named blob. */
  readBlob(digest: string): Readable;

  /** Whether the layer chain ending with chainID is registered. */
  hasLayer(chainId: string): Promise<boolean>;
  /** Keep these layers from pruning while a pull is in flight; returns the release. */
  hold(chainIds: string[]): () => void;
  /** The uncompressed tar of a registered layer (pushing images that were imported or loaded). */
  layerTar(chainId: string): Promise<Readable>;
  /** Blobs in the content store known to carry a layer (as pulled or loaded), and its unpacked size. */
  layerInfo(chainId: string): Promise<{ size: number; blobs: LayerBlobRef[] }>;

  /** Store an image config (bytes kept exactly; ID = its digest); its layers must be registered. */
  createImage(config: Buffer, layerBlobs: Record<string, LayerBlobRef>): Promise<string>;
  /** Remove an image this pull created but could not name (its references too); its blobs go with the pull's lease. */
  discardImage(id: string): Promise<void>;
  /** The raw config bytes of an image. */
  imageConfig(id: string): Promise<Buffer>;
  /** Resolve a normalized reference (`docker.io/library/busybox:latest`, `repo@sha256:…`) or ID to an image ID, or undefined. */
  resolve(ref: string): Promise<string | undefined>;
  /** The tags (normalized `name:tag`) of a repository name, each with its image ID. */
  tagsOf(name: string): Promise<{ ref: string; id: string }[]>;
  /** Point a normalized tag or digest reference at an image. */
  setReference(ref: string, id: string): Promise<void>;
}
