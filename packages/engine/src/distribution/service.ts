/**
 * DistributionService: pull, push, login, search and distribution inspect for the API, on a
 * DistributionStore (the image side) and the daemon's registry settings.
 */
import path from 'node:path';
import { InvalidArgument } from '@berth/shared';
import { familiarName, familiarString, parseNormalizedNamed, ReferenceError, withTag, type Reference } from '@berth/shared/reference';
import { pullImage } from './pull.js';
import { pushImage } from './push.js';
import { login, type LoginResult } from './login.js';
import { searchImages, type SearchResult } from './search.js';
import { inspectDistribution, type DistributionInspect } from './inspect.js';
import { DistributionMetadata } from './metadata.js';
import type { DistributionStore } from './store.js';
import type { AuthConfig } from './auth-config.js';
import type { Progress } from './progress.js';

export interface RegistrySettings {
  dataRoot: string;
  insecureRegistries: string[];
  registryMirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
}

/** moby's ImageEventLogger: `pull`/`push` with the familiar reference as ID and the repository as name. */
export type ImageEventLogger = (action: 'pull' | 'push', id: string, name: string) => void;

function parseRef(fn: () => Reference): Reference {
  try { return fn(); } catch (e) {
    if (e instanceof ReferenceError) throw new InvalidArgument(e.message);
    throw e;
  }
}

export class DistributionService {
  readonly meta: DistributionMetadata;

  constructor(readonly store: DistributionStore, readonly settings: RegistrySettings, private readonly logEvent: ImageEventLogger = () => {}) {
    this.meta = new DistributionMetadata(path.join(settings.dataRoot, 'distribution'));
  }

  private get deps() {
    return { store: this.store, meta: this.meta, config: this.settings };
  }

  /** fromImage + tag (tag may be a digest; both absent means every tag). */
  async pull(fromImage: string, tag: string | undefined, opts: { platform?: string; auth: AuthConfig; progress: Progress; signal?: AbortSignal }): Promise<void> {
    const ref = parseRef(() => {
      const r = parseNormalizedNamed(fromImage);
      if (tag) {
        if (r.tag || r.digest) throw new ReferenceError('invalid reference format');
        if (/^[a-z0-9]+:[a-f0-9]{32,}$/i.test(tag)) r.digest = tag;
        else return withTag(fromImage, tag);
      }
      return r;
    });
    await pullImage(this.deps, { ref, ...opts });
    this.logEvent('pull', familiarString(ref), familiarName(ref.name));
  }

  async push(name: string, tag: string | undefined, opts: { auth: AuthConfig; progress: Progress; signal?: AbortSignal }): Promise<void> {
    const ref = parseRef(() => (tag ? withTag(name, tag) : parseNormalizedNamed(name)));
    await pushImage(this.deps, { ref, ...opts });
    this.logEvent('push', familiarString(ref), familiarName(ref.name));
  }

  login(auth: AuthConfig): Promise<LoginResult> {
    return login(this.settings, auth);
  }

  search(term: string, limit: number | undefined, filters: Map<string, string[]>, auth: AuthConfig): Promise<SearchResult[]> {
    return searchImages(this.settings, term, limit, filters, auth);
  }

  inspect(name: string, auth: AuthConfig): Promise<DistributionInspect> {
    const ref = parseRef(() => parseNormalizedNamed(name));
    return inspectDistribution(this.settings, ref, auth);
  }
}
