/**
 * Volumes behind ContainerService's MountProvider seam. The container's mount points are kept
 * in its record (`MountPoints` in config.v2.json, as Docker keeps them), so they survive a
 * restart; `restoreRefs` gives every restored container its volume references back.
 *
 * Composition (daemon.ts):
 *   const vm = volumeMounts(volumes, layers);
 *   const containers = new ContainerService({ …, mounts: vm.provider });
 *   vm.bind((ref) => containers.get(ref));          // --volumes-from lookups
 *   await containers.restore(); vm.restoreRefs(containers.all());
 */
import type { ContainerRef, MountProvider } from '../containers/seams.js';
import type { ContainerLayers } from '../storage/container-layers.js';
import type { OciMount } from '../runtime/spec.js';
import type { VolumeService } from './service.js';
import { MountResolver, type MountPoint } from './mounts.js';

type WithPoints = { MountPoints?: MountPoint[] };

export const mountPointsOf = (c: ContainerRef): MountPoint[] => (c.rec as unknown as WithPoints).MountPoints ?? [];

export function volumeMounts(volumes: VolumeService, layers: ContainerLayers) {
  let find: ((ref: string) => ContainerRef) | undefined;
  const resolver = new MountResolver(volumes, (ref) => {
    try {
      const c = find?.(ref);
      return c ? { Id: c.rec.Id, MountPoints: mountPointsOf(c) } : undefined;
    } catch {
      return undefined;
    }
  });

  const provider: MountProvider = {
    async create(c) {
      const points = await resolver.prepare({
        id: c.rec.Id, hostConfig: c.hc, volumes: c.rec.Config.Volumes, baseView: (fn) => layers.withBaseView(c.rec.Id, fn),
      });
      (c.rec as unknown as WithPoints).MountPoints = points;
    },
    async mounts(c): Promise<OciMount[]> {
      const points = mountPointsOf(c);
      await resolver.activate(c.rec.Id, points);
      return resolver.ociMounts(points, c.hc.Tmpfs);
    },
    async release(c, removeVolumes) {
      const points = mountPointsOf(c);
      await resolver.deactivate(c.rec.Id, points);
      resolver.release(c.rec.Id, points, removeVolumes);
    },
    inspect: (c) => resolver.inspect(mountPointsOf(c)),
    volumeNames: (c) => mountPointsOf(c).filter((m) => m.Type === 'volume').map((m) => m.Name),
  };

  return {
    resolver,
    provider,
    /** Late binding of the container lookup (ContainerService needs the provider first). */
    bind(lookup: (ref: string) => ContainerRef) { find = lookup; },
    restoreRefs(all: ContainerRef[]) { for (const c of all) resolver.restore(c.rec.Id, mountPointsOf(c)); },
  };
}
