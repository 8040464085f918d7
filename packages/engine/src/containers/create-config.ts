/**
 * Turns a POST /containers/create body and the image into the container's Config and
 * HostConfig: the image's Cmd/Entrypoint/Env/WorkingDir/User/ExposedPorts/Volumes/Labels/
 * StopSignal merged as Docker merges them, and Docker's HostConfig defaults filled in.
 */
import { InvalidArgument } from '@berth/shared';
import type { ImageRecord } from '../images/types.js';
import type { ContainerConfig, HostConfig } from './types.js';
import { mergeHealthcheck, type Healthcheck } from './health.js';
import { validateRestartPolicy, verifyCreateResources, verifyHostSettings, verifyResources } from './verify.js';
import type { SysInfo } from '../system/sysinfo.js';

function healthcheckOf(body: CreateBody, ic: { Healthcheck?: unknown }): Pick<ContainerConfig, 'Healthcheck'> {
  const h = mergeHealthcheck(body.Healthcheck as Healthcheck | undefined, ic.Healthcheck as Healthcheck | undefined);
  // mergeHealthcheck keeps only the fields that are set: no null Test.
  return h ? { Healthcheck: h as ContainerConfig['Healthcheck'] } : {};
}

export interface CreateBody extends Partial<ContainerConfig> {
  HostConfig?: Partial<HostConfig>;
  NetworkingConfig?: unknown;
  [k: string]: unknown;
}

const envKey = (kv: string) => (kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv);

/**
 * moby's merge at create: the container's entries as given (a bare `FOO` stays: it unsets FOO
 * in the process, see runtime/spec.ts processEnv), then the image's whose key it does not name.
 */
export function mergeEnv(image: string[] = [], given: string[] = []): string[] {
  const keys = new Set(given.map(envKey));
  return [...given, ...image.filter((e) => !keys.has(envKey(e)))];
}

export function mergeConfig(body: CreateBody, image: ImageRecord, id: string): ContainerConfig {
  const ic = image.config.config ?? {};
  const entrypointGiven = Array.isArray(body.Entrypoint) && body.Entrypoint !== null;
  // An explicit empty entrypoint (--entrypoint "") resets it; a given one also drops the image's Cmd.
  let entrypoint: string[] | null = entrypointGiven ? body.Entrypoint! : (ic.Entrypoint ?? null);
  if (entrypointGiven && body.Entrypoint!.length === 1 && body.Entrypoint![0] === '') entrypoint = null;
  let cmd: string[] | null = body.Cmd && body.Cmd.length ? body.Cmd : null;
  if (!cmd && !entrypointGiven) cmd = ic.Cmd ?? null;
  if (!entrypoint?.length && !cmd?.length) throw new InvalidArgument('No command specified'); // dockerd 20.10's words
  const labels = { ...(ic.Labels ?? {}), ...(body.Labels ?? {}) };
  return {
    Hostname: body.Hostname || id.slice(0, 12),
    Domainname: body.Domainname ?? '',
    User: body.User || ic.User || '',
    AttachStdin: !!body.AttachStdin,
    AttachStdout: !!body.AttachStdout,
    AttachStderr: !!body.AttachStderr,
    ...(body.ExposedPorts || ic.ExposedPorts ? { ExposedPorts: { ...(ic.ExposedPorts ?? {}), ...(body.ExposedPorts ?? {}) } } : {}),
    Tty: !!body.Tty,
    OpenStdin: !!body.OpenStdin,
    StdinOnce: !!body.StdinOnce,
    Env: mergeEnv(ic.Env ?? [], body.Env ?? []),
    Cmd: cmd,
    Image: body.Image!,
    Volumes: body.Volumes || ic.Volumes ? { ...(ic.Volumes ?? {}), ...(body.Volumes ?? {}) } : null,
    WorkingDir: body.WorkingDir || ic.WorkingDir || '',
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: labels,
    ...(body.StopSignal || ic.StopSignal ? { StopSignal: body.StopSignal || ic.StopSignal } : {}),
    ...(typeof body.StopTimeout === 'number' ? { StopTimeout: body.StopTimeout } : {}),
    ...healthcheckOf(body, ic), // health.ts: the container's healthcheck over the image's
  };
}

export function defaultHostConfig(given: Partial<HostConfig> = {}): HostConfig {
  const hc: HostConfig = {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'bridge',
    PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
    VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: null, CgroupnsMode: 'private', Dns: [], DnsOptions: [],
    DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0,
    PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '',
    UsernsMode: '', ShmSize: 67108864, Runtime: 'runc', Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0,
    CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null,
    MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: [],
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0, MaskedPaths: [], ReadonlyPaths: [],
  };
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    if (v === null && Array.isArray((hc as Record<string, unknown>)[k])) continue;
    (hc as Record<string, unknown>)[k] = v;
  }
  if (!hc.NetworkMode || hc.NetworkMode === 'default') hc.NetworkMode = 'bridge';
  if (!hc.IpcMode) hc.IpcMode = 'private';
  if (!hc.ShmSize) hc.ShmSize = 67108864;
  if (!hc.LogConfig?.Type) hc.LogConfig = { Type: 'json-file', Config: {} };
  if (!hc.RestartPolicy?.Name) hc.RestartPolicy = { Name: 'no', MaximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 };
  if (!hc.ConsoleSize) hc.ConsoleSize = [0, 0];
  if (!hc.Ulimits) hc.Ulimits = [];
  return hc;
}

/**
 * The checks dockerd makes on a HostConfig before it creates anything (400s), then its
 * adjustments: returns the warnings for settings the host cannot enforce (dropped from `hc`).
 */
export function validateHostConfig(hc: HostConfig, si: SysInfo): string[] {
  verifyCreateResources(hc, si);
  if (hc.AutoRemove && hc.RestartPolicy.Name !== 'no' && hc.RestartPolicy.Name !== '') {
    throw new InvalidArgument(`can't create 'AutoRemove' container with restart policy`);
  }
  validateRestartPolicy(hc.RestartPolicy);
  const warnings = verifyResources(hc, si, false);
  verifyHostSettings(hc);
  if (hc.Memory > 0 && hc.MemorySwap === 0) hc.MemorySwap = hc.Memory * 2;
  return warnings;
}
