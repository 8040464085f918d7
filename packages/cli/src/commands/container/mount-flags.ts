/**
 * run/create's -v/--volume, --mount, --tmpfs, --volumes-from and --volume-driver, turned into
 * Config.Volumes and HostConfig.Binds/Mounts/Tmpfs/VolumesFrom/VolumeDriver exactly as the
 * docker CLI sends them. Called from the run/create request builder.
 */
import { parseMountFlag, parseTmpfsFlag, splitVolumeFlags, type MountSpec } from '@berth/shared/mounts';
import type { Args } from '../../cli/flags.js';
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

export type MountArgs = Pick<Args<'container create'>, 'mount' | 'volume' | 'tmpfs' | 'volumes-from' | 'volume-driver'>;

/** Parse the mount flags of `argv` (command path for flag-error messages, cwd for `./relative` sources). */
export function mountFlags(argv: MountArgs, path = 'run', cwd = process.cwd()): MountFields {
  const out: MountFields = {};
  const mounts: MountSpec[] = [];
  for (const value of argv.mount) {
    try {
      mounts.push(parseMountFlag(value, cwd));
    } catch (e) {
      throw new StatusError(125, `invalid argument "${value}" for "--mount" flag: ${(e as Error).message}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`);
    }
  }
  const { binds, volumes } = splitVolumeFlags(argv.volume, cwd); // -v errors: "berth: invalid spec: …" (exit 125)
  if (Object.keys(volumes).length) out.Volumes = volumes;
  if (binds.length) out.Binds = binds;
  if (mounts.length) out.Mounts = mounts;
  const tmpfs = argv.tmpfs;
  if (tmpfs.length) out.Tmpfs = Object.fromEntries(tmpfs.map(parseTmpfsFlag));
  const from = argv['volumes-from'];
  if (from.length) out.VolumesFrom = from;
  if (argv['volume-driver']) out.VolumeDriver = argv['volume-driver'];
  return out;
}
