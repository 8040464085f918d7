/** GET /distribution/{name}/json: the registry's descriptor for a reference and the platforms it offers. */
import type { Reference } from '@berth/shared/reference';
import { openSession, registryError } from './client.js';
import { endpointsFor, type EndpointConfig } from './endpoint.js';
import { parseManifest, type Platform } from './manifest.js';
import { fetchManifest } from './pull.js';
import { translatePullError } from './errors.js';
import type { AuthConfig } from './auth-config.js';
import type { DistributionInspect as WireDistributionInspect } from '@berth/shared/api/types';

export interface DistributionInspect extends WireDistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: Platform[];
}

export async function inspectDistribution(cfg: EndpointConfig, ref: Reference, auth: AuthConfig): Promise<DistributionInspect> {
  try {
    const s = await openSession(endpointsFor(ref.domain, cfg), auth, ref.path, ['pull']);
    const m = await fetchManifest(s, ref.digest ?? ref.tag ?? 'latest');
    const parsed = parseManifest(m.body, m.contentType);
    const Descriptor = { mediaType: parsed.mediaType, digest: m.digest, size: m.body.length };
    if (parsed.kind === 'index') {
      return { Descriptor, Platforms: parsed.manifest.manifests.filter((d) => d.platform && d.platform.os !== 'unknown').map((d) => d.platform!) };
    }
    const res = await s.fetch('GET', `/v2/${s.repo}/blobs/${parsed.manifest.config.digest}`, { follow: true });
    if (res.statusCode !== 200) throw await registryError(res, 'blob');
    const cfgDoc = await res.body.json() as { os?: string; architecture?: string; variant?: string };
    const p: Platform = { architecture: cfgDoc.architecture ?? '', os: cfgDoc.os ?? '' };
    if (cfgDoc.variant) p.variant = cfgDoc.variant;
    return { Descriptor, Platforms: [p] };
  } catch (e) {
    throw translatePullError(e, { ...ref, tag: ref.tag ?? (ref.digest ? undefined : 'latest') });
  }
}
