/**
 * The classic builder's cache: a step hits when an image exists whose parent is the step's
 * parent (images with no parent for `FROM scratch`) and whose recorded container_config (the
 * step's command — `#(nop) COPY file:<checksum> in /dst` for copies, the build args for RUN —
 * and the config it leaves) matches. The newest match wins. Once a stage misses, the rest of
 * that stage misses (`Reset` at each FROM), and `--no-cache` never hits. With `cachefrom`
 * (moby's ImageCache), only those images and their parents are cache sources: a name that
 * resolves to no image is skipped, and if none does nothing hits. (moby also rebuilds a hit
 * from a source's history when its parent chain is not local, e.g. a pulled image: not done here.)
 */
import type { ImageService } from '../images/service.js';
import type { ContainerConfigSpec } from '../images/types.js';

const keys = ['Cmd', 'Entrypoint', 'Env', 'WorkingDir', 'User', 'Labels', 'ExposedPorts', 'Volumes', 'OnBuild', 'Shell', 'Healthcheck', 'StopSignal'] as const;

function sortObj(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortObj);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortObj((v as Record<string, unknown>)[k])]));
  return v;
}

/** The parts of a container_config that decide a cache hit, in a canonical form. */
export function cacheKey(cfg: ContainerConfigSpec): string {
  const pick: Record<string, unknown> = {};
  for (const k of keys) {
    const v = cfg[k];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v as object).length);
    if (!empty) pick[k] = v;
  }
  return JSON.stringify(sortObj(pick));
}

export class BuildCache {
  private busted = false;
  /** With cachefrom: the images a hit may be. */
  private readonly allowed?: Set<string>;

  constructor(private readonly images: ImageService, private readonly disabled: boolean, cacheFrom: string[] = []) {
    if (cacheFrom.length) this.allowed = sourceChains(images, cacheFrom);
  }

  /** A new stage starts probing again. */
  reset(): void { this.busted = false; }

  probe(parentId: string, probeConfig: ContainerConfigSpec): string | undefined {
    if (this.disabled || this.busted) return undefined;
    const want = cacheKey(probeConfig);
    let best: { id: string; created: string } | undefined;
    for (const img of this.images.storedImages()) {
      if ((img.meta.parent ?? '') !== parentId) continue;
      if (this.allowed && !this.allowed.has(img.id)) continue;
      const cc = img.config.container_config;
      if (!cc || cacheKey(cc) !== want) continue;
      const created = img.config.created ?? '';
      if (!best || created > best.created) best = { id: img.id, created };
    }
    if (!best) this.busted = true;
    return best?.id;
  }
}

/** The images named (those that exist) and all their parents. */
function sourceChains(images: ImageService, names: string[]): Set<string> {
  const ids = new Set<string>();
  const byId = new Map(images.storedImages().map((i) => [i.id, i]));
  for (const name of names) {
    let id: string | undefined;
    try { id = images.resolve(name).id; } catch { continue; }
    while (id && !ids.has(id)) {
      ids.add(id);
      id = byId.get(id)?.meta.parent || undefined;
    }
  }
  return ids;
}
