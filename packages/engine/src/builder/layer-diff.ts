/**
 * A build step's filesystem change → a layer: the step's overlay upperdir as a Docker layer
 * tar (storage/diff.ts: whiteouts, opaque dirs; a RUN container's mountpoints are in its init
 * layer, below), ingested into the content store and applied on top of the parent's layers
 * through ImageService. A step that changed nothing gives no layer (Docker's `empty_layer`).
 */
import type { ImageLease } from '../images/lease.js';
import type { LayerBlob } from '../images/layer-store.js';
import { layerTarFromUpperdir } from '../storage/diff.js';

export interface CommittedLayer { diffID?: string; blob?: LayerBlob; chainID?: string }

/** A tar with no entries is its two zero end blocks. */
const EMPTY_TAR_MAX = 1024;

/**
 * Turn `upperDir` into a layer on top of `parentChain`: returns the new diffID/chainID, or
 * nothing when the step changed no file (the empty tar goes when the lease ends).
 */
export async function commitLayer(lease: ImageLease, parentChain: string | null, upperDir: string): Promise<CommittedLayer> {
  const stream = layerTarFromUpperdir(upperDir);
  const info = await lease.ingest(stream);
  if (info.size <= EMPTY_TAR_MAX) return {};
  const { chainID, blob } = await lease.applyLayerBlob(parentChain, info.digest, info.digest);
  return { diffID: info.digest, blob, chainID };
}
