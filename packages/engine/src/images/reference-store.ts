/**
 * Reference store: tags (`docker.io/library/busybox:latest`) and digests
 * (`docker.io/library/busybox@sha256:…`) → image ID, in one file rewritten atomically.
 *
 *   <root>/
 *     repositories.json        { "Refs": { "<full reference>": "sha256:<image id>" } }
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatReference, type Reference } from '@berth/shared/reference';
import { removeTemps, writeAtomic } from '../storage/atomic.js';

export class ReferenceStore {
  private readonly file: string;
  private refs = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(root: string) {
    this.file = path.join(root, 'repositories.json');
    try {
      const doc = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { Refs?: Record<string, string> };
      this.refs = new Map(Object.entries(doc.Refs ?? {}));
    } catch { /* none yet */ }
    removeTemps(root);
  }

  get(ref: Reference | string): string | undefined {
    return this.refs.get(typeof ref === 'string' ? ref : formatReference(ref));
  }

  /** Point a tag or digest reference at `id` (replacing what it pointed at). Returns the old ID. */
  async set(ref: Reference, id: string): Promise<string | undefined> {
    const key = formatReference(ref);
    const old = this.refs.get(key);
    this.refs.set(key, id);
    try {
      await this.save();
    } catch (e) {
      // Not on disk (a full disk): not in memory either.
      if (this.refs.get(key) === id) { if (old === undefined) this.refs.delete(key); else this.refs.set(key, old); }
      throw e;
    }
    return old;
  }

  async delete(ref: Reference | string): Promise<boolean> {
    const ok = this.refs.delete(typeof ref === 'string' ? ref : formatReference(ref));
    if (ok) await this.save();
    return ok;
  }

  /** Full reference strings pointing at `id`, sorted. */
  refsOf(id: string): string[] {
    return [...this.refs].filter(([, v]) => v === id).map(([k]) => k).sort();
  }

  /** Drop references to images that do not exist (after a crash between commit steps). */
  async retain(exists: (id: string) => boolean): Promise<void> {
    let changed = false;
    for (const [k, v] of this.refs) if (!exists(v)) { this.refs.delete(k); changed = true; }
    if (changed) await this.save();
  }

  all(): [string, string][] {
    return [...this.refs];
  }

  private save(): Promise<void> {
    const doc = JSON.stringify({ Refs: Object.fromEntries([...this.refs].sort(([a], [b]) => a.localeCompare(b))) });
    this.writing = this.writing.then(() => writeAtomic(this.file, doc), () => writeAtomic(this.file, doc));
    return this.writing;
  }
}
