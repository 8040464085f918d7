/**
 * `load` of an archive in the layout `docker save` wrote before Docker 1.10 (no manifest.json):
 * `repositories` ({"repo":{"tag":"<v1 id>"}}) and per layer `<v1 id>/json` (naming its parent
 * v1 ID), `<v1 id>/layer.tar`, `<v1 id>/VERSION`. As dockerd 20.10's legacyLoad: every v1 layer
 * becomes an image (its config made from its v1 JSON, from-v1.ts) whose parent is its parent's
 * image, the tags of `repositories` point at theirs, and nothing is printed but the "already
 * exists, renaming" lines (20.10 printed no "Loaded image" line for these).
 *
 * Unlike 20.10 the whole archive is checked before anything is written — every JSON readable,
 * every parent present and no parent cycle, every tag valid and pointing at a layer of the
 * archive — and every layer is in the layer store before the first image is committed, so a
 * refused archive leaves nothing behind. The layer tars go through the same blob ingest, diffID
 * check and in-root extractor as any load.
 */
import { InvalidArgument } from '@berth/shared';
import { parseNormalizedNamed, isValidTag, type Reference } from '@berth/shared/reference';
import type { ImageService } from '../service.js';
import type { LayerBlob } from '../layer-store.js';
import type { HistoryEntry } from '../types.js';
import type { ImageLease } from '../lease.js';
import type { ArchiveFiles } from './read-archive.js';
import { chainIDs } from '../fsutil.js';
import { parseRef } from '../parse-ref.js';
import { configFromV1, historyFromV1, v1Links } from './from-v1.js';

interface V1Layer {
  id: string;
  json: Buffer;
  parent: string;
  blob: string;
  refs: Reference[];
  // filled in order, parent first
  diffIDs?: string[];
  history?: HistoryEntry[];
  config?: Buffer;
}

/** Whether the archive has the pre-1.10 layout's marks (a `repositories` file or a `<dir>/json`). */
export function isLegacyArchive(files: ArchiveFiles): boolean {
  return files.meta.has('repositories') || topDirs(files).some((d) => files.meta.has(`${d}/json`) || files.blobs.has(`${d}/json`));
}

function topDirs(files: ArchiveFiles): string[] {
  const dirs = new Set<string>();
  for (const name of [...files.meta.keys(), ...files.blobs.keys()]) {
    const slash = name.indexOf('/');
    if (slash > 0) dirs.add(name.slice(0, slash));
  }
  return [...dirs].sort();
}

function readLayer(files: ArchiveFiles, id: string): V1Layer {
  const json = files.meta.get(`${id}/json`);
  if (!json) {
    if (files.blobs.has(`${id}/json`)) throw new InvalidArgument(`invalid archive: ${id}/json is too large`);
    throw new InvalidArgument(`invalid archive: ${id}/json not found`);
  }
  let links: { parent: string; os: string };
  try { links = v1Links(json); } catch (e) { throw new InvalidArgument(`invalid archive: ${id}/json: ${(e as Error).message}`); }
  if (links.os === 'windows') throw new InvalidArgument('cannot load windows image on linux');
  const blob = files.blobs.get(`${id}/layer.tar`);
  if (!blob) throw new InvalidArgument(`invalid archive: ${id}/layer.tar not found`);
  return { id, json, parent: links.parent, blob, refs: [] };
}

/** The layers parent first; a parent missing from the archive or a cycle refuses it. */
function parentFirst(layers: Map<string, V1Layer>): V1Layer[] {
  const order: V1Layer[] = [];
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of layers.values()) {
    const walk: V1Layer[] = [];
    let cur: V1Layer | undefined = start;
    while (cur && !state.has(cur.id)) {
      state.set(cur.id, 'walking');
      walk.push(cur);
      if (!cur.parent) { cur = undefined; break; }
      const parent = layers.get(cur.parent);
      if (!parent) throw new InvalidArgument(`invalid archive: ${cur.parent}/json not found (parent of ${cur.id})`);
      cur = parent;
    }
    if (cur && state.get(cur.id) === 'walking') throw new InvalidArgument(`invalid archive: parent cycle: layer ${cur.id} is its own ancestor`);
    for (const l of walk.reverse()) { state.set(l.id, 'done'); order.push(l); }
  }
  return order;
}

/** `repositories`: every tag onto its layer (moby's texts for a bad target or tag). */
function applyRepositories(files: ArchiveFiles, layers: Map<string, V1Layer>): void {
  const bytes = files.meta.get('repositories');
  if (!bytes) throw new InvalidArgument('invalid archive: repositories not found');
  let repos: unknown;
  try { repos = JSON.parse(bytes.toString('utf8')); } catch (e) { throw new InvalidArgument(`invalid archive: repositories: ${(e as Error).message}`); }
  if (repos === null) return; // Go decodes null into the map as nothing
  const isMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(repos)) throw new InvalidArgument('invalid archive: repositories: json: cannot unmarshal into Go value of type map[string]map[string]string');
  for (const [name, tags] of Object.entries(repos as Record<string, unknown>)) {
    if (tags === null) continue;
    if (!isMap(tags)) throw new InvalidArgument('invalid archive: repositories: json: cannot unmarshal into Go value of type map[string]string');
    for (const [tag, target] of Object.entries(tags as Record<string, unknown>)) {
      if (typeof target !== 'string') throw new InvalidArgument('invalid archive: repositories: json: cannot unmarshal into Go value of type string');
      const layer = layers.get(target);
      if (!layer) throw new InvalidArgument(`invalid target ID: ${target}`);
      const ref = parseRef(() => parseNormalizedNamed(name));
      if (ref.digest) throw new InvalidArgument('refusing to create a tag with a digest reference');
      if (!isValidTag(tag)) throw new InvalidArgument('invalid tag format');
      layer.refs.push({ ...ref, tag });
    }
  }
}

/** Load a legacy archive read by readArchive under `lease`; returns the IDs of the images made. */
export async function loadLegacy(svc: ImageService, files: ArchiveFiles, lease: ImageLease, say: (line: string) => void, signal?: AbortSignal): Promise<string[]> {
  const layers = new Map<string, V1Layer>();
  for (const id of topDirs(files)) layers.set(id, readLayer(files, id));
  const order = parentFirst(layers);
  applyRepositories(files, layers);

  // configs: each layer's diffID from its tar, rootfs and history on top of its parent's
  for (const l of order) {
    signal?.throwIfAborted();
    const parent = l.parent ? layers.get(l.parent)! : undefined;
    const diffID = await svc.diffIDOf(l.blob);
    l.diffIDs = [...(parent?.diffIDs ?? []), diffID];
    try {
      l.history = [...(parent?.history ?? []), historyFromV1(l.json)];
      l.config = configFromV1(l.json, l.diffIDs, l.history);
    } catch (e) {
      throw new InvalidArgument(`invalid archive: ${l.id}/json: ${(e as Error).message}`);
    }
  }

  // every layer in place before the first image exists
  lease.holdLayers(order.flatMap((l) => chainIDs(l.diffIDs!)));
  const blobs = new Map<string, Record<string, LayerBlob>>();
  const chainOf = new Map<string, string>();
  for (const l of order) {
    signal?.throwIfAborted();
    const parentChain = l.parent ? chainOf.get(l.parent)! : null;
    const { chainID, blob } = await lease.applyLayerBlob(parentChain, l.diffIDs!.at(-1)!, l.blob);
    chainOf.set(l.id, chainID);
    blobs.set(l.id, { ...(l.parent ? blobs.get(l.parent) : {}), [l.diffIDs!.at(-1)!]: blob });
  }

  const imageOf = new Map<string, string>();
  for (const l of order) {
    signal?.throwIfAborted();
    const parent = l.parent ? imageOf.get(l.parent) : undefined;
    const { image, moved } = await svc.commit({ config: l.config!, layerBlobs: blobs.get(l.id)!, refs: l.refs, parent });
    for (const m of moved) say(`The image ${m.ref} already exists, renaming the old one with ID ${m.oldId} to empty string`);
    imageOf.set(l.id, image.id);
  }
  return [...imageOf.values()];
}
