/**
 * Push: for each layer (topmost first, as Docker lists them) check whether the registry has a
 * blob we know carries it (HEAD), mount it from another repository of the same registry where
 * one is known (`?mount=&from=`), else upload it — monolithic (POST, PUT ?digest=) when the
 * compressed blob is in the content store, chunked (POST, PATCH stream, PUT ?digest=) when it
 * is gzipped on the fly from the layer. Then the config blob and a Docker schema2 manifest.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { NotFound } from '@berth/shared';
import { familiarName, formatReference, parseStored, type Reference } from '@berth/shared/reference';
import { openSession, registryError, type RegistrySession } from './client.js';
import { endpointsFor } from './endpoint.js';
import { MT } from './manifest.js';
import { bytes, shortId, status, throttled, type Progress } from './progress.js';
import { translatePushError } from './errors.js';
import { chainIDs } from '../images/fsutil.js';
import { Limiter } from './limiter.js';
import type { AuthConfig } from './auth-config.js';
import type { DistributionDeps } from './pull.js';

export interface PushOptions {
  /** Normalized; no tag means every tag of the repository. */
  ref: Reference;
  auth: AuthConfig;
  progress: Progress;
  signal?: AbortSignal;
}

interface PushedLayer { mediaType: string; size: number; digest: string }

const gzipTypes = new Set<string>([MT.dockerLayerGzip, MT.ociLayerGzip]);

async function blobExists(s: RegistrySession, digest: string): Promise<number | undefined> {
  const res = await s.fetch('HEAD', `/v2/${s.repo}/blobs/${digest}`);
  await res.body.dump();
  if (res.statusCode === 200) return Number(res.headers['content-length'] ?? 0);
  if (res.statusCode === 404) return undefined;
  throw await registryError(res, 'blob');
}

function location(s: RegistrySession, res: { headers: Record<string, string | string[] | undefined> }): string {
  const loc = res.headers.location;
  if (!loc) throw new Error('registry gave no upload location');
  return new URL(String(loc), s.baseUrl + '/').toString();
}

function withDigest(url: string, digest: string): string {
  const u = new URL(url);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** POST an upload (or a mount when `from` is given): 'mounted', or the upload location. */
async function startUpload(s: RegistrySession, mount?: { digest: string; from: string }): Promise<'mounted' | string> {
  const q = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
  const res = await s.fetch('POST', `/v2/${s.repo}/blobs/uploads/${q}`, {
    headers: { 'content-length': '0' }, body: '', scopes: mount ? [s.scope(mount.from, ['pull'])] : [],
  });
  await res.body.dump();
  if (mount && res.statusCode === 201) return 'mounted';
  if (res.statusCode !== 202) throw await registryError(res, 'upload');
  return location(s, res);
}

async function putBlob(s: RegistrySession, url: string, digest: string, body: Buffer | Readable | string, size?: number): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (size !== undefined) headers['content-length'] = String(size);
  const res = await s.fetch('PUT', '', { url: withDigest(url, digest), headers, body });
  await res.body.dump();
  if (res.statusCode !== 201 && res.statusCode !== 204) throw await registryError(res, 'upload');
}

function meter(onBytes: (n: number) => void): Transform {
  let n = 0;
  return new Transform({ transform(c: Buffer, _e, cb) { n += c.length; onBytes(n); cb(null, c); } });
}

async function pushLayer(deps: DistributionDeps, s: RegistrySession, chainId: string, diffId: string, targetName: string, out: Progress): Promise<PushedLayer> {
  const id = shortId(diffId);
  const info = await deps.store.layerInfo(chainId);
  const stored = info.blobs.find((b) => gzipTypes.has(b.mediaType));
  const known = deps.meta.v2For(diffId).filter((m) => parseStored(m.SourceRepository).domain === parseStored(targetName).domain);
  // 1. A blob the registry already has in this repository.
  for (const m of known.filter((k) => k.SourceRepository === targetName)) {
    const size = await blobExists(s, m.Digest);
    if (size !== undefined) { out(status('Layer already exists', id)); return { mediaType: MT.dockerLayerGzip, size, digest: m.Digest }; }
  }
  // 2. Mount from another repository of the same registry.
  for (const m of known.filter((k) => k.SourceRepository !== targetName)) {
    const from = parseStored(m.SourceRepository).path;
    const r = await startUpload(s, { digest: m.Digest, from });
    if (r === 'mounted') {
      out(status(`Mounted from ${from}`, id));
      deps.meta.addV2(diffId, { Digest: m.Digest, SourceRepository: targetName, Size: m.Size });
      return { mediaType: MT.dockerLayerGzip, size: m.Size ?? (await blobExists(s, m.Digest)) ?? 0, digest: m.Digest };
    }
    // A 202 opened an upload we do not use; the registry expires it.
  }
  // 3. The stored blob may already be there under its digest (pushed by someone else).
  if (stored) {
    const size = await blobExists(s, stored.digest);
    if (size !== undefined) {
      out(status('Layer already exists', id));
      deps.meta.addV2(diffId, { Digest: stored.digest, SourceRepository: targetName, Size: size });
      return { mediaType: MT.dockerLayerGzip, size, digest: stored.digest };
    }
  }
  // 4. Upload.
  const url = await startUpload(s);
  let pushed: PushedLayer;
  if (stored && (await deps.store.hasBlob(stored.digest))) {
    const src = meter((n) => out(bytes('Pushing', id, n, stored.size)));
    // The upload going away (an abort, a registry error) closes the blob file too.
    pipeline(deps.store.readBlob(stored.digest), src).catch((e) => src.destroy(e));
    await putBlob(s, url, stored.digest, src, stored.size);
    pushed = { mediaType: MT.dockerLayerGzip, size: stored.size, digest: stored.digest };
  } else {
    // Chunked: PATCH the gzipped tar as it is produced, then PUT ?digest= with no body.
    const hash = createHash('sha256');
    let size = 0;
    const tar = await deps.store.layerTar(chainId);
    const counted = new Transform({ transform(c: Buffer, _e, cb) { hash.update(c); size += c.length; cb(null, c); } });
    pipeline(tar, meter((n) => out(bytes('Pushing', id, n, info.size))), createGzip({ level: 6 }), counted).catch((e) => counted.destroy(e));
    const res = await s.fetch('PATCH', '', { url, headers: { 'content-type': 'application/octet-stream' }, body: counted });
    await res.body.dump();
    if (res.statusCode !== 202 && res.statusCode !== 204) throw await registryError(res, 'upload');
    const digest = `sha256:${hash.digest('hex')}`;
    await putBlob(s, location(s, res), digest, '', 0);
    pushed = { mediaType: MT.dockerLayerGzip, size, digest };
  }
  out(status('Pushed', id));
  deps.meta.addV2(diffId, { Digest: pushed.digest, SourceRepository: targetName, Size: pushed.size });
  return pushed;
}

async function pushTag(deps: DistributionDeps, s: RegistrySession, name: string, tag: string, imageId: string, out: Progress): Promise<void> {
  const configBytes = await deps.store.imageConfig(imageId);
  const config = JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  const chains = chainIDs(diffIds);
  const order = diffIds.map((_, i) => i).reverse();
  const limiter = new Limiter(Math.max(1, deps.config.maxConcurrentUploads));
  order.forEach((i) => out(status('Preparing', shortId(diffIds[i]!))));
  order.slice(deps.config.maxConcurrentUploads).forEach((i) => out(status('Waiting', shortId(diffIds[i]!))));
  const results = await Promise.all(order.map((i) => limiter.run(() => pushLayer(deps, s, chains[i]!, diffIds[i]!, name, out)).then((r) => [i, r] as const)));
  const layers: PushedLayer[] = [];
  for (const [i, r] of results) layers[i] = r;

  const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  if ((await blobExists(s, configDigest)) === undefined) {
    const url = await startUpload(s);
    await putBlob(s, url, configDigest, configBytes, configBytes.length);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.dockerManifest,
    config: { mediaType: MT.dockerConfig, size: configBytes.length, digest: configDigest },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
  };
  const body = Buffer.from(JSON.stringify(manifest, null, 3));
  const res = await s.fetch('PUT', `/v2/${s.repo}/manifests/${tag}`, { headers: { 'content-type': MT.dockerManifest }, body });
  await res.body.dump();
  if (res.statusCode !== 201 && res.statusCode !== 200) throw await registryError(res, 'manifest');
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  await deps.store.setReference(formatReference({ ...parseStored(name), digest }), imageId);
  out({ status: `${tag}: digest: ${digest} size: ${body.length}` });
  out({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: body.length } });
}

/** POST /images/{name}/push. */
export async function pushImage(deps: DistributionDeps, opts: PushOptions): Promise<void> {
  const { ref } = opts;
  const out = throttled(opts.progress);
  out({ status: `The push refers to repository [${ref.name}]` });
  const all = await deps.store.tagsOf(ref.name);
  if (!all.length) throw new NotFound(`An image does not exist locally with the tag: ${familiarName(ref.name)}`);
  let targets: { tag: string; id: string }[];
  if (ref.tag) {
    const id = await deps.store.resolve(formatReference(ref));
    if (!id) throw new NotFound(`tag does not exist: ${familiarName(ref.name)}:${ref.tag}`);
    targets = [{ tag: ref.tag, id }];
  } else {
    targets = all.map((t) => ({ tag: parseStored(t.ref).tag!, id: t.id }));
  }
  try {
    const s = await openSession(endpointsFor(ref.domain, deps.config, true), opts.auth, ref.path, ['pull', 'push']);
    s.signal = opts.signal; // the client going away stops the push
    for (const t of targets) {
      opts.signal?.throwIfAborted();
      await pushTag(deps, s, ref.name, t.tag, t.id, out);
      out.flush();
    }
  } catch (e) {
    throw translatePushError(e, ref);
  }
}
