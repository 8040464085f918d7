/**
 * Read an image archive (docker save output or an OCI layout tar) in one pass: small metadata
 * files are kept in memory, every other file goes to the content store while hashed (files
 * named `blobs/sha256/<hex>` must match their name). Returns name → content.
 */
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidArgument } from '@berth/shared';
import type { ImageLease } from '../lease.js';

export interface ArchiveFiles {
  /** Metadata files read into memory (manifest.json, index.json, repositories, *.json, json, VERSION, oci-layout). */
  meta: Map<string, Buffer>;
  /** Other files: archive name → blob digest in the content store. */
  blobs: Map<string, string>;
}

const META_MAX = 16 * 1024 * 1024;

function cleanName(name: string): string {
  const parts = name.split('/').filter((p) => p && p !== '.');
  if (name.startsWith('/') || parts.includes('..')) throw new InvalidArgument(`invalid archive entry name: ${name}`);
  return parts.join('/');
}

const isMeta = (name: string, size: number) =>
  size <= META_MAX && (/(^|\/)(json|VERSION|oci-layout|repositories)$/.test(name) || name.endsWith('.json'));

/**
 * Read the archive; its blobs go into the store under `lease` (which the caller abandons on
 * failure). `signal` (the client went away) stops the read wherever it is, the blob being
 * ingested included, whatever the body stream does after the hang-up.
 */
export async function readArchive(src: Readable, lease: ImageLease, signal?: AbortSignal): Promise<ArchiveFiles> {
  const files: ArchiveFiles = { meta: new Map(), blobs: new Map() };
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      if (h.type !== 'file' && h.type !== 'contiguous-file') { entry.resume(); continue; }
      const name = cleanName(h.name);
      if (isMeta(name, h.size ?? 0)) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        files.meta.set(name, Buffer.concat(chunks));
        continue;
      }
      const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
      const expected = m ? `sha256:${m[1]}` : undefined;
      const { digest } = await lease.ingest(entry as unknown as Readable, { expected }).catch((e: Error) => {
        if (isSystemError(e)) throw e;
        throw new InvalidArgument(`invalid archive entry ${name}: ${e.message}`);
      });
      files.blobs.set(name, digest);
    }
  })();
  src.on('error', (e) => extract.destroy(e));
  const abort = () => extract.destroy(new Error('the client went away'));
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  src.pipe(extract);
  try {
    await done;
  } catch (e) {
    src.unpipe(extract);
    src.resume();
    const err = e as Error;
    throw err instanceof InvalidArgument || isSystemError(err) ? err : new InvalidArgument(`invalid tar archive: ${err.message}`);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return files;
}

/** A failure of the system (a full disk, an I/O error), not of the archive: reported as it is. */
function isSystemError(e: Error): boolean {
  return typeof (e as NodeJS.ErrnoException).errno === 'number';
}
