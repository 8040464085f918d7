/** FROM / COPY --from of an image that is not here: pulled through the distribution side, progress shown in the build output. */
import type { DistributionService } from '../distribution/service.js';
import type { PullFn } from './service.js';

export function buildPuller(dist: DistributionService): PullFn {
  return async (ref, platform, io) => {
    const at = ref.indexOf('@');
    const colon = ref.lastIndexOf(':');
    let name = ref;
    let tag: string | undefined;
    if (at < 0 && colon > ref.lastIndexOf('/')) { name = ref.slice(0, colon); tag = ref.slice(colon + 1); }
    await dist.pull(name, tag ?? (at < 0 ? 'latest' : undefined), {
      platform, auth: {}, progress: (msg) => io.progress?.(msg),
    });
  };
}
