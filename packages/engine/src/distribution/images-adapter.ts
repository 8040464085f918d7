/**
 * DistributionStore on the images engineer's ImageService: what pull writes (verified blobs,
 * layers extracted from them, the committed image and its references) and push reads.
 */
import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { NotFound, NotImplemented } from '@berth/shared';
import { parseStored } from '@berth/shared/reference';
import { compressionOf, type ImageService } from '../images/service.js';
import type { DistributionStore } from './store.js';

async function head(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b;
  } finally {
    await fh.close();
  }
}

export function distributionStore(svc: ImageService): DistributionStore {
  return {
    async hasBlob(digest) { return svc.hasBlob(digest); },
    begin() {
      const lease = svc.lease();
      return {
        async writeBlob(digest, size, src) { await lease.ingest(src, { expected: digest, expectedSize: size }); },
        useBlob(digest) { lease.useBlob(digest); },
        async registerLayer(blob, diffId, parent) { await lease.applyLayerBlob(parent, diffId, blob.digest); },
        end: () => lease.end(),
      };
    },
    readBlob(digest) { return svc.openBlob(digest); },

    async hasLayer(chainId) { return !!svc.layer(chainId); },
    hold(chainIds) { return svc.hold(chainIds); },

    async layerTar(chainId) {
      const rec = svc.layer(chainId);
      const blob = rec?.blobs.find((b) => svc.hasBlob(b.digest));
      if (!blob) throw new NotFound(`no stored tar for layer ${chainId}`);
      const file = svc.blobPath(blob.digest);
      const kind = compressionOf(await head(file));
      if (kind === 'zstd') throw new NotImplemented(`pushing zstd layer ${blob.digest} is not supported`);
      const src: Readable = fs.createReadStream(file);
      if (kind === 'tar') return src;
      const out = new PassThrough();
      pipeline(src, createGunzip(), out).catch((e) => out.destroy(e));
      return out;
    },

    async layerInfo(chainId) {
      const rec = svc.layer(chainId);
      if (!rec) throw new NotFound(`layer ${chainId} not found`);
      return { size: rec.size, blobs: rec.blobs.filter((b) => svc.hasBlob(b.digest)) };
    },

    async createImage(config, layerBlobs) {
      return (await svc.commit({ config, layerBlobs })).image.id;
    },

    discardImage: (id) => svc.discardImage(id),

    async imageConfig(id) {
      const img = svc.stored(id);
      if (!img) throw new NotFound(`No such image: ${id}`);
      return img.configBytes;
    },

    async resolve(ref) {
      return svc.referenced(ref);
    },

    async tagsOf(name) {
      return svc.allReferences()
        .filter(([k, id]) => { const r = parseStored(k); return r.name === name && !!r.tag && !r.digest && !!svc.stored(id); })
        .map(([ref, id]) => ({ ref, id }))
        .sort((a, b) => a.ref.localeCompare(b.ref));
    },

    async setReference(ref, id) {
      await svc.setReference(parseStored(ref), id);
    },
  };
}
