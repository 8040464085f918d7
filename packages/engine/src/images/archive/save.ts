/**
 * `save`: the archive Docker 25+ writes — an OCI image layout (oci-layout, index.json,
 * blobs/sha256/…) plus Docker's manifest.json and repositories, so both `docker load` and OCI
 * tools (skopeo's docker-archive: and oci-archive:) read it. Layers are the tars the images
 * came in, byte for byte, so digests stay stable across save/load.
 *
 *   blobs/sha256/<config>  <layer blob>…  <OCI manifest>  <v1 JSON of each layer> (v1-config.ts)
 *   index.json             one manifest descriptor per tag (io.containerd.image.name, ref.name)
 *   manifest.json          [{ Config, RepoTags, Layers }] with blobs/sha256/… paths
 *   oci-layout  repositories
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { familiarName, familiarString, formatReference, parseAnyReference, parseStored, type Reference } from '@berth/shared/reference';
import { parseRef, type ImageService } from '../service.js';
import type { StoredImage } from '../image-store.js';
import { sha256 } from '../fsutil.js';
import { v1LayerConfigs } from './v1-config.js';

interface SaveItem { img: StoredImage; refs: Reference[] }

/** Resolve names first (a missing image is a 404 before any byte is sent). */
export function resolveForSave(svc: ImageService, names: string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  for (const name of names) {
    const img = svc.resolve(name);
    const item = items.get(img.id) ?? { img, refs: [] };
    items.set(img.id, item);
    const parsed = parseRef(() => parseAnyReference(name));
    if ('id' in parsed || img.id.slice(7).startsWith(name.replace(/^sha256:/, ''))) continue;
    const ref = parsed.ref;
    const all = svc.referencesOf(img.id).map(parseStored).filter((r) => r.tag && !r.digest);
    // A bare repository name saves every tag of that repository; name:tag just that tag.
    const picked = ref.tag ? all.filter((r) => r.name === ref.name && r.tag === ref.tag) : ref.digest ? [] : all.filter((r) => r.name === ref.name);
    for (const r of picked) if (!item.refs.some((x) => formatReference(x) === formatReference(r))) item.refs.push(r);
  }
  return [...items.values()];
}

const epoch = new Date(0);

/**
 * Write the archive to `out`. A client that hangs up (or an unreadable blob) fails the pipeline:
 * the pack, the entry being written and its blob file are all destroyed, and this rejects.
 */
export async function saveImages(svc: ImageService, items: SaveItem[], out: Writable): Promise<void> {
  const pack = tar.pack();
  const sent = pipeline(pack, out);
  sent.catch(() => undefined); // awaited at the end; a hang-up may fail it long before
  const put = (name: string, data: Buffer | string) => new Promise<void>((res, rej) => {
    const entry = pack.entry({ name, mtime: epoch, mode: 0o644, size: Buffer.byteLength(data) }, data, (e) => (e ? rej(e) : res()));
    entry.on('error', rej);
  });
  const written = new Set<string>();
  const putBlob = async (digest: string) => {
    if (written.has(digest)) return;
    written.add(digest);
    const size = svc.blobSize(digest);
    await new Promise<void>((res, rej) => {
      const src = svc.openBlob(digest);
      const entry = pack.entry({ name: `blobs/sha256/${digest.slice(7)}`, mtime: epoch, mode: 0o644, size }, (e) => (e ? rej(e) : res()));
      src.on('error', (e) => { entry.destroy(e); rej(e); });
      entry.on('error', (e) => { src.destroy(); rej(e); });
      src.pipe(entry);
    });
  };
  const manifestJson: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const index: Record<string, unknown>[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  try {
    pack.entry({ name: 'blobs/', type: 'directory', mtime: epoch, mode: 0o755 });
    pack.entry({ name: 'blobs/sha256/', type: 'directory', mtime: epoch, mode: 0o755 });
    for (const { img, refs } of items) {
      const layers = img.config.rootfs.diff_ids.map((_, i) => svc.layerBlob(img, i));
      const v1 = v1LayerConfigs(img.config);
      for (const [i, l] of layers.entries()) {
        const legacy = v1[i]!.json;
        const ldigest = sha256(legacy);
        if (!written.has(ldigest)) { written.add(ldigest); await put(`blobs/sha256/${ldigest.slice(7)}`, legacy); }
        await putBlob(l.digest);
      }
      await putBlob(img.id);
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.id, size: img.configBytes.length },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }));
      const mdigest = sha256(manifest);
      if (!written.has(mdigest)) { written.add(mdigest); await put(`blobs/sha256/${mdigest.slice(7)}`, manifest); }
      const desc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: mdigest, size: manifest.length };
      if (refs.length) {
        for (const r of refs) index.push({ ...desc, annotations: { 'io.containerd.image.name': formatReference(r), 'org.opencontainers.image.ref.name': r.tag } });
      } else index.push(desc);
      manifestJson.push({ Config: `blobs/sha256/${img.id.slice(7)}`, RepoTags: refs.length ? refs.map(familiarString) : null, Layers: layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`) });
      const top = layers[layers.length - 1];
      for (const r of refs) if (top) (repositories[familiarName(r.name)] ??= {})[r.tag!] = top.digest.slice(7);
    }
    // as moby writes them: index.json marshalled, manifest.json and repositories encoded (a newline), oci-layout a literal
    await put('index.json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }));
    await put('manifest.json', JSON.stringify(manifestJson) + '\n');
    await put('oci-layout', '{"imageLayoutVersion": "1.0.0"}');
    if (Object.keys(repositories).length) await put('repositories', JSON.stringify(repositories) + '\n');
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
  }
  await sent;
  for (const { img } of items) svc.logEvent('save', img.id, img.id);
}
