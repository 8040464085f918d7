/**
 * The Engine API's wire shapes by name: what berthd answers and what the client reads. They come
 * from the swagger (engine-api.generated.ts, `pnpm -C packages/shared gen:api`); where dockerd's
 * real answer differs from the swagger (moby's Go types in api/types are the truth: Go's nil
 * slices and maps marshal as null, fields the swagger omits), the type here is the swagger's
 * with that difference laid over it, and a comment says why.
 */
import type { components, operations } from './engine-api.generated.js';

export type { components, operations, paths } from './engine-api.generated.js';

type Schemas = components['schemas'];

/** The JSON body an operation answers with (200 unless told). */
export type ResponseJson<Op extends keyof operations, Code extends number = 200> =
  operations[Op]['responses'] extends { [K in Code]: { content: { 'application/json': infer T } } } ? T : never;

/** The JSON request body of an operation. */
export type RequestJson<Op extends keyof operations> =
  operations[Op] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

/** `T` with the fields of `U` laid over it (Docker's real answer where the swagger says otherwise). */
export type Override<T, U> = Omit<T, keyof U> & U;

// ---- containers ----

export type ContainerConfig = Schemas['ContainerConfig'];
export type HostConfig = Schemas['HostConfig'];
export type ContainerState = Schemas['ContainerState'];
export type Health = Schemas['Health'];
export type HealthcheckResult = Schemas['HealthcheckResult'];
export type MountPoint = Schemas['MountPoint'];
export type Port = Schemas['Port'];
export type PortBinding = Schemas['PortBinding'];
export type PortMap = Schemas['PortMap'];
export type NetworkSettings = Schemas['NetworkSettings'];
export type EndpointSettings = Schemas['EndpointSettings'];
export type DriverData = Schemas['DriverData'];

/** GET /containers/{id}/json. */
export type ContainerInspect = Schemas['ContainerInspectResponse'];
/** GET /containers/json: one container. */
export type ContainerSummary = Schemas['ContainerSummary'];
export type ContainerCreateRequest = RequestJson<'ContainerCreate'>;
export type ContainerCreateResponse = Schemas['ContainerCreateResponse'];
export type ContainerUpdateRequest = RequestJson<'ContainerUpdate'>;
export type ContainerUpdateResponse = Schemas['ContainerUpdateResponse'];
export type ContainerWaitResponse = Schemas['ContainerWaitResponse'];
export type ContainerTopResponse = Schemas['ContainerTopResponse'];
export type ContainerStats = Schemas['ContainerStatsResponse'];
export type ContainerPruneResponse = ResponseJson<'ContainerPrune'>;
/** GET /containers/{id}/changes: one change. */
export type FilesystemChange = Schemas['FilesystemChange'];
/**
 * The X-Docker-Container-Path-Stat header of HEAD/GET /containers/{id}/archive, base64 JSON. The
 * swagger gives it no schema; moby's container.PathStat (mode is Go's os.FileMode bits).
 */
export interface ContainerPathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

// ---- exec ----

export type ExecCreateRequest = RequestJson<'ContainerExec'>;
export type ExecStartRequest = RequestJson<'ExecStart'>;
/** GET /exec/{id}/json. */
export type ExecInspect = ResponseJson<'ExecInspect'>;
export type ProcessConfig = Schemas['ProcessConfig'];
export type IdResponse = Schemas['IDResponse'];

// ---- images ----

/** GET /images/json: one image. */
export type ImageSummary = Schemas['ImageSummary'];
/** GET /images/{name}/json. */
export type ImageInspect = Schemas['ImageInspect'];
/** GET /images/{name}/history: one entry. */
export type ImageHistoryItem = ResponseJson<'ImageHistory'>[number];
/** DELETE /images/{name}: one untagged or deleted entry. */
export type ImageDeleteResponseItem = Schemas['ImageDeleteResponseItem'];
export type ImagePruneResponse = ResponseJson<'ImagePrune'>;
/** GET /images/search: one result. */
export type ImageSearchResult = ResponseJson<'ImageSearch'>[number];
/** GET /distribution/{name}/json. */
export type DistributionInspect = Schemas['DistributionInspect'];
export type ImageCommitResponse = Schemas['IDResponse'];
export type BuildPruneResponse = ResponseJson<'BuildPrune'>;
export type AuthConfig = Schemas['AuthConfig'];
/** POST /auth. */
export type AuthResponse = ResponseJson<'SystemAuth'>;

/**
 * One line of a JSON progress stream (pull, push, build, load, import): moby's
 * jsonstream.Message, the union of the swagger's CreateImageInfo, PushImageInfo and BuildInfo.
 * `aux` is raw JSON in Go: build sends `{"ID"}`, push `{"Tag","Digest","Size"}`.
 */
export interface ProgressMessage {
  id?: string;
  status?: string;
  stream?: string;
  progress?: string | null;
  progressDetail?: Schemas['ProgressDetail'];
  error?: string | null;
  errorDetail?: Schemas['ErrorDetail'];
  aux?: { [key: string]: unknown };
}

// ---- networks ----

/** GET /networks/{id} and one network of GET /networks. */
export type Network = Schemas['Network'];
export type NetworkContainer = Schemas['NetworkContainer'];
export type Ipam = Schemas['IPAM'];
export type IpamConfig = Schemas['IPAMConfig'];
export type NetworkCreateRequest = RequestJson<'NetworkCreate'>;
export type NetworkCreateResponse = Schemas['NetworkCreateResponse'];
export type NetworkConnectRequest = RequestJson<'NetworkConnect'>;
export type NetworkDisconnectRequest = RequestJson<'NetworkDisconnect'>;
export type NetworkPruneResponse = ResponseJson<'NetworkPrune'>;

// ---- volumes ----

export type Volume = Schemas['Volume'];
export type VolumeListResponse = Schemas['VolumeListResponse'];
export type VolumeCreateRequest = Schemas['VolumeCreateOptions'];
export type VolumePruneResponse = ResponseJson<'VolumePrune'>;

// ---- system ----

/** GET /info. */
export type SystemInfo = Schemas['SystemInfo'];
/** GET /version. */
export type SystemVersion = Schemas['SystemVersion'];
/** GET /system/df. */
export type SystemDataUsage = ResponseJson<'SystemDataUsage'>;
export type BuildCache = Schemas['BuildCache'];
/** One JSON line of GET /events. */
export type EventMessage = Schemas['EventMessage'];
export type EventActor = Schemas['EventActor'];
/** The `{"message"}` body of every error answer. */
export type ErrorResponse = Schemas['ErrorResponse'];
