/**
 * POST /commit and GET /containers/{id}/changes: the container's upperdir as a new layer on its
 * image (through ImageService: content.ingest → applyLayerBlob → commit) and as `docker diff`'s
 * A/C/D list, both against the layers below (the init layer, the image). Volume, bind and tmpfs
 * destinations keep their mountpoint but not their contents. A container made before init layers
 * has berth-monitor's mountpoints (/etc/hosts …) in its own layer: they are left out.
 */
import { Conflict, InvalidArgument } from '@berth/shared';
import { familiarString, parseNormalizedNamed, withTag } from '@berth/shared/reference';
import type { ContainerConfig, FilesystemChange } from '@berth/shared/api/types';
import { parseRef } from '../images/parse-ref.js';
import { applyChanges } from '../images/archive/changes.js';
import type { ContainerConfigSpec, ImageConfig, HistoryEntry } from '../images/types.js';
import type { StoredImage } from '../images/image-store.js';
import type { CommitOptions } from '../images/types.js';
import { changesFromUpperdir, INIT_PATHS, layerTarFromUpperdir, type DiffOptions } from '../storage/diff.js';
import { containerMounts } from './rootfs.js';
import { setFrozen, cgroupOf } from './freezer.js';
import type { CgroupFiles } from './cgroup-files.js';
import { withLease, type ImageLease } from '../images/lease.js';
import type { Container } from './container.js';
import type { ContainerFiles } from './backend.js';

/** What a commit needs from the image side. */
export interface ImageCommitter {
  /** The stored image of an ID (NotFound when gone). */
  resolve(id: string): StoredImage;
  lease(): ImageLease;
  commit(opts: CommitOptions): Promise<{ image: StoredImage }>;
}

/** The sha256 of an empty tar (two zero blocks): Docker's empty layer. */
export const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export function diffOptions(files: ContainerFiles, c: Container): DiffOptions {
  const exclude = [...containerMounts(files, c).map((m) => m.Destination), ...Object.keys(c.hc.Tmpfs ?? {})];
  return { exclude, ignore: files.hasInitLayer(c) ? [] : INIT_PATHS };
}

export async function containerChanges(files: ContainerFiles, c: Container): Promise<FilesystemChange[]> {
  const { upper, lowers } = files.layer(c);
  return changesFromUpperdir(upper, lowers, diffOptions(files, c));
}

export interface CommitQuery {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  changes: string[];
}

const CONFIG_KEYS = ['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'ExposedPorts', 'Tty', 'OpenStdin',
  'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'NetworkDisabled', 'MacAddress',
  'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell'] as const satisfies readonly (keyof ContainerConfig)[];

function pick(cfg: ContainerConfig): ContainerConfigSpec {
  return Object.fromEntries(CONFIG_KEYS.filter((k) => cfg[k] !== undefined).map((k) => [k, structuredClone(cfg[k])]));
}

/**
 * Docker pauses the container for a commit if it can and carries on when it cannot: a container
 * not running, one whose cgroup is not there yet (just started) or gone (just exited).
 */
async function tryFreeze(files: ContainerFiles, c: Container): Promise<CgroupFiles | undefined> {
  if (!c.rec.State.Running) return undefined;
  let cg: CgroupFiles | undefined;
  try {
    cg = cgroupOf(files.bundle(c), c);
    await setFrozen(cg, true);
    return cg;
  } catch {
    if (cg) await setFrozen(cg, false).catch(() => undefined);
    return undefined;
  }
}

/** The new image's ID and the reference it was tagged with ("" without one). */
export async function commitContainer(files: ContainerFiles, images: ImageCommitter, c: Container, q: CommitQuery,
  body: ContainerConfig): Promise<{ Id: string; ref: string }> {
  if (c.rec.State.Status === 'removing') throw new Conflict(`You cannot commit container ${c.rec.Id} which is being removed`);
  if (c.rec.State.Dead) throw new Conflict(`You cannot commit container ${c.rec.Id} which is Dead`);
  const ref = q.repo ? parseRef(() => { parseNormalizedNamed(q.repo!); return withTag(q.repo!, q.tag); }) : undefined;
  if (!q.repo && q.tag) throw new InvalidArgument('invalid reference format');
  const base = { ...pick(c.rec.Config), ...pick(body) };
  const config = applyChanges(base, q.changes);
  let parent: StoredImage;
  try { parent = images.resolve(c.rec.Image); } catch { throw new Conflict(`image ${c.rec.Image} of container ${c.rec.Id} no longer exists`); }
  // A commit that fails (a full disk) leaves no blob, layer or image of its own.
  return withLease(images, async (lease) => {
    lease.holdLayers(parent.chainIDs);
    const cg = q.pause && !c.rec.State.Paused ? await tryFreeze(files, c) : undefined;
    let digest: string;
    try {
      ({ digest } = await lease.ingest(layerTarFromUpperdir(files.layer(c).upper, diffOptions(files, c))));
    } finally {
      if (cg) await setFrozen(cg, false).catch(() => undefined);
    }
    const empty = digest === EMPTY_LAYER;
    const parentChain = parent.chainIDs[parent.chainIDs.length - 1] ?? null;
    const layerBlobs = empty ? undefined : { [digest]: (await lease.applyLayerBlob(parentChain, digest, digest)).blob };
    const created = new Date().toISOString();
    const hist: HistoryEntry = { created, created_by: (c.rec.Config.Cmd ?? []).join(' ') };
    if (q.author) hist.author = q.author;
    if (q.comment) hist.comment = q.comment;
    if (empty) hist.empty_layer = true;
    const pc = parent.config;
    const image: ImageConfig = {
      architecture: pc.architecture, os: pc.os, ...(pc.variant ? { variant: pc.variant } : {}),
      ...(q.author ? { author: q.author } : {}), ...(q.comment ? { comment: q.comment } : {}),
      config, container: c.rec.Id, container_config: pick(c.rec.Config), created, docker_version: 'berth',
      history: [...(pc.history ?? []), hist],
      rootfs: { type: 'layers', diff_ids: [...pc.rootfs.diff_ids, ...(empty ? [] : [digest])] },
    };
    const { image: stored } = await images.commit({
      config: Buffer.from(JSON.stringify(image)), parent: parent.id, layerBlobs, refs: ref ? [ref] : [], log: 'create',
    });
    return { Id: stored.id, ref: ref ? familiarString(ref) : '' };
  });
}
