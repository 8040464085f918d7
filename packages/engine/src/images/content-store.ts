/**
 * Content store: blobs (image configs, layer tars as received, manifests) named by digest.
 * A blob is written to a temp file while hashed and renamed to its name only after the digest
 * is verified, so a named blob is never partial or corrupt.
 *
 *   <root>/
 *     blobs/sha256/<hex>       committed blobs, read-only (0444)
 *     blobs/sha256/.tmp-*      ingests in flight (removed as soon as one fails, and at start)
 *
 * Blobs an operation in flight will refer to are leased (images/lease.ts): garbage collection
 * leaves them alone until the operation commits its image or gives up.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument, NotFound } from '@berth/shared';
import { digestHex } from './fsutil.js';
import { removeTemps, tmpName } from '../storage/atomic.js';

export interface BlobInfo {
  digest: string;
  size: number;
  /** This ingest named the blob (it was not in the store before). */
  created?: boolean;
}

export class ContentStore {
  readonly dir: string;
  private readonly leases = new Map<string, number>();

  constructor(root: string) {
    this.dir = path.join(root, 'blobs', 'sha256');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    removeTemps(this.dir);
  }

  path(digest: string): string {
    return path.join(this.dir, digestHex(digest));
  }

  has(digest: string): boolean {
    try { return fs.statSync(this.path(digest)).isFile(); } catch { return false; }
  }

  size(digest: string): number {
    try { return fs.statSync(this.path(digest)).size; } catch { throw new NotFound(`blob ${digest} not found`); }
  }

  async read(digest: string): Promise<Buffer> {
    try { return await fs.promises.readFile(this.path(digest)); } catch { throw new NotFound(`blob ${digest} not found`); }
  }

  createReadStream(digest: string): Readable {
    if (!this.has(digest)) throw new NotFound(`blob ${digest} not found`);
    return fs.createReadStream(this.path(digest));
  }

  /** All committed digests. */
  list(): string[] {
    return fs.readdirSync(this.dir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /**
   * Ingest a stream: hashed while written to a temp file, renamed once the digest is known (and
   * equal to `expected` when given). `tap` sees the same bytes (e.g. to extract while downloading).
   */
  async ingest(src: Readable, opts: { expected?: string; expectedSize?: number; tap?: (chunk: Buffer) => void } = {}): Promise<BlobInfo> {
    const tmp = tmpName(this.dir, 'ingest');
    const hash = crypto.createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        opts.tap?.(chunk);
        cb(null, chunk);
      },
    });
    try {
      const out = fs.createWriteStream(tmp, { mode: 0o444 });
      await pipeline(src, meter, out);
      const fh = await fs.promises.open(tmp, 'r');
      await fh.sync().finally(() => fh.close());
      const digest = `sha256:${hash.digest('hex')}`;
      if (opts.expected && opts.expected !== digest) throw new InvalidArgument(`digest mismatch: expected ${opts.expected}, got ${digest}`);
      if (opts.expectedSize !== undefined && opts.expectedSize !== size) throw new InvalidArgument(`size mismatch for ${digest}: expected ${opts.expectedSize}, got ${size}`);
      if (this.has(digest)) { await fs.promises.rm(tmp, { force: true }); return { digest, size, created: false }; }
      await fs.promises.rename(tmp, this.path(digest));
      return { digest, size, created: true };
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Store bytes already in memory (configs, manifests). */
  async put(data: Buffer, expected?: string): Promise<BlobInfo> {
    const { Readable } = await import('node:stream');
    return this.ingest(Readable.from([data]), { expected });
  }

  async remove(digest: string): Promise<void> {
    await fs.promises.rm(this.path(digest), { force: true });
  }

  /** Keep a blob from garbage collection until the returned release is called. */
  lease(digest: string): () => void {
    this.leases.set(digest, (this.leases.get(digest) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.leases.get(digest) ?? 1) - 1;
      if (n <= 0) this.leases.delete(digest); else this.leases.set(digest, n);
    };
  }

  isLeased(digest: string): boolean {
    return (this.leases.get(digest) ?? 0) > 0;
  }

  /** Delete every blob not in `keep` and not leased. */
  async gc(keep: Set<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const d of this.list()) {
      if (!keep.has(d) && !this.isLeased(d)) { await this.remove(d); removed.push(d); }
    }
    return removed;
  }
}
