/**
 * VolumeService: the `local` driver's named and anonymous volumes, which containers reference
 * them (refs live in memory; ContainerService re-adds them when it restores containers), the
 * mounts of volumes created with `-o type/device/o`, and the figures `system df -v` shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Conflict, InvalidArgument, NotFound, SystemError, generateId, errorMessage } from '@berth/shared';
import { validateVolumeName } from '@berth/shared/mounts';
import type { Volume, VolumePruneResponse } from '@berth/shared/api/types';
import { VolumeStore, rfc3339Local, type VolumeMeta } from './store.js';
import { mount, unmount } from '../storage/mount.js';
import { noEvents, type EventSink } from '../events/types.js';

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
const DRIVERS = ['local'];
const LOCAL_OPTS = ['type', 'device', 'o', 'size'];

export interface VolumeInfo extends Volume {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  UsageData?: { Size: number; RefCount: number };
}

export interface CreateVolumeRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumeUsage { Name: string; Size: number; RefCount: number }

/** Op errors as moby words them: "remove x: volume is in use - [id]". */
function opError<E extends Error>(Cls: new (m: string) => E, op: string, name: string, msg: string, refs?: string[]): E {
  return new Cls(`${op}${name ? ` ${name}` : ''}: ${msg}${refs?.length ? ` - [${refs.join(', ')}]` : ''}`);
}

/** Where a container mounts a volume (the `mount` event's attributes). */
export interface VolumeMountTarget { destination: string; rw: boolean; propagation: string }

export class VolumeService {
  private readonly store: VolumeStore;
  private readonly refs = new Map<string, Set<string>>();
  /** Containers running on each mounted (`-o device=…`) volume. */
  private readonly active = new Map<string, Set<string>>();

  constructor(dataRoot: string, private readonly events: EventSink = noEvents) {
    this.store = new VolumeStore(dataRoot);
  }

  create(req: CreateVolumeRequest, opts: { anonymous?: boolean; ref?: string } = {}): VolumeInfo {
    const anonymous = !!opts.anonymous;
    const name = req.Name || generateId();
    const driver = req.Driver || 'local';
    if (!DRIVERS.includes(driver)) {
      throw opError(NotFound, 'create', name, `error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    }
    const existing = this.store.get(name);
    if (existing) {
      if (existing.Driver !== driver) throw opError(Conflict, 'create', name, `volume name must be unique`);
      if (opts.ref) this.ref(name, opts.ref);
      this.events.emit('volume', 'create', name, { driver }); // dockerd logs every create, a get-or-create too
      return this.info(existing);
    }
    try {
      validateVolumeName(name);
      validateLocalOpts(req.DriverOpts ?? {});
    } catch (e) {
      throw opError(InvalidArgument, 'create', name, errorMessage(e));
    }
    const labels = anonymous ? { ...(req.Labels ?? {}), [ANONYMOUS_LABEL]: '' } : req.Labels ?? null;
    const meta: VolumeMeta = {
      Name: name, Driver: driver, Labels: labels, Options: req.DriverOpts ?? null, CreatedAt: rfc3339Local(new Date()),
    };
    this.store.create(meta);
    if (opts.ref) this.ref(name, opts.ref);
    this.events.emit('volume', 'create', name, { driver });
    return this.info(meta);
  }

  inspect(name: string): VolumeInfo {
    return this.info(this.get(name));
  }

  exists(name: string): boolean {
    return !!this.store.get(name);
  }

  isAnonymous(name: string): boolean {
    const labels = this.store.get(name)?.Labels;
    return !!labels && ANONYMOUS_LABEL in labels;
  }

  mountpoint(name: string): string {
    return this.store.dataDir(this.get(name).Name);
  }

  list(filters: Map<string, string[]> = new Map()): VolumeInfo[] {
    for (const key of filters.keys()) {
      if (!['name', 'label', 'driver', 'dangling'].includes(key)) throw new InvalidArgument(`invalid filter '${key}'`);
    }
    let vols = this.store.list();
    const dangling = filters.get('dangling');
    if (dangling?.length) {
      const want = dangling.map((v) => {
        const b = parseBool(v);
        if (b === undefined) throw new InvalidArgument(`invalid filter 'dangling=${v}'`);
        return b;
      });
      vols = vols.filter((v) => want.includes(this.refCount(v.Name) === 0));
    }
    const names = filters.get('name');
    if (names?.length) vols = vols.filter((v) => names.some((n) => safeRegExp(n).test(v.Name)));
    const drivers = filters.get('driver');
    if (drivers?.length) vols = vols.filter((v) => drivers.includes(v.Driver));
    const labels = filters.get('label');
    if (labels?.length) vols = vols.filter((v) => labels.every((l) => matchLabel(v.Labels, l)));
    return vols.sort((a, b) => a.Name.localeCompare(b.Name)).map((v) => this.info(v));
  }

  /** Refuses while containers use it, unless forced (as `docker volume rm -f` does not: only a missing volume is forgiven). */
  remove(name: string, opts: { force?: boolean } = {}): void {
    const meta = this.store.get(name);
    if (!meta) {
      if (opts.force) return;
      throw opError(NotFound, 'get', name, 'no such volume');
    }
    const users = [...(this.refs.get(name) ?? [])];
    if (users.length) throw opError(Conflict, 'remove', name, 'volume is in use', users);
    this.store.remove(name);
    this.events.emit('volume', 'destroy', name, { driver: meta.Driver });
  }

  /** Unused volumes: anonymous ones, or every one with `all=true`; `label`/`label!` narrow it. */
  prune(filters: Map<string, string[]> = new Map()): VolumePruneResponse {
    for (const key of filters.keys()) {
      if (!['label', 'label!', 'all'].includes(key)) throw new InvalidArgument(`invalid filter '${key}'`);
    }
    let all = false;
    for (const v of filters.get('all') ?? []) {
      const b = parseBool(v);
      if (b === undefined) throw new InvalidArgument(`invalid filter 'all=${v}'`);
      all ||= b;
    }
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const meta of this.store.list()) {
      if (this.refCount(meta.Name) > 0) continue;
      if (!all && !(meta.Labels && ANONYMOUS_LABEL in meta.Labels)) continue;
      if (!(filters.get('label') ?? []).every((l) => matchLabel(meta.Labels, l))) continue;
      if ((filters.get('label!') ?? []).some((l) => matchLabel(meta.Labels, l))) continue;
      const size = dirSize(this.store.dataDir(meta.Name));
      this.store.remove(meta.Name);
      this.events.emit('volume', 'destroy', meta.Name, { driver: meta.Driver });
      deleted.push(meta.Name);
      reclaimed += size;
    }
    this.events.emit('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  ref(name: string, containerId: string): void {
    let set = this.refs.get(name);
    if (!set) this.refs.set(name, (set = new Set()));
    set.add(containerId);
  }

  unref(name: string, containerId: string): void {
    const set = this.refs.get(name);
    set?.delete(containerId);
    if (set?.size === 0) this.refs.delete(name);
  }

  refCount(name: string): number {
    return this.refs.get(name)?.size ?? 0;
  }

  /**
   * Before a container starts: mount a volume created with `-o type=… -o device=… [-o o=…]` at its
   * _data, as moby's local driver does: mount(2) of the device with `o` split into mount flags
   * and the filesystem's data (storage/mount.ts), a password in the data never shown.
   */
  async activate(name: string, containerId: string, target: VolumeMountTarget): Promise<string> {
    const meta = this.get(name);
    const dir = this.store.dataDir(name);
    const o = meta.Options ?? {};
    const mounted = () => {
      this.events.emit('volume', 'mount', name, {
        driver: meta.Driver, container: containerId, destination: target.destination, 'read/write': String(target.rw), propagation: target.propagation,
      });
      return dir;
    };
    if (!o.type && !o.device) return mounted();
    let users = this.active.get(name);
    if (!users) {
      try {
        await mount({ type: o.type || 'none', source: o.device || o.type!, options: o.o ? o.o.split(',') : [] }, dir);
      } catch (e) {
        const password = /(?:^|,)password=([^,]*)/.exec(o.o ?? '')?.[1];
        let msg = errorMessage(e);
        if (password) msg = msg.replace(`password=${password}`, 'password=********');
        throw new SystemError(`error while mounting volume '${dir}': failed to mount local volume: ${msg}`);
      }
      this.active.set(name, (users = new Set()));
    }
    users.add(containerId);
    return mounted();
  }

  /** After a container stops: unmount such a volume when its last user is gone. */
  async deactivate(name: string, containerId: string): Promise<void> {
    this.events.emit('volume', 'unmount', name, { driver: this.store.get(name)?.Driver ?? 'local', container: containerId });
    const users = this.active.get(name);
    if (!users) return;
    users.delete(containerId);
    if (users.size) return;
    this.active.delete(name);
    await unmount(this.store.dataDir(name), { detach: true }).catch(() => undefined);
  }

  /** Size and links of every volume, for `system df -v`. */
  usage(): VolumeUsage[] {
    return this.store.list().map((v) => ({ Name: v.Name, Size: dirSize(this.store.dataDir(v.Name)), RefCount: this.refCount(v.Name) }));
  }

  async shutdown(): Promise<void> {
    for (const name of [...this.active.keys()]) {
      this.active.delete(name);
      await unmount(this.store.dataDir(name), { detach: true }).catch(() => undefined);
    }
  }

  private get(name: string): VolumeMeta {
    const meta = this.store.get(name);
    if (!meta) throw opError(NotFound, 'get', name, 'no such volume');
    return meta;
  }

  private info(meta: VolumeMeta): VolumeInfo {
    return {
      CreatedAt: meta.CreatedAt, Driver: meta.Driver, Labels: meta.Labels, Mountpoint: this.store.dataDir(meta.Name),
      Name: meta.Name, Options: meta.Options, Scope: 'local',
    };
  }
}

function validateLocalOpts(opts: Record<string, string>): void {
  for (const k of Object.keys(opts)) {
    if (!LOCAL_OPTS.includes(k)) throw new InvalidArgument(`invalid option: "${k}"`);
  }
  if (opts.device && !opts.type) throw new InvalidArgument('missing required option: "type"');
  if (opts.type && !opts.device) throw new InvalidArgument('missing required option: "device"');
}

function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

function safeRegExp(s: string): RegExp {
  try { return new RegExp(s); } catch { return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')); }
}

/** `label=key` or `label=key=value`. */
function matchLabel(labels: Record<string, string> | null, filter: string): boolean {
  const i = filter.indexOf('=');
  const key = i < 0 ? filter : filter.slice(0, i);
  if (!labels || !(key in labels)) return false;
  return i < 0 || labels[key] === filter.slice(i + 1);
}

/** Bytes under a directory, hard links counted once (moby's directory.Size). */
export function dirSize(dir: string): number {
  let total = 0;
  const seen = new Set<string>();
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      try {
        const st = fs.lstatSync(p);
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += st.size;
      } catch { /* vanished */ }
    }
  };
  walk(dir);
  return total;
}
