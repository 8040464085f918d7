/**
 * The legacy v1 image JSON `docker save` writes for each layer of an image (moby's
 * tarexport saveImage: a blob per layer next to the image config): the lower layers get an empty
 * image created at the epoch, the top layer the image's own fields; each gets the v1 ID
 * `v1.CreateID` computes (the sha256 of the JSON with `layer_id` and `parent` added, keys sorted)
 * and names its parent's. Encoded as Go's encoding/json does (go-json.ts).
 */
import type { ImageConfig } from '../types.js';
import { chainIDs, sha256 } from '../fsutil.js';
import { containerConfigFields, goJSON, goStruct as struct, isEmpty } from '../go-json.js';

interface V1Image {
  id?: string; parent?: string; comment?: string; created: string | null; container?: string;
  container_config?: Record<string, unknown>; docker_version?: string; author?: string;
  config?: Record<string, unknown>; architecture?: string; variant?: string; os?: string; Size?: number;
}

/** image.V1Image in field order, omitempty honoured (container_config always, as a struct). */
function v1Fields(img: V1Image, onBuildAlways: boolean): Record<string, unknown> {
  const cfgFields = containerConfigFields(onBuildAlways);
  const out: Record<string, unknown> = {};
  const put = (k: keyof V1Image, v: unknown) => { if (!isEmpty(v)) out[k] = v; };
  put('id', img.id);
  put('parent', img.parent);
  put('comment', img.comment);
  out.created = img.created;
  put('container', img.container);
  out.container_config = struct(img.container_config, cfgFields);
  put('docker_version', img.docker_version);
  put('author', img.author);
  if (img.config) out.config = struct(img.config, cfgFields);
  put('architecture', img.architecture);
  put('variant', img.variant);
  put('os', img.os);
  put('Size', img.Size);
  return out;
}

export interface V1Layer { id: string; json: Buffer }

/** The v1 JSON of each layer of `config`, bottom first. */
export function v1LayerConfigs(config: ImageConfig, opts: { onBuildAlways?: boolean } = {}): V1Layer[] {
  const chains = chainIDs(config.rootfs.diff_ids);
  const out: V1Layer[] = [];
  let parent = '';
  chains.forEach((chainID, i) => {
    const top = i === chains.length - 1;
    const img: V1Image = top
      ? {
        parent: config.parent as string | undefined, comment: config.comment, created: config.created ?? null, container: config.container as string | undefined,
        container_config: config.container_config as Record<string, unknown> | undefined, docker_version: config.docker_version,
        author: config.author, config: config.config as Record<string, unknown> | undefined, architecture: config.architecture,
        variant: config.variant, os: config.os,
      }
      : { created: '1970-01-01T00:00:00Z' };
    const fields = v1Fields(img, !!opts.onBuildAlways);
    const forId: Record<string, unknown> = { ...fields, layer_id: chainID };
    if (parent) forId.parent = `sha256:${parent}`;
    const sorted = Object.fromEntries(Object.keys(forId).sort().map((k) => [k, forId[k]]));
    const id = sha256(goJSON(sorted)).slice('sha256:'.length);
    const written = v1Fields({ ...img, id, parent: parent || img.parent, os: config.os }, !!opts.onBuildAlways);
    out.push({ id, json: Buffer.from(goJSON(written)) });
    parent = id;
  });
  return out;
}
