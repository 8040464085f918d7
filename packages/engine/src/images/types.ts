/**
 * The image side's contract with the rest of the engine (containers, build, distribution).
 * Wire types keep Docker's field names.
 */
import type { Reference } from '@berth/shared/reference';
import type { LayerBlob } from './layer-store.js';


/** Docker image config JSON (application/vnd.docker.container.image.v1+json / OCI image config). */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  /** The container a commit or a legacy build step was made from. */
  container?: string;
  config?: ContainerConfigSpec;
  container_config?: ContainerConfigSpec;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
  [k: string]: unknown;
}

export interface HistoryEntry { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }

/** The `config` object inside an image config (Cmd, Entrypoint, Env …). */
export interface ContainerConfigSpec {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
  [k: string]: unknown;
}

export interface ImageRecord {
  /** "sha256:<hex>" — the digest of the config JSON. */
  id: string;
  config: ImageConfig;
  /** Familiar references as Docker shows them: "busybox:latest", "localhost:5000/x:y". */
  repoTags: string[];
  /** Familiar digest references: "busybox@sha256:…". */
  repoDigests: string[];
  /** Sum of the layers' uncompressed sizes. */
  size: number;
  /** The parent image ID (images built or committed on top of another), "" when none. */
  parent: string;
  /** chainIDs of the layers, bottom first. */
  chainIDs: string[];
}

/** ImageService.commit: an image whose config and layers are in place, and its references. */
export interface CommitOptions {
  /** The exact config bytes (the image ID is their digest). */
  config: Buffer;
  parent?: string;
  /** Per diffID, the blob (in the content store) the layer came in. */
  layerBlobs?: Record<string, LayerBlob>;
  /** References to point at the image (any form `parseNormalizedNamed` takes, or parsed). */
  refs?: (string | Reference)[];
  /**
   * The image event the commit is (Docker's): `create` (commit, build steps; then a `tag` per
   * reference), `import` (a `tag` per reference first), `load` (references set silently).
   */
  log?: 'create' | 'import' | 'load';
}

/** What the container side needs from images. */
export interface ImageLookup {
  /** Resolve a name[:tag], name@digest, full or short ID. Throws NotFound("No such image: <ref>"). */
  get(ref: string): Promise<ImageRecord>;
  /** A container of image `id` is gone with its layers: what only it kept (the layers of a force-removed image) goes too. */
  released?(id: string): Promise<void>;
}

/** A container using an image, as the containers side reports it for `rmi` conflicts. */
export interface ImageUser { id: string; running: boolean }
/** Set by the containers side: the containers whose image is `imageId`. */
export type ImageInUse = (imageId: string) => Array<ImageUser | string>;
/** (A bare string is a container ID whose running state is unknown: treated as stopped.) */
