/** Docker's wire shapes for images: ImageSummary, ImageInspect, HistoryResponseItem. */
import path from 'node:path';
import { below } from '../api/versions.js';
import type { ContainerConfig, DriverData, ImageHistoryItem, ImageInspect, ImageSummary } from '@berth/shared/api/types';
import type { ImageConfig, ImageRecord } from './types.js';
import { containerConfigFields, goStruct } from './go-json.js';

const unix = (iso?: string): number => (iso ? Math.floor(Date.parse(iso) / 1000) || 0 : 0);
const ZERO_TIME = '0001-01-01T00:00:00Z';

export function imageSummary(img: ImageRecord, version: string): ImageSummary {
  const s: ImageSummary = {
    Containers: -1,
    Created: unix(img.config.created),
    Id: img.id,
    Labels: img.config.config?.Labels ?? {},
    ParentId: img.parent,
    RepoDigests: img.repoDigests,
    RepoTags: img.repoTags,
    SharedSize: -1,
    Size: img.size,
  };
  if (below(version, 'imageListNoNone')) {
    if (!img.repoTags.length && !img.repoDigests.length) { s.RepoTags = ['<none>:<none>']; s.RepoDigests = ['<none>@<none>']; }
  }
  if (below(version, 'imageNoVirtualSize')) s.VirtualSize = img.size;
  return s;
}

/** GraphDriver data as overlay2 shows it: the top layer as UpperDir, the others as LowerDir. */
export function graphDriver(layerDirs: string[]): DriverData {
  if (!layerDirs.length) return { Name: 'overlay2', Data: null };
  const top = path.dirname(layerDirs[0]!);
  const data: Record<string, string> = {};
  if (layerDirs.length > 1) data.LowerDir = layerDirs.slice(1).join(':');
  data.MergedDir = path.join(top, 'merged');
  data.UpperDir = layerDirs[0]!;
  data.WorkDir = path.join(top, 'work');
  return { Name: 'overlay2', Data: data };
}

export function imageInspect(img: ImageRecord, layerDirs: string[], lastTagTime: string | undefined, version: string): ImageInspect {
  const c = img.config;
  const doc: ImageInspect = {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: c.comment ?? '',
    Created: c.created ?? (below(version, 'imageCreatedOmitted') ? ZERO_TIME : undefined),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: withLegacyConfigFields(c.config ?? null, version),
    Architecture: c.architecture,
    Os: c.os,
    Size: img.size,
    GraphDriver: graphDriver(layerDirs),
    RootFS: { Type: c.rootfs.type, Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: lastTagTime ?? ZERO_TIME },
  };
  if (c.variant) doc.Variant = c.variant;
  if (below(version, 'imageNoContainerConfig')) Object.assign(doc, legacyContainerFields(c));
  if (below(version, 'imageNoVirtualSize')) doc.VirtualSize = img.size;
  return doc;
}

/**
 * The image Config as API versions up to 1.51 showed it: fields without omitempty there, present
 * when unset (null, "", false) — more of them up to 1.49 (moby's legacyConfigFields).
 */
const LEGACY_CONFIG_1_51: Record<string, unknown> = { Cmd: null, Entrypoint: null, Env: null, Labels: null, OnBuild: null, User: '', Volumes: null, WorkingDir: '' };
const LEGACY_CONFIG_1_49: Record<string, unknown> = {
  ...LEGACY_CONFIG_1_51, AttachStderr: false, AttachStdin: false, AttachStdout: false, Domainname: '', Hostname: '', Image: '',
  OpenStdin: false, StdinOnce: false, Tty: false,
};

function withLegacyConfigFields(config: ImageInspect['Config'], version: string): ImageInspect['Config'] {
  const legacy = below(version, 'imageConfigFewerFields') ? LEGACY_CONFIG_1_49 : LEGACY_CONFIG_1_51;
  const out: Record<string, unknown> = { ...(config ?? {}) };
  for (const [k, v] of Object.entries(legacy)) if (out[k] === undefined || out[k] === null) out[k] = v;
  return out as ImageInspect['Config'];
}

/**
 * Container and ContainerConfig (shown below API 1.45, moby's image inspect router): the
 * container a commit or build step was made from, and its config as Docker's struct — all
 * zero values for an image that has none (a pulled or loaded one).
 */
export function legacyContainerFields(c: ImageConfig): Pick<ImageInspect, 'Container' | 'ContainerConfig'> {
  return { Container: c.container ?? '', ContainerConfig: goStruct(c.container_config, containerConfigFields(false)) as ContainerConfig };
}

export type HistoryItem = ImageHistoryItem;

/**
 * Newest first; entries get "<missing>" as ID except those matching this image and its parents
 * (one per image walking up the parent chain), as Docker does.
 */
export function imageHistory(chain: ImageRecord[], layerSizes: number[]): HistoryItem[] {
  const img = chain[0]!;
  const items: HistoryItem[] = [];
  let layer = 0;
  for (const h of img.config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) size = layerSizes[layer++] ?? 0;
    items.unshift({ Id: '<missing>', Created: unix(h.created), CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  for (let i = 0; i < items.length && i < chain.length; i++) {
    items[i]!.Id = chain[i]!.id;
    const tags = chain[i]!.repoTags;
    items[i]!.Tags = tags.length ? tags : null;
  }
  return items;
}
