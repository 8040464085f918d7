/**
 * ImageService: the image side of berthd over its four stores. Resolves references as Docker
 * does, lists/inspects/tags/deletes/prunes, and commits new images for import, load, pull and
 * build. Implements ImageLookup for the containers side.
 *
 *   <data-root>/image/
 *     blobs/sha256/…       ContentStore   (configs, layer tars as received, manifests)
 *     layers/<chain>/…     LayerStore     (extracted layers: committed snapshots, storage/snapshots.ts)
 *     images/<id>.json     ImageStore     (committed images)
 *     repositories.json    ReferenceStore (tags and digests)
 *
 * Start-up cleans what a crash left: temp files of each store, references to images that do
 * not exist, layers no image uses, blobs nothing refers to.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { Conflict, InvalidArgument, NotFound } from '@berth/shared';
import type { ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSummary } from '@berth/shared/api/types';
import {
  familiarString, familiarize, formatReference, parseAnyReference, parseNormalizedNamed,
  parseStored, withTag, type Reference,
} from '@berth/shared/reference';
import { ContentStore } from './content-store.js';
import { LayerStore, type LayerBlob, type LayerRecord } from './layer-store.js';
import type { Snapshotter } from '../storage/snapshots.js';
import { ImageStore, type ImageMeta, type StoredImage } from './image-store.js';
import { ReferenceStore } from './reference-store.js';
import { extractLayerFile } from './native.js';
import { imageHistory, imageInspect, imageSummary } from './views.js';
import { ImageLease } from './lease.js';
import { checkFilters, createdSecs, danglingFilter, labelsMatch, referenceMatches } from './filters.js';
import { parseRef } from './parse-ref.js';
import { noEvents, type Actions, type EventSink } from '../events/types.js';
import type { CommitOptions, ImageInUse, ImageLookup, ImageRecord, ImageUser } from './types.js';
import { atLeast } from '../api/versions.js';

export type DeleteRecord = ImageDeleteResponseItem & ({ Untagged: string } | { Deleted: string });
export type { CommitOptions } from './types.js';
export { parseRef } from './parse-ref.js';

const mediaTypes = {
  tar: 'application/vnd.oci.image.layer.v1.tar',
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};

/** Sniff a blob's compression from its first bytes. */
export function compressionOf(head: Buffer): 'gzip' | 'zstd' | 'tar' {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'tar';
}

export class ImageService implements ImageLookup {
  private readonly content: ContentStore;
  private readonly layers: LayerStore;
  private readonly images: ImageStore;
  private readonly refs: ReferenceStore;
  private inUse: ImageInUse = () => [];

  private constructor(readonly root: string, snapshots: Snapshotter, private readonly events: EventSink) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    this.content = new ContentStore(root);
    this.layers = new LayerStore(snapshots);
    this.images = new ImageStore(root, this.content);
    this.refs = new ReferenceStore(root);
  }

  /** The image stores under `root`; layers are `snapshots`' committed ones named by chainID. */
  static async open(root: string, snapshots: Snapshotter, events: EventSink = noEvents): Promise<ImageService> {
    const s = new ImageService(root, snapshots, events);
    await s.layers.load();
    await s.refs.retain((id) => !!s.images.get(id));
    await s.collectGarbage();
    return s;
  }

  /**
   * Log an image event as dockerd's LogImageEvent does: the image's labels (while it still
   * exists) and `name`. `id` is the image ID, or the reference for pull and push.
   */
  logEvent(action: Actions['image'], id: string, name: string): void {
    let labels: Record<string, string> = {};
    try { labels = { ...(this.resolve(id).config.config?.Labels ?? {}) }; } catch { /* deleted */ }
    this.events.emit('image', action, id, { ...labels, name });
  }

  // ---- the stores, for the image side's own modules (archive, distribution adapter, df, build cache) ----

  hasBlob(digest: string): boolean { return this.content.has(digest); }
  blobPath(digest: string): string { return this.content.path(digest); }
  blobSize(digest: string): number { return this.content.size(digest); }
  readBlob(digest: string): Promise<Buffer> { return this.content.read(digest); }
  openBlob(digest: string): Readable { return this.content.createReadStream(digest); }
  /** A layer by chainID (its size and the blobs it came in). */
  layer(chainID: string): LayerRecord | undefined { return this.layers.get(chainID); }
  /** Every committed image. */
  storedImages(): StoredImage[] { return this.images.list(); }
  /** The image of an ID, or undefined. */
  stored(id: string): StoredImage | undefined { return this.images.get(id); }
  /** The references (stored form) pointing at an image. */
  referencesOf(id: string): string[] { return this.refs.refsOf(id); }
  /** Every reference and its image, [stored reference, id]. */
  allReferences(): [string, string][] { return this.refs.all(); }
  /** The image a stored reference names, when it exists. */
  referenced(ref: string): string | undefined {
    const id = this.refs.get(ref);
    return id && this.images.get(id) ? id : undefined;
  }

  /** Point a reference at an image without an event (a pull's or a load's). */
  async setReference(ref: Reference, id: string): Promise<void> {
    await this.refs.set(ref, id);
    if (ref.tag) await this.images.setLastTagTime(id);
  }

  /** Tag an image (a build's -t): a `tag` event. */
  async tagImage(id: string, ref: Reference): Promise<void> {
    await this.setReference(ref, id);
    this.logEvent('tag', id, familiarString(ref));
  }

  /** Drop an image that an operation made and gave up on (its references and config blob with it). */
  async discardImage(id: string): Promise<void> {
    for (const r of this.refs.refsOf(id)) await this.refs.delete(r);
    if (this.images.get(id)) await this.images.delete(id);
    await this.discardBlobs([id]);
  }

  /** Set by the containers side: which containers use an image (rmi conflicts, prune). */
  setImageInUse(fn: ImageInUse): void {
    this.inUse = fn;
  }

  count(): number {
    return this.images.list().length;
  }

  // ---- lookup -------------------------------------------------------------------------------

  /** Resolve a reference, full/short ID as Docker's GetImage does. */
  resolve(refOrId: string): StoredImage {
    const parsed = parseRef(() => parseAnyReference(refOrId));
    if ('id' in parsed) {
      const img = this.images.get(parsed.id);
      if (!img) throw new NotFound(`No such image: ${refOrId}`);
      return img;
    }
    const ref = parsed.ref;
    if (!ref.tag && !ref.digest) ref.tag = 'latest';
    const id = this.refs.get(ref);
    if (id && this.images.get(id)) return this.images.get(id)!;
    const byId = this.images.search(refOrId);
    if (byId) return byId;
    throw new NotFound(`No such image: ${familiarString(ref)}`);
  }

  record(img: StoredImage): ImageRecord {
    const refs = this.refs.refsOf(img.id).map(parseStored);
    return {
      id: img.id,
      config: img.config,
      repoTags: refs.filter((r) => r.tag && !r.digest).map(familiarString),
      repoDigests: refs.filter((r) => r.digest).map(familiarString),
      size: img.chainIDs.reduce((n, c) => n + (this.layers.get(c)?.size ?? 0), 0),
      parent: img.meta.parent ?? '',
      chainIDs: img.chainIDs,
    };
  }

  async get(ref: string): Promise<ImageRecord> {
    return this.record(this.resolve(ref));
  }

  async layerDirs(id: string): Promise<string[]> {
    const img = this.images.get(id) ?? this.resolve(id);
    return img.chainIDs.map((c) => this.layers.diffDir(c)).reverse();
  }

  // ---- list / inspect / history --------------------------------------------------------------

  /** `sharedSize`: each image's SharedSize, the size of its layers that other images use too (else -1). */
  list(opts: { all?: boolean; filters?: Map<string, string[]>; version: string; sharedSize?: boolean }): ImageSummary[] {
    const filters: Map<string, string[]> = opts.filters ?? new Map();
    checkFilters(filters, ['dangling', 'label', 'reference', 'before', 'since', 'until']);
    const dangling = danglingFilter(filters);
    const before = filters.get('before')?.map((r) => createdSecs(this.record(this.resolve(r))));
    const since = filters.get('since')?.map((r) => createdSecs(this.record(this.resolve(r))));
    const out: { created: number; s: ImageSummary }[] = [];
    const layerUsers = new Map<string, number>();
    if (opts.sharedSize) for (const img of this.images.list()) for (const c of img.chainIDs) layerUsers.set(c, (layerUsers.get(c) ?? 0) + 1);
    for (const img of this.images.list()) {
      const hasChildren = this.images.children(img.id).length > 0;
      if (dangling && hasChildren) continue;
      const rec = this.record(img);
      const created = createdSecs(rec);
      if (before && !before.every((b) => created < b)) continue;
      if (since && !since.every((s) => created > s)) continue;
      if (filters.has('label') && !labelsMatch(img.config.config?.Labels ?? {}, filters.get('label')!)) continue;
      if (filters.has('reference')) {
        const full = this.refs.refsOf(img.id).filter((r) => referenceMatches([r], filters.get('reference')!));
        const parsed = full.map(parseStored);
        rec.repoTags = parsed.filter((r) => r.tag && !r.digest).map(familiarString);
        rec.repoDigests = parsed.filter((r) => r.digest).map(familiarString);
      }
      if (!rec.repoTags.length && !rec.repoDigests.length) {
        if (!(opts.all || !hasChildren)) continue;
        if (dangling === false || filters.has('reference')) continue;
      } else if (dangling && rec.repoTags.length) continue;
      const s = imageSummary(rec, opts.version);
      if (atLeast(opts.version, 'imageListContainers')) s.Containers = this.inUse(img.id).length;
      if (opts.sharedSize) s.SharedSize = img.chainIDs.filter((c) => (layerUsers.get(c) ?? 0) > 1).reduce((n, c) => n + (this.layers.get(c)?.size ?? 0), 0);
      // newest first; images made within one second keep the order they were made in
      out.push({ created: Date.parse(rec.config.created ?? '') || 0, s });
    }
    return out.sort((a, b) => b.created - a.created).map((x) => x.s);
  }

  async inspect(ref: string, version: string): Promise<ImageInspect> {
    const img = this.resolve(ref);
    return imageInspect(this.record(img), await this.layerDirs(img.id), img.meta.lastTagTime, version);
  }

  history(ref: string): ReturnType<typeof imageHistory> {
    const img = this.resolve(ref);
    const chain: ImageRecord[] = [];
    for (let cur: StoredImage | undefined = img; cur; cur = cur.meta.parent ? this.images.get(cur.meta.parent) : undefined) {
      chain.push(this.record(cur));
    }
    return imageHistory(chain, img.chainIDs.map((c) => this.layers.get(c)?.size ?? 0));
  }

  // ---- tag / delete / prune ------------------------------------------------------------------

  async tag(source: string, repo: string, tag?: string): Promise<void> {
    const img = this.resolve(source);
    const ref = parseRef(() => withTag(repo, tag));
    await this.tagImage(img.id, ref);
  }

  private users(id: string): ImageUser[] {
    return this.inUse(id).map((u) => (typeof u === 'string' ? { id: u, running: false } : u));
  }

  /** DELETE /images/{name}: Docker's untag-vs-delete rules and conflict checks. */
  async remove(name: string, opts: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteRecord[]> {
    const img = this.resolve(name);
    const id = img.id;
    const records: DeleteRecord[] = [];
    let refs = this.refs.refsOf(id).map(parseStored);
    const isIdPrefix = isImageIdPrefix(id, name);
    if (!isIdPrefix) {
      const users = this.users(id);
      if (!opts.force && isSingleReference(refs) && users.length) {
        throw new Conflict(`conflict: unable to remove repository reference "${name}" (must force) - container ${users[0]!.id.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`);
      }
      const parsed = parseRef(() => parseNormalizedNamed(name));
      if (!parsed.tag && !parsed.digest) parsed.tag = 'latest';
      const key = formatReference(parsed);
      if (this.refs.get(key) !== id) throw new NotFound(`No such image: ${familiarString(parsed)}`);
      await this.refs.delete(key);
      this.untagged(records, id, familiarString(parsed));
      refs = this.refs.refsOf(id).map(parseStored);
      if (!parsed.digest && !refs.some((r) => !r.digest && r.name === parsed.name)) {
        const remaining: Reference[] = [];
        for (const r of refs) {
          if (r.digest && r.name === parsed.name) {
            await this.refs.delete(r);
            this.untagged(records, id, familiarString(r));
          } else remaining.push(r);
        }
        refs = remaining;
      }
      if (refs.length) return records;
      await this.deleteHelper(id, records, !!opts.force, !opts.noprune, true);
      return records;
    }
    if (isSingleReference(refs)) {
      this.checkConflict(id, { hard: true, soft: !opts.force, activeRefs: false });
      for (const r of refs) {
        await this.refs.delete(r);
        this.untagged(records, id, familiarString(r));
      }
    }
    await this.deleteHelper(id, records, !!opts.force, !opts.noprune, false);
    return records;
  }

  /** moby logs an untag with the image's ID as its name. */
  private untagged(records: DeleteRecord[], id: string, ref: string): void {
    records.push({ Untagged: ref });
    this.logEvent('untag', id, id);
  }

  private checkConflict(id: string, mask: { hard: boolean; soft: boolean; activeRefs?: boolean }): { message: string; used: boolean } | undefined {
    const short = id.slice(7, 19);
    const fail = (hard: boolean, message: string, used: boolean) => ({ message: `conflict: unable to delete ${short} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`, used });
    if (mask.hard && this.images.children(id).length) return fail(true, 'image has dependent child images', false);
    const users = this.users(id);
    const running = users.find((u) => u.running);
    if (mask.hard && running) return fail(true, `image is being used by running container ${running.id.slice(0, 12)}`, true);
    if (mask.soft && mask.activeRefs !== false && this.refs.refsOf(id).length) return fail(false, 'image is referenced in multiple repositories', false);
    const stopped = users.find((u) => !u.running);
    if (mask.soft && stopped) return fail(false, `image is being used by stopped container ${stopped.id.slice(0, 12)}`, true);
    return undefined;
  }

  private async deleteHelper(id: string, records: DeleteRecord[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
    const conflict = this.checkConflict(id, { hard: true, soft: !force });
    if (conflict) {
      const dangling = this.refs.refsOf(id).length === 0;
      if (quiet && (!dangling || conflict.used)) return;
      throw new Conflict(conflict.message);
    }
    const img = this.images.get(id)!;
    const parent = img.meta.parent;
    for (const r of this.refs.refsOf(id)) {
      await this.refs.delete(r);
      this.untagged(records, id, familiarize(r));
    }
    await this.images.delete(id);
    this.logEvent('delete', id, id);
    records.push({ Deleted: id });
    const removed = await this.layers.prune(this.referencedLayers());
    const depth = (chainID: string) => img.chainIDs.indexOf(chainID);
    for (const l of removed.filter((l) => depth(l.chainID) >= 0).sort((a, b) => depth(b.chainID) - depth(a.chainID))) records.push({ Deleted: l.chainID });
    await this.content.gc(this.referencedBlobs());
    if (prune && parent && this.images.get(parent)) {
      try {
        await this.deleteHelper(parent, records, false, true, true);
      } catch (e) {
        if (!(e instanceof Conflict)) throw e;
      }
    }
  }

  /** POST /images/prune: dangling images (all unused ones with dangling=false). */
  async prune(filters: Map<string, string[]>): Promise<ImagePruneResponse> {
    checkFilters(filters, ['dangling', 'label', 'label!', 'until']);
    const danglingOnly = danglingFilter(filters) ?? true;
    const until = filters.get('until')?.map(parseUntil);
    const sizes = new Map(this.layers.list().map((l) => [l.chainID, l.size]));
    const deleted: DeleteRecord[] = [];
    const candidates = this.images.list().filter((img) => {
      const hasChildren = this.images.children(img.id).length > 0;
      if (danglingOnly && hasChildren) return false;
      if (!this.refs.refsOf(img.id).length && hasChildren) return false;
      if (until && !until.every((u) => createdSecs(this.record(img)) < u)) return false;
      if (filters.has('label') && !labelsMatch(img.config.config?.Labels ?? {}, filters.get('label')!)) return false;
      if (filters.has('label!') && labelsMatch(img.config.config?.Labels ?? {}, filters.get('label!')!)) return false;
      return true;
    });
    for (const img of candidates) {
      if (!this.images.get(img.id)) continue;
      const refs = this.refs.refsOf(img.id).map(parseStored);
      const targets = refs.length
        ? (!danglingOnly || !refs.some((r) => r.tag && !r.digest) ? refs.map(formatReference) : [])
        : [img.id.slice(7)];
      for (const t of targets) {
        try {
          deleted.push(...await this.remove(t, { force: false, noprune: false }));
        } catch (e) {
          if (!(e instanceof Conflict) && !(e instanceof NotFound)) throw e;
        }
      }
    }
    let space = 0;
    for (const d of deleted) if (d.Deleted) space += sizes.get(d.Deleted) ?? 0;
    this.events.emit('image', 'prune', '', { reclaimed: String(space) });
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
  }

  // ---- commit (import, load, pull, build) ----------------------------------------------------

  /** Keep layers from start-up/rmi pruning while an import/load/pull is in flight. */
  hold(chainIDs: string[]): () => void {
    return this.layers.hold(chainIDs);
  }

  /** A lease for one operation that adds to the stores (images/lease.ts). */
  lease(): ImageLease {
    return new ImageLease({
      leaseBlob: (d) => this.content.lease(d),
      ingest: (src, opts) => this.content.ingest(src, opts),
      chainID: (parent, diffID) => this.chainID(parent, diffID),
      hold: (chainIDs) => this.hold(chainIDs),
      hasLayer: (chainID) => this.layers.has(chainID),
      applyLayerBlob: (parent, diffID, blob) => this.applyLayerBlob(parent, diffID, blob),
      discard: (created) => this.discard(created),
    });
  }

  chainID(parent: string | null, diffID: string): string {
    return LayerStore.chainID(parent, diffID);
  }

  /**
   * Make sure layer `diffID` exists on top of `parent`, extracting it from the blob `blobDigest`
   * in the content store when it does not. The blob's uncompressed digest must equal `diffID`.
   */
  async applyLayerBlob(parent: string | null, diffID: string, blobDigest: string): Promise<{ chainID: string; blob: LayerBlob }> {
    const file = this.content.path(blobDigest);
    const kind = await sniff(file);
    const blob: LayerBlob = { digest: blobDigest, mediaType: mediaTypes[kind], size: this.content.size(blobDigest) };
    const chainID = LayerStore.chainID(parent, diffID);
    const existing = this.layers.get(chainID);
    if (existing?.blobs.some((b) => b.digest === blobDigest)) return { chainID, blob };
    const actual = blobDigest === diffID ? diffID : await uncompressedDigest(file, kind);
    if (actual !== diffID) throw new InvalidArgument(`layer ${blobDigest}: content digest ${actual} does not match the config's diffID ${diffID}`);
    await this.layers.ensure(parent, diffID, (dir) => extractLayerFile(file, dir), blob);
    return { chainID, blob };
  }

  /** The diffID of a layer blob in the content store: its own digest, or its uncompressed content's. */
  async diffIDOf(blobDigest: string): Promise<string> {
    const file = this.content.path(blobDigest);
    const kind = await sniff(file);
    return kind === 'tar' ? blobDigest : uncompressedDigest(file, kind);
  }

  /** Commit an image whose config and layers are in place, then point `refs` at it. */
  async commit(opts: CommitOptions): Promise<{ image: StoredImage; moved: { ref: string; oldId: string }[] }> {
    const cfg = ImageStore.parseConfig(opts.config);
    const chains = cfg.rootfs.diff_ids.reduce<string[]>((acc, d) => [...acc, LayerStore.chainID(acc[acc.length - 1] ?? null, d)], []);
    for (const c of chains) if (!this.layers.get(c)) throw new NotFound(`layer ${c} not found`);
    if (opts.parent && !this.images.get(opts.parent)) throw new NotFound(`parent image ${opts.parent} not found`);
    const meta: ImageMeta = { layerBlobs: opts.layerBlobs };
    if (opts.parent) meta.parent = opts.parent;
    const existed = !!this.images.get(ImageStore.idOf(opts.config));
    const image = await this.images.create(opts.config, meta);
    if (opts.log === 'create') this.logEvent('create', image.id, image.id);
    const moved: { ref: string; oldId: string }[] = [];
    const set: Reference[] = [];
    try {
      for (const r of opts.refs ?? []) {
        const ref = typeof r === 'string' ? parseRef(() => parseNormalizedNamed(r)) : r;
        if (!ref.tag && !ref.digest) ref.tag = 'latest';
        const old = await this.refs.set(ref, image.id);
        set.push(ref);
        if (old && old !== image.id) moved.push({ ref: familiarString(ref), oldId: old });
      }
      if (opts.refs?.length) await this.images.setLastTagTime(image.id);
      if (opts.log === 'create' || opts.log === 'import') for (const ref of set) this.logEvent('tag', image.id, familiarString(ref));
      if (opts.log === 'import' || opts.log === 'load') this.logEvent(opts.log, image.id, image.id);
    } catch (e) {
      // Half a commit is none: an image this commit made goes again (its tags with it).
      if (!existed) {
        for (const ref of set) await this.refs.delete(ref).catch(() => undefined);
        if (!this.refs.refsOf(image.id).length) {
          await this.images.delete(image.id).catch(() => undefined);
          await this.discardBlobs([image.id]).catch(() => undefined); // its config
        }
      }
      throw e;
    }
    return { image, moved };
  }

  /** The tar a layer of `img` can be saved/pushed as: the blob it came in. */
  layerBlob(img: StoredImage, index: number): LayerBlob {
    const diffID = img.config.rootfs.diff_ids[index]!;
    const fromMeta = img.meta.layerBlobs?.[diffID];
    if (fromMeta && this.content.has(fromMeta.digest)) return fromMeta;
    const rec = this.layers.get(img.chainIDs[index]!);
    const b = rec?.blobs.find((x) => this.content.has(x.digest));
    if (!b) throw new NotFound(`no stored tar for layer ${diffID} of image ${img.id}`);
    return b;
  }

  // ---- garbage collection ----------------------------------------------------------------

  private referencedLayers(): Set<string> {
    const set = new Set<string>();
    for (const img of this.images.list()) for (const c of img.chainIDs) set.add(c);
    return set;
  }

  private referencedBlobs(): Set<string> {
    const set = new Set<string>();
    for (const img of this.images.list()) {
      set.add(img.id);
      for (const b of Object.values(img.meta.layerBlobs ?? {})) set.add(b.digest);
    }
    for (const l of this.layers.list()) for (const b of l.blobs) set.add(b.digest);
    return set;
  }

  /** Remove these blobs unless something refers to them or an operation in flight leases them. */
  async discardBlobs(digests: Iterable<string>): Promise<void> {
    const keep = this.referencedBlobs();
    for (const d of digests) if (!keep.has(d) && !this.content.isLeased(d)) await this.content.remove(d);
  }

  /** What a failed operation created: its layers (unless used or held), then its blobs (unless referred to or leased). */
  async discard(created: { blobs: string[]; layers: string[] }): Promise<void> {
    await this.layers.discard(created.layers, this.referencedLayers());
    await this.discardBlobs(created.blobs);
  }

  async released(id: string): Promise<void> {
    if (!this.images.get(id)) await this.collectGarbage();
  }

  /** Remove layers no image uses and blobs nothing refers to (held layers stay). */
  async collectGarbage(): Promise<void> {
    await this.layers.prune(this.referencedLayers());
    await this.content.gc(this.referencedBlobs());
  }
}

function isImageIdPrefix(id: string, name: string): boolean {
  const hex = id.slice(7);
  const n = name.startsWith('sha256:') ? name.slice(7) : name;
  return n.length > 0 && hex.startsWith(n);
}

/** All references in one repository and at most one tag. */
function isSingleReference(refs: Reference[]): boolean {
  if (!refs.length) return true;
  const names = new Set(refs.map((r) => r.name));
  return names.size === 1 && refs.filter((r) => r.tag && !r.digest).length <= 1;
}

function parseUntil(v: string): number {
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`invalid filter 'until=${v}'`);
  return Math.floor(t / 1000);
}

async function sniff(file: string): Promise<'gzip' | 'zstd' | 'tar'> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return compressionOf(buf);
  } finally {
    await fh.close();
  }
}

/** sha256 of a blob's uncompressed bytes (the layer's diffID). */
export async function uncompressedDigest(file: string, kind: 'gzip' | 'zstd' | 'tar'): Promise<string> {
  const hash = crypto.createHash('sha256');
  const sink = new Writable({ write(chunk, _e, cb) { hash.update(chunk); cb(); } });
  if (kind === 'zstd') {
    const p = spawn('zstd', ['-dc', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => { err += c; });
    const exited = new Promise<number | null>((r) => p.on('close', r));
    await pipeline(p.stdout, sink);
    if ((await exited) !== 0) throw new InvalidArgument(`decompressing zstd layer: ${err.trim()}`);
  } else if (kind === 'gzip') {
    try {
      await pipeline(fs.createReadStream(file), zlib.createGunzip(), sink);
    } catch (e) {
      throw new InvalidArgument(`decompressing gzip layer: ${(e as Error).message}`);
    }
  } else {
    await pipeline(fs.createReadStream(file), sink);
  }
  return `sha256:${hash.digest('hex')}`;
}
