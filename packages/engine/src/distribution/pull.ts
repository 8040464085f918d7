/**
 * Pull: resolve the manifest (index → platform), fetch and verify the config, download the
 * layer blobs concurrently into the content store (digest-verified before they are named),
 * register them in order in the layer store, then create the image and point the tag and the
 * repo digest at it — last, so an interrupted pull never lists an image. Blobs that were already
 * verified are reused by the next attempt. Progress goes out as Docker's jsonmessage lines.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument, NotFound } from '@berth/shared';
import { familiarName, familiarString, formatReference, type Reference } from '@berth/shared/reference';
import { openSession, registryError, type RegistrySession } from './client.js';
import { endpointsFor, type EndpointConfig } from './endpoint.js';
import { ACCEPT, configMatches, formatPlatform, parseManifest, parsePlatform, selectManifest, type Descriptor, type ImageManifest } from './manifest.js';
import { bytes, shortId, status, throttled, type Progress } from './progress.js';
import { translatePullError } from './errors.js';
import { chainIDs as chainIds } from '../images/fsutil.js';
import { Limiter } from './limiter.js';
import type { AuthConfig } from './auth-config.js';
import type { DistributionStore, PullLease } from './store.js';
import type { DistributionMetadata } from './metadata.js';

export interface DistributionDeps {
  store: DistributionStore;
  meta: DistributionMetadata;
  config: EndpointConfig & { maxConcurrentDownloads: number; maxConcurrentUploads: number };
}

export interface PullOptions {
  /** Normalized; neither tag nor digest means all tags. */
  ref: Reference;
  platform?: string;
  auth: AuthConfig;
  progress: Progress;
  signal?: AbortSignal;
}

function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

/** GET a manifest by tag or digest; verifies a digest reference against the bytes. */
export async function fetchManifest(s: RegistrySession, reference: string, signal?: AbortSignal): Promise<{ body: Buffer; digest: string; contentType: string }> {
  const res = await s.fetch('GET', `/v2/${s.repo}/manifests/${reference}`, { headers: { accept: ACCEPT }, signal });
  if (res.statusCode !== 200) throw await registryError(res, 'manifest');
  const body = Buffer.from(await res.body.arrayBuffer());
  const digest = sha256(body);
  if (reference.startsWith('sha256:') && digest !== reference) throw new InvalidArgument(`manifest verification failed for digest ${reference}`);
  return { body, digest, contentType: String(res.headers['content-type'] ?? '') };
}

async function fetchBlob(s: RegistrySession, digest: string, signal?: AbortSignal): Promise<Readable> {
  const res = await s.fetch('GET', `/v2/${s.repo}/blobs/${digest}`, { follow: true, signal });
  if (res.statusCode !== 200) throw await registryError(res, 'blob');
  return res.body;
}

async function fetchSmallBlob(s: RegistrySession, digest: string, signal?: AbortSignal): Promise<Buffer> {
  const body = await fetchBlob(s, digest, signal);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  if (sha256(buf) !== digest) throw new InvalidArgument(`blob verification failed for ${digest}`);
  return buf;
}

function counter(onBytes: (n: number) => void): Transform {
  let n = 0;
  return new Transform({ transform(chunk: Buffer, _e, cb) { n += chunk.length; onBytes(n); cb(null, chunk); } });
}

/** Resolve a reference to the image manifest for the platform: {manifest, repo digest}. */
async function resolveImageManifest(s: RegistrySession, reference: string, platform: string | undefined, signal?: AbortSignal) {
  const top = await fetchManifest(s, reference, signal);
  let parsed = parseManifest(top.body, top.contentType);
  if (parsed.kind === 'index') {
    const desc = selectManifest(parsed.manifest, parsePlatform(platform));
    const inner = await fetchManifest(s, desc.digest, signal);
    parsed = parseManifest(inner.body, inner.contentType);
    if (parsed.kind !== 'image') throw new InvalidArgument(`nested manifest list in ${desc.digest}`);
  }
  return { manifest: parsed.manifest as ImageManifest, repoDigest: top.digest };
}

/** Pull one tag or digest. Returns whether the reference changed (Docker's "Downloaded newer image"). */
async function pullOne(deps: DistributionDeps, s: RegistrySession, ref: Reference, opts: PullOptions, out: Progress): Promise<boolean> {
  const { store } = deps;
  const reference = ref.digest ?? ref.tag!;
  const { manifest, repoDigest } = await resolveImageManifest(s, reference, opts.platform, opts.signal);
  out({ status: `Pulling from ${ref.path}`, id: reference });

  const configBytes = await fetchSmallBlob(s, manifest.config.digest, opts.signal);
  const config = JSON.parse(configBytes.toString('utf8')) as { os?: string; architecture?: string; variant?: string; rootfs?: { diff_ids?: string[] } };
  if (opts.platform) {
    const want = parsePlatform(opts.platform);
    if (!configMatches(config, want)) {
      throw new NotFound(`image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform({ os: config.os ?? '', architecture: config.architecture ?? '', variant: config.variant })}`);
    }
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = manifest.layers.filter((l) => !l.mediaType.includes('foreign') || !l.urls?.length);
  if (diffIds.length !== layers.length) throw new InvalidArgument('layers from manifest don\'t match image configuration');
  const chains = chainIds(diffIds);

  const release = store.hold(chains);
  const lease = store.begin();
  try {
    return await pullLayers(deps, s, ref, out, { configBytes, repoDigest, layers, diffIds, chains }, lease, opts.signal);
  } finally {
    release();
    await lease.end();
  }
}

interface PullPlan { configBytes: Buffer; repoDigest: string; layers: Descriptor[]; diffIds: string[]; chains: string[] }

async function pullLayers(deps: DistributionDeps, s: RegistrySession, ref: Reference, out: Progress, plan: PullPlan, lease: PullLease, signal?: AbortSignal): Promise<boolean> {
  const { store } = deps;
  const { configBytes, repoDigest, layers, diffIds, chains } = plan;
  const exists = await Promise.all(chains.map((c) => store.hasLayer(c)));
  const limiter = new Limiter(Math.max(1, deps.config.maxConcurrentDownloads));
  const todo: number[] = [];
  layers.forEach((l, i) => {
    if (exists[i]) out(status('Already exists', shortId(l.digest)));
    else { out(status('Pulling fs layer', shortId(l.digest))); todo.push(i); }
  });
  todo.slice(deps.config.maxConcurrentDownloads).forEach((i) => out(status('Waiting', shortId(layers[i]!.digest))));

  // One failure (or the client going away) stops every download of this pull.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const downloads = new Map<number, Promise<void>>();
  const seen = new Map<string, Promise<void>>();
  for (const i of todo) {
    const l = layers[i]!;
    const id = shortId(l.digest);
    // The same blob twice in one image downloads once.
    const p = seen.get(l.digest) ?? limiter.run(() => download(deps, s, l, id, out, lease, stop.signal));
    seen.set(l.digest, p);
    downloads.set(i, p);
  }
  // Swallow rejections of downloads nobody awaits yet (an earlier one failed first).
  for (const p of downloads.values()) p.catch(() => {});
  try {
    return await commitLayers();
  } catch (e) {
    // Nothing of this pull may still be writing when its lease ends.
    stop.abort(e);
    await Promise.allSettled(downloads.values());
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  async function commitLayers(): Promise<boolean> {
    for (const i of todo) {
      const l = layers[i]!;
      const id = shortId(l.digest);
      await downloads.get(i);
      if (await store.hasLayer(chains[i]!)) { out(status('Pull complete', id)); continue; }
      signal?.throwIfAborted();
      out(bytes('Extracting', id, 0, l.size));
      await lease.registerLayer({ digest: l.digest, mediaType: l.mediaType, size: l.size }, diffIds[i]!, i > 0 ? chains[i - 1]! : null, (n) => out(bytes('Extracting', id, n, l.size)));
      out(bytes('Extracting', id, l.size, l.size));
      out(status('Pull complete', id));
      deps.meta.setDiffId(l.digest, diffIds[i]!);
      deps.meta.addV2(diffIds[i]!, { Digest: l.digest, SourceRepository: ref.name, Size: l.size });
    }
    for (const [i, l] of layers.entries()) {
      if (exists[i]) deps.meta.addV2(diffIds[i]!, { Digest: l.digest, SourceRepository: ref.name, Size: l.size });
    }

    signal?.throwIfAborted();
    const layerBlobs = Object.fromEntries(layers.map((l, i) => [diffIds[i]!, { digest: l.digest, mediaType: l.mediaType, size: l.size }]));
    const had = !!(await store.resolve(sha256(configBytes)));
    const id = await store.createImage(configBytes, layerBlobs);
    let changed = false;
    try {
      const digestRef = formatReference({ ...ref, tag: undefined, digest: repoDigest });
      if ((await store.resolve(digestRef)) !== id) { await store.setReference(digestRef, id); changed = true; }
      if (ref.tag && !ref.digest) {
        const tagRef = formatReference(ref);
        if ((await store.resolve(tagRef)) !== id) { await store.setReference(tagRef, id); changed = true; }
      }
    } catch (e) {
      // An image the pull could not name is no pulled image.
      if (!had) await store.discardImage(id).catch(() => undefined);
      throw e;
    }
    out({ status: `Digest: ${repoDigest}` });
    return changed || todo.length > 0;
  }
}

async function download(deps: DistributionDeps, s: RegistrySession, l: Descriptor, id: string, out: Progress, lease: PullLease, signal?: AbortSignal): Promise<void> {
  if (await deps.store.hasBlob(l.digest)) { lease.useBlob(l.digest); out(status('Download complete', id)); return; }
  out(bytes('Downloading', id, 0, l.size));
  const body = await fetchBlob(s, l.digest, signal);
  const counted = counter((n) => out(bytes('Downloading', id, n, l.size)));
  counted.on('end', () => out(status('Verifying Checksum', id)));
  // A registry that closes mid-blob fails the pipeline: the temp file goes, nothing is named.
  const written = lease.writeBlob(l.digest, l.size, counted);
  await Promise.all([pipeline(body, counted).catch((e) => { counted.destroy(e); throw e; }), written]);
  out(status('Download complete', id));
}

/** All tags of a repository (`pull -a`). */
async function listTags(s: RegistrySession, signal?: AbortSignal): Promise<string[]> {
  const res = await s.fetch('GET', `/v2/${s.repo}/tags/list`, { signal });
  if (res.statusCode !== 200) throw await registryError(res, 'tags');
  const body = await res.body.json() as { tags?: string[] | null };
  return (body.tags ?? []).sort();
}

/** POST /images/create?fromImage=…: the whole pull with Docker's progress and final status lines. */
export async function pullImage(deps: DistributionDeps, opts: PullOptions): Promise<void> {
  const { ref } = opts;
  const out = throttled(opts.progress);
  try {
    const s = await openSession(endpointsFor(ref.domain, deps.config), opts.auth, ref.path, ['pull']);
    s.signal = opts.signal;
    if (!ref.tag && !ref.digest) {
      const tags = await listTags(s, opts.signal);
      if (!tags.length) throw new NotFound(`repository ${familiarName(ref.name)} not found: name unknown: repository name not known to registry`);
      let changed = false;
      for (const tag of tags) changed = (await pullOne(deps, s, { ...ref, tag }, opts, out)) || changed;
      out({ status: changed ? `Status: Downloaded newer image for ${familiarName(ref.name)}` : `Status: Image is up to date for ${familiarName(ref.name)}` });
      return;
    }
    const changed = await pullOne(deps, s, ref, opts, out);
    out.flush();
    out({ status: changed ? `Status: Downloaded newer image for ${familiarString(ref)}` : `Status: Image is up to date for ${familiarString(ref)}` });
  } catch (e) {
    throw translatePullError(e, ref);
  }
}
