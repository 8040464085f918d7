/**
 * Layer extraction: the in-root extractor (storage/in-root.ts) in its layer mode — chrooted into
 * the fresh layer directory, Docker whiteouts turned into overlay ones, hostile entries (absolute
 * names, `..`, names that traverse a symlink, hardlinks out of the layer) refused before anything
 * is written for them.
 */
import type { Readable } from 'node:stream';
import { extractInRoot } from '../storage/in-root.js';

/** Extract a layer tar (plain, gzip, zstd, xz) at `file` into the existing directory `dest`. */
export function extractLayerFile(file: string, dest: string): Promise<{ size: number }> {
  return extractInRoot(file, dest, '/', { layer: true });
}

/** Extract a layer from a stream (whoever produced it can hash the same bytes: tee it before). */
export function extractLayerStream(src: Readable, dest: string): Promise<{ size: number }> {
  return extractInRoot(src, dest, '/', { layer: true });
}
