/**
 * Every behaviour of the Engine API that depends on the API version a request asks for
 * (`/v1.41/…`; the server's own version without a prefix), in one table, as moby's routers
 * branch on `versions.LessThan(version, "1.xx")`. An entry names the version where the
 * behaviour starts and what changes there; the code that applies it asks `atLeast(version, name)`
 * or `below(version, name)` with the entry's name, so each entry has exactly the users that
 * grep finds (versions.test.ts checks that every entry has one).
 *
 * Only boundaries inside Berth's range (MIN_API_VERSION..API_VERSION) are listed: what moby
 * changes at 1.52 and later (no legacy NetworkSettings fields in container inspect, no
 * `Config.MacAddress` in its output, events as `application/x-ndjson` …) is not reachable, so
 * Berth answers every version as 1.51 and older do there.
 */
import { compareVersions } from '@berth/shared';

export interface VersionGate {
  /** The first API version with the new behaviour. */
  since: string;
  /** Where (method, path, field) and what changes at `since`. */
  change: string;
}

export const API_VERSION_GATES = {
  // ── routes that appeared after the oldest version Berth serves (moby's WithMinimumAPIVersion) ──
  pruneEndpoints: { since: '1.25', change: 'POST /containers/prune, /images/prune, /networks/prune and /volumes/prune exist; before, 400 `POST <path> requires minimum API version 1.25`' },
  distributionEndpoint: { since: '1.30', change: 'GET /distribution/{name}/json exists; before, 400 `GET /distribution/{name:.*}/json requires minimum API version 1.30`' },
  buildPruneEndpoint: { since: '1.31', change: 'POST /build/prune exists; before, 400 `POST /build/prune requires minimum API version 1.31`' },
  volumeUpdateEndpoint: { since: '1.42', change: 'PUT /volumes/{name} (cluster volumes) exists, and answers 503 on a node without swarm; before, 400 `PUT /volumes/{name:.*} requires minimum API version 1.42`' },

  // ── containers ─────────────────────────────────────────────────────────────
  waitCondition: { since: '1.30', change: 'POST /containers/{id}/wait reads `condition` (not-running, next-exit, removed) and sends its headers at once; before, it waits for not-running, ignores the parameter and sends the headers with the result' },
  updatePidsLimit: { since: '1.40', change: 'POST /containers/{id}/update applies PidsLimit; before, the field is ignored' },
  createBindNonRecursive: { since: '1.40', change: 'POST /containers/create honours Mounts[].BindOptions.NonRecursive; before, it is reset to false' },
  statsOneShot: { since: '1.41', change: 'GET /containers/{id}/stats reads `one-shot`; before, the parameter is ignored' },
  multiplexedContentType: { since: '1.42', change: 'GET /containers/{id}/logs, POST /containers/{id}/attach and POST /exec/{id}/start of a container without a TTY: Content-Type application/vnd.docker.multiplexed-stream; before, application/vnd.docker.raw-stream (the stream is framed all the same)' },
  stopSignal: { since: '1.42', change: 'POST /containers/{id}/stop and /restart read `signal`; before, the parameter is ignored (the container\'s StopSignal is sent)' },
  createMountOptionsChecked: { since: '1.42', change: 'POST /containers/create refuses VolumeOptions, BindOptions and TmpfsOptions on a mount of another type (400 `<X>Options must not be specified on mount type "<t>"`); before, such options are dropped and BindOptions.CreateMountpoint is reset' },
  consoleSize: { since: '1.42', change: 'POST /containers/create and POST /containers/{id}/exec and /exec/{id}/start apply ConsoleSize; before, it is ignored' },
  createAnnotations: { since: '1.43', change: 'POST /containers/create keeps HostConfig.Annotations; before, they are dropped' },
  createStartInterval: { since: '1.44', change: 'POST /containers/create keeps Healthcheck.StartInterval; before, it is reset to 0' },
  createMultipleEndpoints: { since: '1.44', change: 'POST /containers/create accepts several NetworkingConfig.EndpointsConfig entries; before, 400 `Container cannot be created with multiple network endpoints: …`' },
  createMacAddressPerEndpoint: { since: '1.44', change: 'POST /containers/create uses EndpointsConfig[].MacAddress; a container-wide Config.MacAddress is migrated to the main network\'s endpoint with a deprecation warning (400 when it differs from that endpoint\'s); before, Config.MacAddress is migrated silently and endpoint MacAddresses are ignored (containers/create-compat.ts)' },
  createReadOnlyForceRecursive: { since: '1.44', change: 'POST /containers/create accepts BindOptions.ReadOnlyForceRecursive; before, 400 `BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer`' },
  inspectNoShortIdAlias: { since: '1.45', change: 'GET /containers/{id}/json: the Aliases of a user-defined network no longer gain the short container ID and the hostname' },
  createVolumeSubpath: { since: '1.45', change: 'POST /containers/create accepts VolumeOptions.Subpath; before, 400 `VolumeOptions.Subpath needs API v1.45 or newer`' },
  listAnnotations: { since: '1.46', change: 'GET /containers/json shows HostConfig.Annotations; before, they are left out' },
  createGwPriority: { since: '1.48', change: 'POST /containers/create keeps EndpointsConfig[].GwPriority; before, it is reset to 0' },
  createVolumeDriverWarning: { since: '1.48', change: 'POST /containers/create warns when HostConfig.VolumeDriver is set and a volume mount names no driver (the container-wide driver is ignored for mounts); before, no warning (the CLI printed its own)' },
  createImageMount: { since: '1.48', change: 'POST /containers/create accepts mounts of type image; before, 400 `Mount type "Image" needs API v1.48 or newer`' },

  // ── images ─────────────────────────────────────────────────────────────────
  imageListFiltersOnly: { since: '1.25', change: 'GET /images/json ignores the singular `filter` parameter; before, it is a `reference` filter' },
  imageListSharedSize: { since: '1.42', change: 'GET /images/json reads `shared-size` (SharedSize: the size of the image\'s layers other images use too); before, the parameter is ignored and SharedSize is -1' },
  imageListNoNone: { since: '1.43', change: 'GET /images/json: an image without tags or digests has RepoTags [] and RepoDigests []; before, ["<none>:<none>"] and ["<none>@<none>"]' },
  imageNoVirtualSize: { since: '1.44', change: 'GET /images/json, GET /images/{name}/json and GET /system/df images: no VirtualSize; before, VirtualSize equals Size' },
  imageCreatedOmitted: { since: '1.44', change: 'GET /images/{name}/json leaves out an unknown Created; before, it is "0001-01-01T00:00:00Z"' },
  imageConfigFewerFields: { since: '1.50', change: 'GET /images/{name}/json: Config shows unset Cmd, Entrypoint, Env, Labels, OnBuild, User, Volumes, WorkingDir (null or ""); before, also AttachStdin/Stdout/Stderr, Domainname, Hostname, Image, OpenStdin, StdinOnce, Tty' },
  imageNoContainerConfig: { since: '1.45', change: 'GET /images/{name}/json: no Container and ContainerConfig; before, both are present (the build container, or "" and null)' },

  imagePullPlatform: { since: '1.32', change: 'POST /images/create reads `platform`; before, the parameter is ignored (the daemon\'s platform)' },
  buildAux: { since: '1.30', change: 'POST /build sends the built image\'s ID as an `aux` line; before, no aux lines' },

  imageListContainers: { since: '1.51', change: 'GET /images/json: Containers counts the containers using each image; before, -1 (not computed)' },

  // ── system, events ─────────────────────────────────────────────────────────
  dfTypes: { since: '1.42', change: 'GET /system/df reads `type`; before, every kind is reported' },
  eventsImageCreate: { since: '1.46', change: 'GET /events includes `image create` events; before, they are skipped' },
  infoNoNondistributable: { since: '1.47', change: 'GET /info: RegistryConfig has no AllowNondistributableArtifactsCIDRs/Hostnames; before, both are present as null' },
  infoFirewallBackend: { since: '1.49', change: 'GET /info has FirewallBackend, and ContainerdCommit/RuncCommit/InitCommit lose `Expected`; before, no FirewallBackend and each commit has Expected equal to ID' },
  infoNoBridgeNf: { since: '1.50', change: 'GET /info has no BridgeNfIptables/BridgeNfIp6tables; before, both are present as false' },

  // ── volumes, networks ──────────────────────────────────────────────────────
  volumeCreateClusterSpec: { since: '1.42', change: 'POST /volumes/create with a ClusterVolumeSpec asks the swarm (503 not a swarm manager on a node without one); before, the spec is ignored and a local volume is made' },
  volumePruneAnonymousOnly: { since: '1.42', change: 'POST /volumes/prune removes only anonymous volumes unless the filter all=true; before, every unused volume, named ones too (as if all=true)' },
  networkCreateEnableIPv4: { since: '1.48', change: 'POST /networks/create reads EnableIPv4; before, the field is ignored' },

  // ── swarm and plugins (features Berth has off) ─────────────────────────────
  secretsEndpoints: { since: '1.25', change: '/secrets routes exist; before, 400 `<METHOD> <path> requires minimum API version 1.25`' },
  pluginUpgrade: { since: '1.26', change: 'POST /plugins/{name}/upgrade exists; before, 400 `POST /plugins/{name:.*}/upgrade requires minimum API version 1.26`' },
  configsEndpoints: { since: '1.30', change: '/configs routes exist; before, 400 `<METHOD> <path> requires minimum API version 1.30`' },
  swarmTemplating: { since: '1.37', change: 'POST /secrets/create and /configs/create accept Templating; before, 400 `secret templating is not supported on the specified API version: <v>`' },
  servicesStatus: { since: '1.41', change: 'GET /services reads `status` (a bool, 400 when it does not parse); before, the parameter is ignored' },
} as const satisfies Record<string, VersionGate>;

export type GateName = keyof typeof API_VERSION_GATES;

/** Whether a request at API `version` has the behaviour that starts at the gate's version. */
export function atLeast(version: string, gate: GateName): boolean {
  return compareVersions(version, API_VERSION_GATES[gate].since) >= 0;
}

/** Whether a request at API `version` still has the behaviour from before the gate. */
export function below(version: string, gate: GateName): boolean {
  return !atLeast(version, gate);
}
