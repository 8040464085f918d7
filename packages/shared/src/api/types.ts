/**
 * The Engine API's wire shapes by name: what berthd answers and what the client reads. They come
 * from the swagger (engine-api.generated.ts, `pnpm -C packages/shared gen:api`); where dockerd's
 * real answer differs from the swagger (moby's Go types in api/types are the truth: Go's nil
 * slices and maps marshal as null, fields the swagger omits), the type here is the swagger's
 * with that difference laid over it, and a comment says why.
 */
import type { components, operations } from './engine-api.generated.js';
import type { RequestBody } from './request-bodies.js';

export type { components, operations, paths } from './engine-api.generated.js';

type Schemas = components['schemas'];

/** The JSON body an operation answers with (200 unless told). */
export type ResponseJson<Op extends keyof operations, Code extends number = 200> =
  operations[Op]['responses'] extends { [K in Code]: { content: { 'application/json': infer T } } } ? T : never;

/** The JSON request body of an operation. */
export type RequestJson<Op extends keyof operations> =
  operations[Op] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

/** The JSON request bodies berthd decodes (request-bodies.ts), by the swagger's operationId. */
export type RequestBodies = Override<{ [N in RequestBody]: RequestJson<N> }, { SystemAuth: AuthConfig; ContainerExec: ExecCreateRequest }>;

/** `T` with the fields of `U` laid over it (Docker's real answer where the swagger says otherwise). */
export type Override<T, U> = Omit<T, keyof U> & U;

/** `T` whose fields `K` may also be null: Go's nil slices, maps and pointers without `omitempty`. */
export type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in keyof Pick<T, K>]: T[P] | null };

// ---- containers ----

/** moby's container.Config: Env, Cmd, Volumes, Entrypoint and Labels have no omitempty (null when unset). */
export type ContainerConfig = Nullable<Schemas['ContainerConfig'], 'Env' | 'Cmd' | 'Volumes' | 'Entrypoint' | 'Labels'>;
/**
 * moby's container.HostConfig and Resources: their slices, maps and pointers without omitempty are
 * null when unset (`"Binds": null`, `"CapAdd": null`, `"PidsLimit": null` …), which the swagger
 * mostly does not say.
 */
export type HostConfig = Omit<Nullable<Schemas['HostConfig'],
  | 'Binds' | 'PortBindings' | 'VolumesFrom' | 'CapAdd' | 'CapDrop' | 'Dns' | 'DnsOptions' | 'DnsSearch' | 'ExtraHosts'
  | 'GroupAdd' | 'Links' | 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths' | 'ConsoleSize'
  | 'BlkioWeightDevice' | 'BlkioDeviceReadBps' | 'BlkioDeviceWriteBps' | 'BlkioDeviceReadIOps' | 'BlkioDeviceWriteIOps'
  | 'Devices' | 'DeviceCgroupRules' | 'DeviceRequests' | 'MemorySwappiness' | 'OomKillDisable' | 'PidsLimit' | 'Ulimits'>, 'LogConfig' | 'CgroupnsMode'> & {
  /** Any log driver's name (plugins too), not only the swagger's list; Config is null when unset. */
  LogConfig?: { Type?: string; Config?: { [key: string]: string } | null };
  /** A Go string: "" when not set (the docker CLI sends it so), which the swagger's enum leaves out. */
  CgroupnsMode?: 'private' | 'host' | '';
};
export type ContainerState = Schemas['ContainerState'];
export type Health = Schemas['Health'];
export type HealthcheckResult = Schemas['HealthcheckResult'];
export type MountPoint = Schemas['MountPoint'];
export type Port = Schemas['Port'];
export type PortBinding = Schemas['PortBinding'];
export type PortMap = Schemas['PortMap'];
/** moby's network.EndpointSettings: Links, Aliases, DriverOpts and DNSNames are null when unset. */
export type EndpointSettings = Nullable<Schemas['EndpointSettings'], 'Links' | 'Aliases' | 'DriverOpts' | 'DNSNames'>;
export type NetworkSettings = Override<Schemas['NetworkSettings'], { Networks?: { [name: string]: EndpointSettings } }>;
/** moby's storage.DriverData: Data is a Go map without omitempty (null for an image with no layers). */
export type DriverData = Nullable<Schemas['DriverData'], 'Data'>;

/** GET /containers/{id}/json. */
export type ContainerInspect = Override<Schemas['ContainerInspectResponse'], {
  Config?: ContainerConfig; HostConfig?: HostConfig; NetworkSettings?: NetworkSettings;
}>;
/** GET /containers/json: one container. */
export type ContainerSummary = Override<Schemas['ContainerSummary'], {
  NetworkSettings?: { Networks?: { [name: string]: EndpointSettings } };
}>;
/**
 * POST /containers/create as the docker CLI sends it: the Config, HostConfig and endpoint settings
 * with Go's nulls (see ContainerConfig, HostConfig and EndpointSettings here).
 */
export type ContainerCreateRequest = Override<RequestJson<'ContainerCreate'>, ContainerConfig & {
  HostConfig?: HostConfig; NetworkingConfig?: { EndpointsConfig?: { [name: string]: EndpointSettings } };
}>;
export type ContainerCreateResponse = Schemas['ContainerCreateResponse'];
export type ContainerUpdateRequest = Override<RequestJson<'ContainerUpdate'>, Pick<HostConfig, 'RestartPolicy'>>;
export type ContainerUpdateResponse = Schemas['ContainerUpdateResponse'];
/**
 * POST /containers/{id}/wait. Berth answers `"Error": null` when the wait did not fail, as dockerd
 * 20.10 did (moby's WaitResponse has since made it omitempty); clients take both.
 */
export type ContainerWaitResponse = Nullable<Schemas['ContainerWaitResponse'], 'Error'>;
export type ContainerTopResponse = Schemas['ContainerTopResponse'];
/**
 * One sample of GET /containers/{id}/stats. moby's container.BlkioStats lists are Go slices
 * without omitempty: null when the cgroup reports nothing (the swagger puts the null on the items).
 */
type BlkioStats = NonNullable<Schemas['ContainerBlkioStats']>;
export type ContainerStats = Override<Schemas['ContainerStatsResponse'], {
  blkio_stats?: { [K in keyof BlkioStats]?: BlkioStats[K] | null };
}>;
/** The prune reports' lists have no omitempty in moby (null when nothing was deleted). */
export type ContainerPruneResponse = Nullable<ResponseJson<'ContainerPrune'>, 'ContainersDeleted'>;
/** GET /containers/{id}/changes: one change. */
export type FilesystemChange = Schemas['FilesystemChange'];
/**
 * The X-Docker-Container-Path-Stat header of HEAD/GET /containers/{id}/archive, base64 JSON: the
 * swagger gives it no schema (moby's container.PathStat; mode is Go's os.FileMode bits).
 */
export type { PathStat as ContainerPathStat } from '../file-mode.js';

// ---- exec ----

/**
 * moby's container.ExecOptions as the docker CLI sends it: Env null when no -e is given (a Go nil
 * slice), and Detach, which the swagger lists only on exec start.
 */
export type ExecCreateRequest = Nullable<RequestJson<'ContainerExec'>, 'Env'> & { Detach?: boolean };
export type ExecStartRequest = RequestJson<'ExecStart'>;
/** GET /exec/{id}/json. ExitCode is a Go *int: null until the process exits. */
export type ExecInspect = Nullable<ResponseJson<'ExecInspect'>, 'ExitCode'>;
export type ProcessConfig = Schemas['ProcessConfig'];
export type IdResponse = Schemas['IDResponse'];

// ---- images ----

/**
 * GET /images/json: one image. Labels is a Go map without omitempty (null when unset); clients
 * asking for API < 1.44 also get VirtualSize, which the 1.51 swagger no longer lists.
 */
export type ImageSummary = Nullable<Schemas['ImageSummary'], 'Labels'> & { VirtualSize?: number };
/**
 * GET /images/{name}/json. Config is a Go pointer without omitempty (null for an image with no
 * config); API < 1.44 adds VirtualSize, API < 1.45 Container and ContainerConfig (moby's
 * version-gated fields, gone from the 1.51 swagger).
 */
export type ImageInspect = Override<Nullable<Schemas['ImageInspect'], 'Config'>, { Config?: ImageConfig | null; GraphDriver?: DriverData }> & {
  VirtualSize?: number; Container?: string; ContainerConfig?: ContainerConfig | null;
};
/**
 * An image's container config. Berth answers with the image config's own `config` as pulled or
 * built (as dockerd 20.10 did), where Cmd, Entrypoint, Env, Volumes, Labels and OnBuild may be
 * null; dockerd 28 re-encodes it with omitempty.
 */
export type ImageConfig = Nullable<Schemas['ImageConfig'], 'Cmd' | 'Entrypoint' | 'Env' | 'Volumes' | 'Labels' | 'OnBuild'>;
/** GET /images/{name}/history: one entry. */
export type ImageHistoryItem = Nullable<ResponseJson<'ImageHistory'>[number], 'Tags'>; // Tags: a Go slice, null when untagged
/** DELETE /images/{name}: one untagged or deleted entry. */
export type ImageDeleteResponseItem = Schemas['ImageDeleteResponseItem'];
export type ImagePruneResponse = Nullable<ResponseJson<'ImagePrune'>, 'ImagesDeleted'>;
/** GET /images/search: one result. */
export type ImageSearchResult = ResponseJson<'ImageSearch'>[number];
/** GET /distribution/{name}/json. */
export type DistributionInspect = Schemas['DistributionInspect'];
export type ImageCommitResponse = Schemas['IDResponse'];
export type BuildPruneResponse = Nullable<ResponseJson<'BuildPrune'>, 'CachesDeleted'>;
/**
 * moby's registry.AuthConfig: besides the swagger's fields, `auth` (base64 user:password, as config
 * files keep it), `identitytoken` (a refresh token from a previous login) and `registrytoken`.
 */
export type AuthConfig = Schemas['AuthConfig'] & { auth?: string; identitytoken?: string; registrytoken?: string };
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
export type Network = Override<Schemas['Network'], { IPAM?: Ipam }>;
export type NetworkContainer = Schemas['NetworkContainer'];
/** moby's network.IPAM: Options is a Go map without omitempty (null when unset). */
export type Ipam = Nullable<Schemas['IPAM'], 'Options'>;
export type IpamConfig = Schemas['IPAMConfig'];
export type NetworkCreateRequest = RequestJson<'NetworkCreate'>;
export type NetworkCreateResponse = Schemas['NetworkCreateResponse'];
export type NetworkConnectRequest = RequestJson<'NetworkConnect'>;
export type NetworkDisconnectRequest = RequestJson<'NetworkDisconnect'>;
export type NetworkPruneResponse = Nullable<ResponseJson<'NetworkPrune'>, 'NetworksDeleted'>;

// ---- volumes ----

/** moby's volume.Volume: Labels and Options are Go maps without omitempty (null when unset). */
export type Volume = Nullable<Schemas['Volume'], 'Labels' | 'Options'>;
/** Warnings: a Go slice without omitempty (null when none). */
export type VolumeListResponse = Override<Nullable<Schemas['VolumeListResponse'], 'Warnings'>, { Volumes?: Volume[] }>;
export type VolumeCreateRequest = Schemas['VolumeCreateOptions'];
export type VolumePruneResponse = Nullable<ResponseJson<'VolumePrune'>, 'VolumesDeleted'>;

// ---- system ----

/**
 * GET /info. GenericResources and Plugins.Authorization are Go slices without omitempty (null
 * when empty). RegistryConfig keeps the AllowNondistributableArtifacts* fields as null, which
 * dockerd still sends to clients of API < 1.47 and the 1.51 swagger no longer lists.
 */
export type SystemInfo = Override<Nullable<Schemas['SystemInfo'], 'GenericResources'>, {
  Plugins?: Nullable<Schemas['PluginsInfo'], 'Authorization'>;
  RegistryConfig?: Schemas['RegistryServiceConfig'] & {
    AllowNondistributableArtifactsCIDRs?: string[] | null; AllowNondistributableArtifactsHostnames?: string[] | null;
  } | null;
}>;
/**
 * GET /version. A component's Details is a Go map[string]string; the swagger's object without
 * properties comes out as an empty record.
 */
export type SystemVersion = Override<Schemas['SystemVersion'], {
  Components?: { Name: string; Version: string; Details?: { [key: string]: string } | null }[];
}>;
/** GET /system/df: the lists as this module names them; a Go slice each, null when not asked for. */
export type SystemDataUsage = Override<ResponseJson<'SystemDataUsage'>, {
  Images?: ImageSummary[] | null; Containers?: ContainerSummary[] | null; Volumes?: Volume[] | null; BuildCache?: BuildCache[] | null;
}>;
export type BuildCache = Schemas['BuildCache'];
/**
 * One JSON line of GET /events. dockerd 28 still fills the deprecated status, id and from for
 * container and image events (moby's events.Message), which the 1.51 swagger no longer lists.
 */
export type EventMessage = Schemas['EventMessage'] & { status?: string; id?: string; from?: string };
export type EventActor = Schemas['EventActor'];
/** The `{"message"}` body of every error answer. */
export type ErrorResponse = Schemas['ErrorResponse'];
