/** `import`: a rootfs tar (plain or compressed) becomes a one-layer image, with `-c` changes. */
import type { Readable } from 'node:stream';
import { parseNormalizedNamed, withTag, type Reference } from '@berth/shared/reference';
import { parseRef, type ImageService } from '../service.js';
import { applyChanges } from './changes.js';
import { uncompressedDigestOf } from './blob-digest.js';
import type { ImageConfig } from '../types.js';
import { withLease } from '../lease.js';

export interface ImportOptions {
  /** repo[:tag] to tag the result with (optional). */
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  /** What the history comment names as the source ("-" for a request body, else the URL). */
  source: string;
  platform?: { architecture: string; os: string };
  /** The client went away: stop before committing (what was added goes). */
  signal?: AbortSignal;
}

/** Validate the options before any byte is read (bad input is a 400, not a stream error). */
export function checkImportOptions(opts: ImportOptions): Reference | undefined {
  applyChanges({}, opts.changes ?? []);
  if (!opts.repo) return undefined;
  return parseRef(() => { parseNormalizedNamed(opts.repo!); return withTag(opts.repo!, opts.tag); });
}

/** Import a rootfs tar; on any failure nothing of it stays (no blob, no layer, no image). */
export async function importImage(svc: ImageService, src: Readable, opts: ImportOptions): Promise<string> {
  const ref = checkImportOptions(opts);
  return withLease(svc, async (lease) => {
    const { digest } = await lease.ingest(src);
    const diffID = await uncompressedDigestOf(svc, digest);
    opts.signal?.throwIfAborted();
    const { blob } = await lease.applyLayerBlob(null, diffID, digest);
    opts.signal?.throwIfAborted();
    const created = new Date().toISOString();
    const comment = opts.message || `Imported from ${opts.source}`;
    const config: ImageConfig = {
      architecture: opts.platform?.architecture ?? 'amd64',
      comment,
      config: applyChanges({}, opts.changes ?? []),
      created,
      history: [{ created, comment }],
      os: opts.platform?.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: [diffID] },
    };
    const { image } = await svc.commit({ config: Buffer.from(JSON.stringify(config)), layerBlobs: { [diffID]: blob }, refs: ref ? [ref] : [], log: 'import' });
    return image.id;
  });
}
