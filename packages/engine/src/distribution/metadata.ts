/**
 * Distribution metadata, as dockerd keeps it: which diffID a registry blob uncompresses to
 * (so a layer pulled once shows "Already exists" afterwards) and, per diffID, the blobs that
 * carry it and the repositories they came from (push: blob-exists checks and cross-repository
 * mounts without re-compressing). Files are written atomically (storage/atomic.ts); a lost write only costs a
 * re-download.
 *
 *   <dataRoot>/distribution/
 *     diffid-by-digest/sha256/<blob hex>      → "sha256:<diffID>"
 *     v2metadata-by-diffid/sha256/<diffID hex> → [{"Digest","SourceRepository","Size"}]
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeAtomicSync } from '../storage/atomic.js';
import { log } from '../log.js';

export interface V2Metadata { Digest: string; SourceRepository: string; Size?: number }

export class DistributionMetadata {
  constructor(readonly root: string) {
    fs.mkdirSync(path.join(root, 'diffid-by-digest', 'sha256'), { recursive: true });
    fs.mkdirSync(path.join(root, 'v2metadata-by-diffid', 'sha256'), { recursive: true });
  }

  private file(kind: string, digest: string): string {
    const [algo, hex] = digest.split(':');
    if (algo !== 'sha256' || !/^[a-f0-9]{64}$/.test(hex ?? '')) throw new Error(`invalid digest ${digest}`);
    return path.join(this.root, kind, algo, hex!);
  }

  /** Best effort: a write lost to a full disk only costs a re-download or re-upload later. */
  private write(file: string, data: string): void {
    try {
      writeAtomicSync(file, data, { mode: 0o644 });
    } catch (e) {
      log.warn('distribution metadata not saved', { file, error: String(e) });
    }
  }

  diffIdOf(blobDigest: string): string | undefined {
    try { return fs.readFileSync(this.file('diffid-by-digest', blobDigest), 'utf8').trim() || undefined; } catch { return undefined; }
  }

  setDiffId(blobDigest: string, diffId: string): void {
    this.write(this.file('diffid-by-digest', blobDigest), diffId);
  }

  v2For(diffId: string): V2Metadata[] {
    try { return JSON.parse(fs.readFileSync(this.file('v2metadata-by-diffid', diffId), 'utf8')); } catch { return []; }
  }

  addV2(diffId: string, meta: V2Metadata): void {
    const list = this.v2For(diffId).filter((m) => !(m.Digest === meta.Digest && m.SourceRepository === meta.SourceRepository));
    list.unshift(meta);
    this.write(this.file('v2metadata-by-diffid', diffId), JSON.stringify(list.slice(0, 50)));
  }
}
