/**
 * The container routes as the request's API version had them (moby's container router): create
 * bodies have the fields a version did not know reset, the checks it did not make skipped and
 * the features newer than it refused, before ContainerService sees them; inspect and list
 * documents get the fields that version showed. The gates are in api/versions.ts.
 */
import { InvalidArgument } from '@berth/shared';
import type { ContainerInspect, ContainerSummary } from '@berth/shared/api/types';
import type { CreateBody } from '../containers/create-config.js';
import { below } from './versions.js';

interface MountLike {
  Type?: string;
  VolumeOptions?: { Subpath?: string; DriverConfig?: { Name?: string } | null } | null;
  BindOptions?: { NonRecursive?: boolean; CreateMountpoint?: boolean; ReadOnlyForceRecursive?: boolean } | null;
  TmpfsOptions?: unknown;
}

interface EndpointLike { GwPriority?: number }

export function adjustCreateForVersion(body: CreateBody, version: string): void {
  const hc = (body.HostConfig ?? {}) as NonNullable<CreateBody['HostConfig']> & { Mounts?: MountLike[] | null; ConsoleSize?: number[] | null };
  const mounts: MountLike[] = hc.Mounts ?? [];
  const endpoints = ((body.NetworkingConfig as { EndpointsConfig?: Record<string, EndpointLike | null> } | undefined)?.EndpointsConfig) ?? {};

  if (below(version, 'createBindNonRecursive')) {
    for (const m of mounts) if (m.BindOptions) m.BindOptions.NonRecursive = false;
    if (!hc.IpcMode) { body.HostConfig = hc; hc.IpcMode = 'shareable'; }
  }
  if (below(version, 'createMountOptionsChecked')) {
    for (const m of mounts) {
      if (m.BindOptions) m.BindOptions.CreateMountpoint = false;
      if (m.VolumeOptions && m.Type !== 'volume') delete m.VolumeOptions;
      if (m.TmpfsOptions && m.Type !== 'tmpfs') delete m.TmpfsOptions;
    }
  } else {
    for (const m of mounts) {
      if (m.VolumeOptions && m.Type !== 'volume') throw new InvalidArgument(`VolumeOptions must not be specified on mount type "${m.Type ?? ''}"`);
      if (m.BindOptions && m.Type !== 'bind') throw new InvalidArgument(`BindOptions must not be specified on mount type "${m.Type ?? ''}"`);
      if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new InvalidArgument(`TmpfsOptions must not be specified on mount type "${m.Type ?? ''}"`);
    }
  }
  if (below(version, 'consoleSize') && hc.ConsoleSize) hc.ConsoleSize = [0, 0];
  if (below(version, 'createAnnotations')) delete hc.Annotations;
  if (below(version, 'createStartInterval') && body.Healthcheck) body.Healthcheck.StartInterval = 0;
  if (below(version, 'createReadOnlyForceRecursive')) {
    for (const m of mounts) {
      if (m.Type === 'bind' && m.BindOptions?.ReadOnlyForceRecursive) throw new InvalidArgument('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    }
  }
  if (below(version, 'createMultipleEndpoints') && Object.keys(endpoints).length > 1) {
    throw new InvalidArgument(`Container cannot be created with multiple network endpoints: ${Object.keys(endpoints).join(', ')}`);
  }
  if (below(version, 'createVolumeSubpath')) {
    for (const m of mounts) if (m.VolumeOptions?.Subpath) throw new InvalidArgument('VolumeOptions.Subpath needs API v1.45 or newer');
  }
  if (below(version, 'createGwPriority')) {
    for (const ep of Object.values(endpoints)) if (ep) ep.GwPriority = 0;
  }
  if (below(version, 'createImageMount')) {
    for (const m of mounts) if (m.Type === 'image') throw new InvalidArgument('Mount type "Image" needs API v1.48 or newer');
  }
}

/** Warnings the router adds to a create's answer (moby's handleVolumeDriverBC). */
export function createWarnings(body: CreateBody, version: string): string[] {
  const hc = (body.HostConfig ?? {}) as { VolumeDriver?: string; Mounts?: MountLike[] | null };
  if (!hc.VolumeDriver || below(version, 'createVolumeDriverWarning')) return [];
  const unnamed = (hc.Mounts ?? []).some((m) => m.Type === 'volume' && !m.VolumeOptions?.DriverConfig?.Name);
  return unnamed ? ["WARNING: the container-wide volume-driver configuration is ignored for volumes specified via 'mount'. Use '--mount type=volume,volume-driver=...' instead"] : [];
}

/** GET /containers/{id}/json as the request's API version had it. */
export function inspectForVersion(doc: ContainerInspect, version: string): ContainerInspect {
  if (below(version, 'inspectNoShortIdAlias')) {
    const extra = [(doc.Id ?? '').slice(0, 12), doc.Config?.Hostname ?? ''];
    for (const [name, ep] of Object.entries(doc.NetworkSettings?.Networks ?? {})) {
      if (!ep || !isUserDefinedNetwork(name)) continue;
      ep.Aliases = [...new Set([...(ep.Aliases ?? []), ...extra])];
    }
  }
  return doc;
}

/** GET /containers/json as the request's API version had it. */
export function listForVersion(list: ContainerSummary[], version: string): ContainerSummary[] {
  if (below(version, 'listAnnotations')) for (const c of list) if (c.HostConfig) delete c.HostConfig.Annotations;
  return list;
}

/** container.NetworkMode(name).IsUserDefined(). */
function isUserDefinedNetwork(name: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(name) && !name.startsWith('container:');
}
