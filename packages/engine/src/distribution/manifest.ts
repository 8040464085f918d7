/**
 * Manifests as registries serve them: Docker schema2 and OCI image manifests, Docker manifest
 * lists and OCI indexes (resolved to one platform, linux/amd64 unless asked otherwise).
 * Schema1 is refused as current dockerd refuses it.
 */
import { InvalidArgument, NotFound } from '@berth/shared';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export const ACCEPT = [MT.dockerManifest, MT.dockerList, MT.ociManifest, MT.ociIndex].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ManifestIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export type ParsedManifest =
  | { kind: 'image'; manifest: ImageManifest; mediaType: string }
  | { kind: 'index'; manifest: ManifestIndex; mediaType: string };

/** Parse a manifest body by its Content-Type (falling back to its mediaType field / shape). */
export function parseManifest(body: Buffer, contentType?: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new InvalidArgument(`invalid manifest: ${(e as Error).message}`);
  }
  const ct = (contentType ?? '').split(';')[0]!.trim();
  const mediaType = (typeof doc.mediaType === 'string' && doc.mediaType) || ct;
  if (mediaType === MT.schema1 || mediaType === MT.schema1Signed || doc.schemaVersion === 1) {
    throw new InvalidArgument('[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of the image to upgrade the image to image manifest version 2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/');
  }
  if (mediaType === MT.dockerList || mediaType === MT.ociIndex || (!doc.config && Array.isArray(doc.manifests))) {
    return { kind: 'index', manifest: doc as unknown as ManifestIndex, mediaType: mediaType || MT.ociIndex };
  }
  if (doc.config && Array.isArray(doc.layers)) {
    return { kind: 'image', manifest: doc as unknown as ImageManifest, mediaType: mediaType || MT.ociManifest };
  }
  throw new InvalidArgument(`unsupported manifest media type and no default available: ${mediaType || ct}`);
}

/** `linux/arm64/v8`, `linux/amd64`, `arm64` → a platform (os defaults to linux). */
export function parsePlatform(s: string | undefined | null): Platform {
  if (!s) return { os: 'linux', architecture: 'amd64' };
  const parts = s.toLowerCase().split('/');
  if (parts.some((p) => p === '') || parts.length > 3) throw new InvalidArgument(`"${s}": invalid platform format`);
  let [os, architecture, variant] = parts.length === 1 ? ['linux', parts[0]!, undefined] : parts;
  architecture = ({ x86_64: 'amd64', x86: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' } as Record<string, string>)[architecture!] ?? architecture!;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (!['linux', 'windows', 'darwin', 'freebsd'].includes(os!)) throw new InvalidArgument(`"${s}": unknown operating system or architecture: invalid argument`);
  const p: Platform = { os: os!, architecture };
  if (variant) p.variant = variant;
  return p;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Pick the index entry for a platform as containerd's matcher does (exact os/arch; variant if asked). */
export function selectManifest(index: ManifestIndex, want: Platform): Descriptor {
  const wantVariant = want.variant ?? (want.architecture === 'arm' ? 'v7' : undefined);
  const candidates = index.manifests.filter((d) => {
    const p = d.platform;
    if (!p || p.os !== want.os || p.architecture !== want.architecture) return false;
    if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return false;
    return true;
  });
  const exact = candidates.find((d) => (d.platform!.variant ?? (want.architecture === 'arm64' ? 'v8' : undefined)) === (wantVariant ?? (want.architecture === 'arm64' ? 'v8' : undefined)));
  const pick = exact ?? (wantVariant ? undefined : candidates[0]);
  if (!pick) throw new NotFound(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
  return pick;
}

/** Whether a config's platform matches the requested one (single-platform manifests). */
export function configMatches(config: { os?: string; architecture?: string; variant?: string }, want: Platform): boolean {
  return config.os === want.os && config.architecture === want.architecture && (!want.variant || config.variant === want.variant);
}

/** How a layer blob is compressed, from its media type. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' {
  if (mediaType.endsWith('+zstd') || mediaType.endsWith('.zstd')) return 'zstd';
  if (mediaType === MT.ociLayer || mediaType.endsWith('.tar')) return 'none';
  return 'gzip';
}
