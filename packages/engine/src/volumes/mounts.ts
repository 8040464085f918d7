/**
 * The container side of volumes: turns a create request's HostConfig (Binds, Mounts,
 * VolumesFrom, Tmpfs) and Config.Volumes (image VOLUMEs, `-v /path`) into the container's mount
 * points, as moby's registerMountPoints does; then renders them as OCI runtime-spec mounts for
 * berth-monitor (which performs them inside the container's mount namespace) and as
 * inspect's `Mounts`.
 *
 * ContainerService calls: prepare (create) → persist the MountPoint[] in its record →
 * restore (daemon start) → activate/deactivate (start/stop) → ociMounts (config.json) →
 * inspect (GET /containers/{id}/json) → release (rm, `v` removes anonymous volumes).
 */
import fs from 'node:fs';
import { Conflict, InvalidArgument, NotFound, errorMessage } from '@berth/shared';
import {
  parseBind, parseMountSpec, parseVolumesFrom, validateTmpfsDestination, cleanPath, type MountSpec, type ParsedMount,
} from '@berth/shared/mounts';
import type { VolumeService } from './service.js';
import { copyImageDir, isEmptyDir } from './copy-up.js';
import { log } from '../log.js';

/** A container's mount point, persisted with the container (Docker's config.v2.json `MountPoints`). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name: string;
  /** Host path: the bind source or the volume's _data. */
  Source: string;
  Destination: string;
  Driver: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** The spec named no volume (image VOLUME, `-v /path`, `--mount` without source): `rm -v` removes it. */
  Anonymous?: boolean;
  CopyData?: boolean;
  NonRecursive?: boolean;
  /** tmpfs mount data. */
  Data?: string;
}

/** Inspect's `Mounts` entry. */
export interface DockerMount {
  Type: MountPoint['Type'];
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface OciMount { destination: string; type: string; source: string; options: string[] }

export interface MountHostConfig {
  Binds?: string[] | null;
  Mounts?: MountSpec[] | unknown[] | null;
  VolumesFrom?: string[] | null;
  VolumeDriver?: string;
  Tmpfs?: Record<string, string> | null;
}

export interface PrepareInput {
  id: string;
  hostConfig: MountHostConfig;
  /** Config.Volumes merged with the image's VOLUMEs. */
  volumes?: Record<string, unknown> | null;
  /** What the container sees below its own layer (image and init layer), read-only, for the time of `fn`: the source of copy-up. */
  baseView?: <T>(fn: (root: string) => Promise<T>) => Promise<T>;
}

/** Finds a container for --volumes-from (by ID, prefix or name). */
export type ContainerMountsLookup = (ref: string) => { Id: string; MountPoints: MountPoint[] } | undefined;

export class MountResolver {
  constructor(
    private readonly volumes: VolumeService,
    private readonly lookup: ContainerMountsLookup,
  ) {}

  async prepare(input: PrepareInput): Promise<MountPoint[]> {
    const { id, hostConfig: hc } = input;
    const points = new Map<string, MountPoint>();
    const explicit = new Set<string>();
    const taken: string[] = [];
    const created: string[] = [];
    const useVolume = (p: ParsedMount, anonymous: boolean): MountPoint => {
      const existed = !!p.Name && this.volumes.exists(p.Name);
      const v = this.volumes.create({ Name: p.Name, Driver: p.Driver, DriverOpts: p.DriverOpts, Labels: p.Labels }, { anonymous, ref: id });
      taken.push(v.Name);
      if (!existed) created.push(v.Name);
      return {
        Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: p.Destination, Driver: v.Driver, Mode: p.Mode,
        RW: p.RW, Propagation: '', Anonymous: anonymous, CopyData: p.CopyData,
      };
    };
    try {
      for (const spec of hc.VolumesFrom ?? []) {
        const { id: ref, mode } = parseVolumesFrom(spec);
        const src = this.lookup(ref);
        if (!src) throw new NotFound(`No such container: ${ref}`);
        for (const m of src.MountPoints) {
          const cp: MountPoint = { ...m, RW: m.RW && !mode.split(',').includes('ro'), CopyData: false };
          if (m.Type === 'volume') {
            if (!this.volumes.exists(m.Name)) continue;
            this.volumes.ref(m.Name, id);
            taken.push(m.Name);
          }
          points.set(m.Destination, cp);
        }
      }
      for (const raw of hc.Binds ?? []) {
        const p = parseBind(raw, hc.VolumeDriver);
        if (explicit.has(p.Destination)) throw new InvalidArgument(`Duplicate mount point: ${p.Destination}`);
        explicit.add(p.Destination);
        if (p.Type === 'bind') {
          if (!fs.existsSync(p.Source)) fs.mkdirSync(p.Source, { recursive: true, mode: 0o755 });
          points.set(p.Destination, { ...p, Type: 'bind', Name: '', Driver: '' });
        } else {
          points.set(p.Destination, useVolume(p, !p.Name));
        }
      }
      for (const spec of (hc.Mounts ?? []) as MountSpec[]) {
        const p = parseMountSpec(spec, (s) => fs.existsSync(s));
        if (explicit.has(p.Destination)) throw new InvalidArgument(`Duplicate mount point: ${p.Destination}`);
        explicit.add(p.Destination);
        if (p.Type === 'volume') points.set(p.Destination, useVolume(p, !p.Name));
        else if (p.Type === 'bind') {
          if (!fs.existsSync(p.Source)) fs.mkdirSync(p.Source, { recursive: true, mode: 0o755 });
          points.set(p.Destination, { ...p, Type: 'bind', NonRecursive: !!spec.BindOptions?.NonRecursive });
        } else points.set(p.Destination, { ...p, Type: 'tmpfs' });
      }
      for (const dest of Object.keys(input.volumes ?? {})) {
        const d = cleanPath(dest);
        if (points.has(d)) continue;
        const p = parseBind(dest, hc.VolumeDriver);
        points.set(d, useVolume({ ...p, Destination: d }, true));
      }
      for (const dest of Object.keys(hc.Tmpfs ?? {})) validateTmpfsDestination(dest);
      await this.copyUp([...points.values()], input.baseView);
    } catch (e) {
      for (const name of taken) this.volumes.unref(name, id);
      for (const name of created) { try { this.volumes.remove(name); } catch { /* in use elsewhere */ } }
      throw e;
    }
    return [...points.values()];
  }

  /** Copy the image's content into every empty volume that asks for it. */
  private async copyUp(points: MountPoint[], baseView: PrepareInput['baseView']): Promise<void> {
    const todo = points.filter((m) => m.Type === 'volume' && m.CopyData && isEmptyDir(m.Source));
    if (!todo.length || !baseView) return;
    await baseView(async (root) => {
      for (const m of todo) await copyImageDir(root, m.Destination, m.Source);
    });
  }

  /** After a daemon restart: the container holds its volumes again. */
  restore(id: string, points: MountPoint[]): void {
    for (const m of points) if (m.Type === 'volume' && this.volumes.exists(m.Name)) this.volumes.ref(m.Name, id);
  }

  /** Container removed: let go of its volumes; with `v`, remove its anonymous ones nobody else uses. */
  release(id: string, points: MountPoint[], removeAnonymous: boolean): void {
    for (const m of points) {
      if (m.Type !== 'volume') continue;
      this.volumes.unref(m.Name, id);
      if (!removeAnonymous || !m.Anonymous) continue;
      try {
        this.volumes.remove(m.Name);
      } catch (e) {
        if (!(e instanceof Conflict) && !(e instanceof NotFound)) log.warn('removing anonymous volume', { volume: m.Name, error: errorMessage(e) });
      }
    }
  }

  /** Before start: mount volumes backed by a device; bind sources must still exist. */
  async activate(id: string, points: MountPoint[]): Promise<void> {
    for (const m of points) {
      if (m.Type === 'volume') await this.volumes.activate(m.Name, id, { destination: m.Destination, rw: m.RW, propagation: m.Propagation });
    }
  }

  async deactivate(id: string, points: MountPoint[]): Promise<void> {
    for (const m of points) if (m.Type === 'volume') await this.volumes.deactivate(m.Name, id).catch(() => undefined);
  }

  /**
   * OCI `mounts` entries for the mount points, parents before children. HostConfig.Tmpfs is
   * rendered with Docker's defaults by runtime/spec.ts; a mount point at one of its
   * destinations gives way to the tmpfs, as in Docker.
   */
  ociMounts(points: MountPoint[], tmpfs: Record<string, string> | null | undefined = {}): OciMount[] {
    const tmpfsDests = new Set(Object.keys(tmpfs ?? {}).map(cleanPath));
    const out: OciMount[] = [];
    for (const m of points) {
      if (tmpfsDests.has(m.Destination)) continue;
      if (m.Type === 'tmpfs') {
        out.push(tmpfsMount(m.Destination, m.Data ?? ''));
        continue;
      }
      const options = [m.NonRecursive ? 'bind' : 'rbind', m.Propagation || 'rprivate'];
      if (!m.RW) options.push('ro');
      out.push({ destination: m.Destination, type: 'bind', source: m.Source, options });
    }
    const depth = (p: string) => p.split('/').filter(Boolean).length;
    return out.sort((a, b) => depth(a.destination) - depth(b.destination));
  }

  /** Inspect's `Mounts`. */
  inspect(points: MountPoint[]): DockerMount[] {
    return points.map((m) => m.Type === 'volume'
      ? { Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, Driver: m.Driver, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation }
      : { Type: m.Type, Source: m.Type === 'tmpfs' ? '' : m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation });
  }
}

/** Docker's tmpfs mount: noexec,nosuid,nodev unless the user's options say otherwise (MergeTmpfsOptions). */
export function tmpfsMount(destination: string, data: string): OciMount {
  const opts = ['noexec', 'nosuid', 'nodev', 'rprivate', ...data.split(',').filter(Boolean)];
  const opposite: Record<string, string> = { exec: 'noexec', noexec: 'exec', suid: 'nosuid', nosuid: 'suid', dev: 'nodev', nodev: 'dev', rw: 'ro', ro: 'rw' };
  const merged: string[] = [];
  for (const o of opts) {
    const key = o.includes('=') ? o.slice(0, o.indexOf('=') + 1) : undefined;
    for (let i = merged.length - 1; i >= 0; i--) {
      const x = merged[i]!;
      if (x === o || (key && x.startsWith(key)) || opposite[o] === x) merged.splice(i, 1);
    }
    merged.push(o);
  }
  return { destination, type: 'tmpfs', source: 'tmpfs', options: merged };
}
