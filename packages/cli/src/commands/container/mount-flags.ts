/**
 * run/create's -v/--volume, --mount, --tmpfs, --volumes-from and --volume-driver, turned into
 * Config.Volumes and HostConfig.Binds/Mounts/Tmpfs/VolumesFrom/VolumeDriver exactly as the
 * docker CLI sends them. Called from the run/create request builder.
 */
import { parseMountFlag, parseTmpfsFlag, splitVolumeFlags, type MountSpec } from '@berth/shared/mounts';
import type { Argv } from '../../cli/args.js';
import { StatusError } from '../../cli/errors.js';
import { usageLine } from '../../cli/spec.js';

export interface MountFields {
  Volumes?: Record<string, object>;
  Binds?: string[];
  Mounts?: MountSpec[];
  Tmpfs?: Record<string, string>;
  VolumesFrom?: string[];
  VolumeDriver?: string;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);

/** Parse the mount flags of `argv` (command path for flag-error messages, cwd for `./relative` sources). */
export function mountFlags(argv: Argv, path = 'run', cwd = process.cwd()): MountFields {
  const out: MountFields = {};
  const mounts: MountSpec[] = [];
  for (const value of list(argv.mount)) {
    try {
      mounts.push(parseMountFlag(value, cwd));
    } catch (e) {
      throw new StatusError(125, `invalid argument "${value}" for "--mount" flag: ${(e as Error).message}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`);
    }
  }
  const { binds, volumes } = splitVolumeFlags(list(argv.volume), cwd); // -v errors: "berth: invalid spec: …" (exit 125)
  if (Object.keys(volumes).length) out.Volumes = volumes;
  if (binds.length) out.Binds = binds;
  if (mounts.length) out.Mounts = mounts;
  const tmpfs = list(argv.tmpfs);
  if (tmpfs.length) out.Tmpfs = Object.fromEntries(tmpfs.map(parseTmpfsFlag));
  const from = list(argv['volumes-from']);
  if (from.length) out.VolumesFrom = from;
  if (argv['volume-driver']) out.VolumeDriver = String(argv['volume-driver']);
  return out;
}

/** Merge the fields into a create body: Volumes into Config, the rest into HostConfig. */
export function applyMountFlags(argv: Argv, config: Record<string, any>, hostConfig: Record<string, any>, path = 'run'): void {
  const { Volumes, ...host } = mountFlags(argv, path);
  if (Volumes) config.Volumes = { ...(config.Volumes ?? {}), ...Volumes };
  Object.assign(hostConfig, host);
}
