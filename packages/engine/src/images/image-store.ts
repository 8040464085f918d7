/**
 * Image store: an image is its config blob (Docker image config JSON; ID = sha256 of those exact
 * bytes) plus a small metadata file. The metadata file is written last, after the config blob
 * and every layer exist: its presence is what makes the image exist.
 *
 *   <root>/
 *     blobs/sha256/<id hex>    the config (content store)
 *     images/<id hex>.json     { parent?, lastTagTime?, layerBlobs? } — the image is committed
 *     images/.tmp-*            writes in flight; removed at start
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgument, NotFound } from '@berth/shared';
import type { ImageConfig } from './types.js';
import type { ContentStore } from './content-store.js';
import type { LayerBlob } from './layer-store.js';
import { chainIDs, digestHex, sha256 } from './fsutil.js';
import { removeTemps, writeAtomic } from '../storage/atomic.js';

export interface ImageMeta {
  parent?: string;
  lastTagTime?: string;
  /** Per layer (by diffID), the blob it came in; save/push prefer these for byte-exact output. */
  layerBlobs?: Record<string, LayerBlob>;
}

export interface StoredImage {
  id: string;
  config: ImageConfig;
  configBytes: Buffer;
  chainIDs: string[];
  meta: ImageMeta;
}

export class ImageStore {
  readonly dir: string;
  private readonly images = new Map<string, StoredImage>();

  constructor(root: string, private readonly content: ContentStore) {
    this.dir = path.join(root, 'images');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    removeTemps(this.dir);
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (!m) continue;
      const id = `sha256:${m[1]}`;
      try {
        const meta = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as ImageMeta;
        const configBytes = fs.readFileSync(content.path(id));
        this.images.set(id, build(id, configBytes, meta));
      } catch {
        fs.rmSync(path.join(this.dir, name), { force: true });
      }
    }
  }

  /** Parse and check a config: JSON with rootfs.diff_ids. */
  static parseConfig(bytes: Buffer): ImageConfig {
    let cfg: ImageConfig;
    try { cfg = JSON.parse(bytes.toString('utf8')); } catch (e) { throw new InvalidArgument(`invalid image config: ${(e as Error).message}`); }
    if (!cfg || typeof cfg !== 'object' || !cfg.rootfs || !Array.isArray(cfg.rootfs.diff_ids)) throw new InvalidArgument('invalid image config: no rootfs.diff_ids');
    return cfg;
  }

  /** Commit an image whose config blob is in the content store and whose layers exist. */
  async create(configBytes: Buffer, meta: ImageMeta = {}): Promise<StoredImage> {
    const id = sha256(configBytes);
    ImageStore.parseConfig(configBytes);
    const put = this.content.has(id) ? undefined : await this.content.put(configBytes, id);
    const existing = this.images.get(id);
    if (existing) {
      // Loading again: keep the first parent, learn layer blobs.
      const learned = { ...meta.layerBlobs, ...existing.meta.layerBlobs };
      await this.saveMeta({ ...existing, meta: { ...existing.meta, layerBlobs: learned } });
      existing.meta.layerBlobs = learned;
      return existing;
    }
    const img = build(id, configBytes, meta);
    try {
      await this.saveMeta(img);
    } catch (e) {
      // No image: the config blob this put there goes too (unless another commit of it got there first).
      if (put?.created && !this.images.has(id)) await this.content.remove(id);
      throw e;
    }
    this.images.set(id, img);
    return img;
  }

  /** The ID an image with these config bytes has. */
  static idOf(configBytes: Buffer): string {
    return sha256(configBytes);
  }

  private async saveMeta(img: StoredImage): Promise<void> {
    await writeAtomic(path.join(this.dir, `${digestHex(img.id)}.json`), JSON.stringify(img.meta));
  }

  get(id: string): StoredImage | undefined {
    return this.images.get(id);
  }

  list(): StoredImage[] {
    return [...this.images.values()];
  }

  /** Short-ID lookup ("abc123", "sha256:abc123"): the unique image whose ID starts with it. */
  search(prefix: string): StoredImage | undefined {
    const p = prefix.startsWith('sha256:') ? prefix.slice(7) : prefix;
    if (!/^[a-f0-9]{1,64}$/.test(p)) return undefined;
    const hits = [...this.images.values()].filter((i) => i.id.slice(7).startsWith(p));
    if (hits.length > 1) throw new InvalidArgument(`ambiguous image ID prefix: ${prefix}`);
    return hits[0];
  }

  children(id: string): StoredImage[] {
    return this.list().filter((i) => i.meta.parent === id);
  }

  async setLastTagTime(id: string, when = new Date()): Promise<void> {
    const img = this.images.get(id);
    if (!img) return;
    img.meta.lastTagTime = when.toISOString();
    await this.saveMeta(img);
  }

  async delete(id: string): Promise<void> {
    if (!this.images.delete(id)) throw new NotFound(`No such image: ${id}`);
    await fs.promises.rm(path.join(this.dir, `${digestHex(id)}.json`), { force: true });
  }
}

function build(id: string, configBytes: Buffer, meta: ImageMeta): StoredImage {
  const config = ImageStore.parseConfig(configBytes);
  return { id, config, configBytes, chainIDs: chainIDs(config.rootfs.diff_ids), meta };
}
