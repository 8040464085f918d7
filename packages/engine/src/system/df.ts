/**
 * GET /system/df: disk usage as dockerd reports it — LayersSize (every layer once), images with
 * their container count and the size they share with other images, containers with SizeRw and
 * SizeRootFs, volumes with UsageData, and an empty build cache.
 */
import { InvalidArgument } from '@berth/shared';
import type { ImageService } from '../images/service.js';
import type { ListSource } from '../containers/list.js';
import type { VolumeService } from '../volumes/service.js';
import { listContainers } from '../containers/list.js';
import type { SystemDataUsage } from '@berth/shared/api/types';
import { below } from '../api/versions.js';

export interface DfSources { containers: ListSource; images: ImageService; volumes: VolumeService }

const TYPES = ['container', 'image', 'volume', 'build-cache'];

export async function diskUsage(src: DfSources, typeParam: string[], version: string): Promise<SystemDataUsage> {
  const types = below(version, 'dfTypes') ? [] : typeParam;
  for (const t of types) if (!TYPES.includes(t)) throw new InvalidArgument(`unknown object type: ${t}`);
  const want = (t: string) => types.length === 0 || types.includes(t);
  const out: SystemDataUsage = {};
  const all = src.containers.all();
  if (want('image')) {
    const stored = src.images.storedImages();
    const users = new Map<string, number>();
    for (const img of stored) for (const c of img.chainIDs) users.set(c, (users.get(c) ?? 0) + 1);
    const layerSize = (c: string) => src.images.layer(c)?.size ?? 0;
    out.LayersSize = [...users.keys()].reduce((n, c) => n + layerSize(c), 0);
    const byId = new Map(stored.map((i) => [i.id, i]));
    out.Images = src.images.list({ version }).map((s) => {
      const img = byId.get(String(s.Id));
      const shared = img ? img.chainIDs.filter((c) => (users.get(c) ?? 0) > 1).reduce((n, c) => n + layerSize(c), 0) : 0;
      return { ...s, SharedSize: shared, Containers: all.filter((c) => c.rec.Image === s.Id).length };
    });
  }
  if (want('container')) {
    out.Containers = await listContainers(src.containers, src.images, { all: true, size: true, filters: new Map() });
  }
  if (want('volume')) {
    const usage = new Map(src.volumes.usage().map((u) => [u.Name, u]));
    out.Volumes = src.volumes.list().map((v) => ({ ...v, UsageData: { Size: usage.get(v.Name)?.Size ?? -1, RefCount: usage.get(v.Name)?.RefCount ?? 0 } }));
  }
  if (want('build-cache')) out.BuildCache = [];
  return out;
}
