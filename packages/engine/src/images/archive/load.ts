/**
 * `load`: Docker archives (manifest.json + `<id>/layer.tar` as Docker ≤24 writes them, or
 * `blobs/sha256/…` as Docker 25+ does), OCI image layout tars (index.json, tags from
 * `org.opencontainers.image.ref.name` / `io.containerd.image.name`) and the pre-1.10 layout
 * (`repositories` + `<v1 id>/json`, legacy.ts). Each image is committed only once its config and
 * every layer are in place.
 */
import type { Readable } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { familiarString, parseNormalizedNamed, type Reference } from '@berth/shared/reference';
import type { ImageService } from '../service.js';
import type { LayerBlob } from '../layer-store.js';
import { ImageStore } from '../image-store.js';
import { chainIDs } from '../fsutil.js';
import { readArchive, type ArchiveFiles } from './read-archive.js';
import { withLease } from '../lease.js';
import { isLegacyArchive, loadLegacy } from './legacy.js';

interface ImageToLoad { config: Buffer; layers: string[]; refs: Reference[] }

function json<T>(files: ArchiveFiles, name: string, svcRead: (d: string) => Promise<Buffer>): Promise<T> {
  return fileBytes(files, name, svcRead).then((b) => {
    try { return JSON.parse(b.toString('utf8')) as T; } catch (e) { throw new InvalidArgument(`invalid ${name}: ${(e as Error).message}`); }
  });
}

async function fileBytes(files: ArchiveFiles, name: string, read: (d: string) => Promise<Buffer>): Promise<Buffer> {
  const m = files.meta.get(name);
  if (m) return m;
  const d = files.blobs.get(name);
  if (d) return read(d);
  throw new InvalidArgument(`invalid archive: ${name} not found`);
}

function blobOf(files: ArchiveFiles, name: string): string {
  const d = files.blobs.get(name.replace(/^\.\//, ''));
  if (!d) throw new InvalidArgument(`invalid archive: layer ${name} not found`);
  return d;
}

function tagRef(s: string): Reference | undefined {
  try {
    const r = parseNormalizedNamed(s);
    return r.tag || r.digest ? r : { ...r, tag: 'latest' };
  } catch {
    return undefined;
  }
}

async function dockerArchive(svc: ImageService, files: ArchiveFiles): Promise<ImageToLoad[]> {
  const read = (d: string) => svc.readBlob(d);
  const manifest = await json<{ Config: string; RepoTags?: string[] | null; Layers: string[] }[]>(files, 'manifest.json', read);
  if (!Array.isArray(manifest)) throw new InvalidArgument('invalid manifest.json');
  const out: ImageToLoad[] = [];
  for (const m of manifest) {
    const config = await fileBytes(files, m.Config, read);
    const refs = (m.RepoTags ?? []).map((t) => {
      const r = tagRef(t);
      if (!r) throw new InvalidArgument(`invalid tag ${JSON.stringify(t)} in manifest.json`);
      return r;
    });
    out.push({ config, layers: (m.Layers ?? []).map((l) => blobOf(files, l)), refs });
  }
  return out;
}

interface Descriptor { mediaType?: string; digest: string; size?: number; annotations?: Record<string, string>; platform?: { os?: string; architecture?: string } }

async function ociLayout(svc: ImageService, files: ArchiveFiles): Promise<ImageToLoad[]> {
  const read = (d: string) => svc.readBlob(d);
  const blob = async <T>(d: string): Promise<T> => json<T>(files, `blobs/sha256/${d.replace(/^sha256:/, '')}`, read);
  const index = await json<{ manifests?: Descriptor[] }>(files, 'index.json', read);
  const out: ImageToLoad[] = [];
  const byConfig = new Map<string, ImageToLoad>();
  const visit = async (desc: Descriptor, annotations: Record<string, string>): Promise<void> => {
    const doc = await blob<{ mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }>(desc.digest);
    if (doc.manifests) {
      const pick = doc.manifests.find((m) => (m.platform?.os ?? 'linux') === 'linux' && (m.platform?.architecture ?? 'amd64') === 'amd64') ?? doc.manifests[0];
      if (pick) await visit(pick, annotations);
      return;
    }
    if (!doc.config) throw new InvalidArgument(`invalid manifest ${desc.digest}`);
    const config = await fileBytes(files, `blobs/sha256/${doc.config.digest.replace(/^sha256:/, '')}`, read);
    const name = annotations['io.containerd.image.name'] ?? annotations['org.opencontainers.image.ref.name'];
    // A bare ref.name ("latest") is only a tag: no repository to put it in.
    const ref = name && /[:/@]/.test(name) ? tagRef(name) : undefined;
    let img = byConfig.get(doc.config.digest);
    if (!img) {
      img = { config, layers: (doc.layers ?? []).map((l) => blobOf(files, `blobs/sha256/${l.digest.replace(/^sha256:/, '')}`)), refs: [] };
      byConfig.set(doc.config.digest, img);
      out.push(img);
    }
    if (ref) img.refs.push(ref);
  };
  for (const m of index.manifests ?? []) await visit(m, m.annotations ?? {});
  return out;
}

/**
 * Load an archive; `say` gets Docker's lines ("Loaded image: busybox:latest"). Blobs of the
 * archive no image refers to go at the end; a load that fails (or whose client goes away,
 * `signal`) leaves none of the blobs and layers it added (images it committed before the
 * failure stay, as with docker load).
 */
export async function loadImages(svc: ImageService, src: Readable, say: (line: string) => void, signal?: AbortSignal): Promise<string[]> {
  return withLease(svc, async (lease) => {
    const files = await readArchive(src, lease, signal);
    let images: ImageToLoad[];
    if (files.meta.has('manifest.json')) images = await dockerArchive(svc, files);
    else if (files.meta.has('index.json')) images = await ociLayout(svc, files);
    else if (isLegacyArchive(files)) return loadLegacy(svc, files, lease, say, signal);
    else throw new InvalidArgument('invalid archive: does not contain a manifest.json'); // moby's text (an OCI layout or a pre-1.10 archive loads too)
    const ids: string[] = [];
    for (const img of images) {
      const cfg = ImageStore.parseConfig(img.config);
      const diffIDs = cfg.rootfs.diff_ids;
      if (diffIDs.length !== img.layers.length) throw new InvalidArgument(`invalid archive: ${img.layers.length} layers for ${diffIDs.length} diff_ids`);
      lease.holdLayers(chainIDs(diffIDs));
      const layerBlobs: Record<string, LayerBlob> = {};
      let parent: string | null = null;
      for (let i = 0; i < diffIDs.length; i++) {
        signal?.throwIfAborted();
        const { chainID, blob } = await lease.applyLayerBlob(parent, diffIDs[i]!, img.layers[i]!);
        layerBlobs[diffIDs[i]!] = blob;
        parent = chainID;
      }
      signal?.throwIfAborted();
      const { image, moved } = await svc.commit({ config: img.config, layerBlobs, refs: img.refs, log: 'load' });
      for (const m of moved) say(`The image ${m.ref} already exists, renaming the old one with ID ${m.oldId} to empty string`);
      if (img.refs.length) for (const r of img.refs) say(`Loaded image: ${familiarString(r)}`);
      else say(`Loaded image ID: ${image.id}`);
      ids.push(image.id);
    }
    return ids;
  });
}
