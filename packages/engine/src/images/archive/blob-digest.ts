/** The uncompressed digest (diffID) of a layer blob in the content store. */
import fs from 'node:fs';
import { compressionOf, uncompressedDigest, type ImageService } from '../service.js';

export async function uncompressedDigestOf(svc: ImageService, digest: string): Promise<string> {
  const file = svc.blobPath(digest);
  const fh = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(4);
  try { await fh.read(head, 0, 4, 0); } finally { await fh.close(); }
  const kind = compressionOf(head);
  return kind === 'tar' ? digest : uncompressedDigest(file, kind);
}
