/**
 * Snapshots on overlayfs, in containerd's snapshotter shape: an *active* snapshot (`prepare`) is
 * a writable layer over a committed parent; `commit` turns it into a read-only, named one that
 * others may build on; a *view* is a read-only look at a committed chain; `mounts(key)` says how
 * to mount one (the caller mounts: berth-monitor in the container's mount namespace, or
 * storage/mount.ts in berthd's). Image layers are committed snapshots named by chainID; a
 * container's rootfs is the active snapshot `<id>` over its image's init layer `init-<chain>`, over the image.
 *
 *   <data-root>/image/layers/<chainID hex>/   committed snapshots named `sha256:<hex>` (image layers)
 *     diff/                                   the layer's files: an overlay lowerdir
 *     layer.json                              the layer store's own record (images/layer-store.ts)
 *   <data-root>/overlay2/<key or name>/       every other snapshot (`<id>`, `init-<chain hex>`)
 *     diff/                                   the upperdir (active) or the layer (committed)
 *     work/                                   overlay's workdir
 *
 * A snapshot's metadata, { kind, name, parent, disposable? }, is its directory's extended
 * attribute `trusted.berth.snapshot`: setting it is one metadata change the filesystem journals
 * in order with the directory's creation and renames — no file to write and fsync per snapshot.
 *   <data-root>/overlay2/.tmp-*               temporary snapshots (build steps, extractions) and
 *                                             prepares, commits and removals in flight
 *   <data-root>/overlay2/.mnt-*               private mount points (tempMount)
 *
 * Crash safety: a snapshot is built under `.tmp-*` and renamed into place with its metadata
 * set; a commit rewrites the metadata first and renames second (start-up finishes a commit
 * cut short); a removal renames to `.tmp-*` first. Start-up detaches whatever is still mounted
 * under these dirs and removes every `.tmp-*` and `.mnt-*`. Views live in memory only.
 *
 * References: a snapshot with children (any kind) cannot be removed; the layer store keeps its
 * own counts of which images use a layer (images/layer-store.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Conflict, InvalidArgument, NotFound } from '@berth/shared';
import { removeTemps } from './atomic.js';
import { nativeAddon } from '../native.js';
import { mountAll, mountsUnder, unmount, unmountUnder, type Mount } from './mount.js';
import { log } from '../log.js';

export type SnapshotKind = 'committed' | 'active' | 'view';

export interface SnapshotInfo {
  kind: SnapshotKind;
  /** The key (active, view) or the name (committed). */
  name: string;
  parent: string | null;
  /** Removed at the next start if still there (build steps, extractions, views). */
  temporary: boolean;
  /** Committed, and removed with its parent when nothing is built on it (a cache: an image's init layer). */
  disposable: boolean;
}

interface Snapshot extends SnapshotInfo {
  /** Its directory (none for a view). */
  dir: string | null;
}

/** A snapshot's metadata, as its directory's attribute holds it. */
interface SnapshotRecord { kind: 'committed' | 'active'; name: string; parent: string | null; disposable?: boolean }

/** The directory's extended attribute that holds a snapshot's metadata (native/berth/src/xattr.cc). */
const META = 'trusted.berth.snapshot';
const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const CHAIN_RE = /^sha256:[a-f0-9]{64}$/;

interface Addon {
  setXattr(path: string, name: string, value: string): void;
  getXattr(path: string, name: string): string | null;
}
const addon = () => nativeAddon<Addon>();

/** Write a snapshot's metadata (also the migration from the layout before snapshots, storage/migrate.ts). */
export function writeSnapshotRecord(dir: string, rec: SnapshotRecord): void {
  addon().setXattr(dir, META, JSON.stringify(rec));
}

export function readSnapshotRecord(dir: string): SnapshotRecord | undefined {
  try {
    const r = JSON.parse(addon().getXattr(dir, META) ?? '') as SnapshotRecord;
    if ((r.kind === 'committed' || r.kind === 'active') && typeof r.name === 'string') {
      return { kind: r.kind, name: r.name, parent: r.parent ?? null, ...(r.disposable ? { disposable: true } : {}) };
    }
  } catch { /* absent or unreadable */ }
  return undefined;
}

export interface SnapshotterDirs {
  /** Committed snapshots named by chainID: <data-root>/image/layers. */
  layers: string;
  /** Everything else: <data-root>/overlay2. */
  overlay: string;
}

export function snapshotterDirs(dataRoot: string): SnapshotterDirs {
  return { layers: path.join(dataRoot, 'image', 'layers'), overlay: path.join(dataRoot, 'overlay2') };
}

export class Snapshotter {
  private readonly snaps = new Map<string, Snapshot>();
  private readonly emptyDir: string;

  private constructor(readonly dirs: SnapshotterDirs) {
    this.emptyDir = path.join(dirs.overlay, '.empty');
  }

  /** Open the snapshots under `dirs`, cleaning what a crash left (see the header). */
  static async open(dirs: SnapshotterDirs): Promise<Snapshotter> {
    const s = new Snapshotter(dirs);
    await s.load();
    return s;
  }

  private async load(): Promise<void> {
    const { layers, overlay } = this.dirs;
    fs.mkdirSync(layers, { recursive: true, mode: 0o700 });
    fs.mkdirSync(overlay, { recursive: true, mode: 0o710 });
    // never remove a directory through a mount (a volume attached under a stopped container's view)
    await unmountUnder(overlay);
    await unmountUnder(layers);
    removeTemps(layers);
    for (const name of fs.readdirSync(overlay)) {
      if (name.startsWith('.tmp-') || name.startsWith('.mnt-')) fs.rmSync(path.join(overlay, name), { recursive: true, force: true });
    }
    fs.mkdirSync(this.emptyDir, { recursive: true, mode: 0o755 });
    for (const [root, inLayers] of [[layers, true], [overlay, false]] as const) {
      for (const entry of fs.readdirSync(root)) {
        if (entry.startsWith('.')) continue;
        const dir = path.join(root, entry);
        const rec = readSnapshotRecord(dir);
        if (!rec) {
          if (inLayers) {
            fs.rmSync(dir, { recursive: true, force: true }); // an extraction of the layout before snapshots, never named
          } else {
            log.warn('snapshot directory without metadata left alone', { dir });
          }
          continue;
        }
        let at = dir;
        if (rec.kind === 'committed' && this.dirOf(rec.name) !== dir) {
          // a commit cut short between its metadata and its rename
          at = this.dirOf(rec.name);
          if (fs.existsSync(at)) { fs.rmSync(dir, { recursive: true, force: true }); continue; }
          fs.renameSync(dir, at);
        }
        this.snaps.set(rec.name, { kind: rec.kind, name: rec.name, parent: rec.parent, temporary: false, disposable: !!rec.disposable, dir: at });
      }
    }
  }

  /** Where a persistent snapshot lives. */
  private dirOf(name: string): string {
    return CHAIN_RE.test(name) ? path.join(this.dirs.layers, name.slice(7)) : path.join(this.dirs.overlay, name);
  }

  private checkName(name: string, committed: boolean): void {
    if (!(KEY_RE.test(name) || (committed && CHAIN_RE.test(name)))) throw new InvalidArgument(`invalid snapshot name ${JSON.stringify(name)}`);
    if (this.snaps.has(name)) throw new Conflict(`snapshot ${name}: already exists`);
  }

  private get(key: string): Snapshot {
    const s = this.snaps.get(key);
    if (!s) throw new NotFound(`snapshot ${key} does not exist`);
    return s;
  }

  private checkParent(parent: string | null): void {
    if (parent === null) return;
    const p = this.snaps.get(parent);
    if (!p) throw new NotFound(`parent snapshot ${parent} does not exist`);
    if (p.kind !== 'committed') throw new InvalidArgument(`parent snapshot ${parent} is not committed`);
  }

  has(key: string): boolean { return this.snaps.has(key); }

  stat(key: string): SnapshotInfo {
    const { kind, name, parent, temporary, disposable } = this.get(key);
    return { kind, name, parent, temporary, disposable };
  }

  list(): SnapshotInfo[] {
    return [...this.snaps.keys()].map((k) => this.stat(k));
  }

  children(name: string): string[] {
    return [...this.snaps.values()].filter((s) => s.parent === name).map((s) => s.name);
  }

  /** A disposable snapshot nothing is built on: it goes with its parent. */
  private isDisposableLeaf(name: string): boolean {
    return !!this.snaps.get(name)?.disposable && !this.children(name).length;
  }

  /** Whether something that is not disposable is built on `name` (removing it would be refused). */
  inUse(name: string): boolean {
    return this.children(name).some((c) => !this.isDisposableLeaf(c));
  }

  /** The committed chain under a snapshot, topmost first (its own layer not included). */
  ancestors(key: string): string[] {
    const out: string[] = [];
    for (let p = this.get(key).parent; p; p = this.get(p).parent) out.push(p);
    return out;
  }

  /**
   * A new writable snapshot `key` over the committed `parent` (null: an empty one). `temporary`:
   * in memory only, gone at the next start whatever happens (build steps, extractions).
   */
  async prepare(key: string, parent: string | null, opts: { temporary?: boolean } = {}): Promise<Mount[]> {
    this.checkName(key, false);
    this.checkParent(parent);
    const temporary = !!opts.temporary;
    const tmp = path.join(this.dirs.overlay, `.tmp-${randomBytes(8).toString('hex')}`);
    const snap: Snapshot = { kind: 'active', name: key, parent, temporary, disposable: false, dir: temporary ? tmp : this.dirOf(key) };
    // a few metadata changes, made at once (a container's create waits for them)
    try {
      fs.mkdirSync(tmp, { mode: 0o710 });
      fs.mkdirSync(path.join(tmp, 'diff'), { mode: 0o755 });
      fs.mkdirSync(path.join(tmp, 'work'), { mode: 0o700 });
      if (!temporary) {
        writeSnapshotRecord(tmp, { kind: 'active', name: key, parent });
        fs.renameSync(tmp, snap.dir!);
      }
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    this.snaps.set(key, snap);
    return this.mounts(key);
  }

  /** A read-only snapshot of the committed `parent` (in memory only). */
  async view(key: string, parent: string | null): Promise<Mount[]> {
    this.checkName(key, false);
    this.checkParent(parent);
    this.snaps.set(key, { kind: 'view', name: key, parent, temporary: true, disposable: false, dir: null });
    return this.mounts(key);
  }

  /**
   * The active snapshot `key` becomes the committed `name` (and `key` is no more). `disposable`:
   * it goes with its parent whenever nothing is built on it.
   */
  async commit(name: string, key: string, opts: { disposable?: boolean } = {}): Promise<void> {
    const snap = this.get(key);
    if (snap.kind !== 'active') throw new InvalidArgument(`snapshot ${key} is not active`);
    this.checkName(name, true);
    if (this.children(key).length) throw new Conflict(`snapshot ${key} has children`);
    const to = this.dirOf(name);
    const disposable = !!opts.disposable;
    const committed: Snapshot = { kind: 'committed', name, parent: snap.parent, temporary: false, disposable, dir: to };
    this.snaps.delete(key);
    this.snaps.set(name, committed);
    try {
      writeSnapshotRecord(snap.dir!, { kind: 'committed', name, parent: snap.parent, ...(disposable ? { disposable } : {}) });
      fs.renameSync(snap.dir!, to);
    } catch (e) {
      this.snaps.delete(name);
      this.snaps.set(key, snap);
      if (!snap.temporary) { try { writeSnapshotRecord(snap.dir!, { kind: 'active', name: key, parent: snap.parent }); } catch { /* as it was */ } }
      throw e;
    }
  }

  /**
   * Remove a snapshot, with the disposable ones on it. Refused while anything else is built on
   * it. Its directory is renamed away first (a crash meanwhile leaves a `.tmp-*` that start-up
   * removes), then deleted — never through a mount below it.
   */
  async remove(key: string): Promise<void> {
    const snap = this.get(key);
    const kids = this.children(key).filter((c) => !this.isDisposableLeaf(c));
    if (kids.length) throw new Conflict(`cannot remove snapshot ${key}: it has ${kids.length === 1 ? 'a child' : `${kids.length} children`} (${kids.join(', ')})`);
    const doomed = [...this.children(key).map((c) => this.get(c)), snap];
    for (const d of doomed) this.snaps.delete(d.name);
    while (doomed.length) {
      try {
        await this.removeDir(doomed[0]!);
      } catch (e) {
        for (const d of doomed) this.snaps.set(d.name, d); // what is left stays known
        throw e;
      }
      doomed.shift();
    }
  }

  private async removeDir({ name, dir, temporary, kind }: Snapshot): Promise<void> {
    if (!dir) return;
    const root = dir.startsWith(this.dirs.layers + '/') ? this.dirs.layers : this.dirs.overlay;
    const doomed = temporary ? dir : path.join(root, `.tmp-rm-${randomBytes(8).toString('hex')}`);
    try {
      if (doomed !== dir) fs.renameSync(dir, doomed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      log.warn('removing a snapshot', { name, error: String(e) });
      throw e;
    }
    for (const m of mountsUnder(doomed)) await unmount(m, { detach: true });
    // a container's layer at once, as its files always went; an image layer or a build step's
    // (any size) without holding berthd up
    if (kind === 'active' && !temporary) fs.rmSync(doomed, { recursive: true, force: true, maxRetries: 3 });
    else await fs.promises.rm(doomed, { recursive: true, force: true, maxRetries: 3 });
  }


  /** How to mount a snapshot (active or view), containerd's overlay rules. */
  mounts(key: string): Mount[] {
    const snap = this.get(key);
    if (snap.kind === 'committed') throw new InvalidArgument(`snapshot ${key} is committed: view or prepare on it`);
    const lowers = this.ancestors(key).map((p) => path.join(this.get(p).dir!, 'diff'));
    if (snap.kind === 'view') {
      if (lowers.length <= 1) return [{ type: 'bind', source: lowers[0] ?? this.emptyDir, options: ['ro', 'rbind'] }];
      return [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`] }];
    }
    const upper = path.join(snap.dir!, 'diff');
    if (!lowers.length) return [{ type: 'bind', source: upper, options: ['rw', 'rbind'] }];
    return [{ type: 'overlay', source: 'overlay', options: [`workdir=${path.join(snap.dir!, 'work')}`, `upperdir=${upper}`, `lowerdir=${lowers.join(':')}`] }];
  }

  /**
   * The directories behind a snapshot for what reads them without a mount (diffs, sizes, layer
   * extraction): its own layer (`upper`: an active snapshot's upperdir, a committed one's files)
   * and the committed ones below, topmost first.
   */
  paths(key: string): { dir: string | null; upper: string | null; lowers: string[] } {
    const snap = this.get(key);
    return {
      dir: snap.dir,
      upper: snap.dir ? path.join(snap.dir, 'diff') : null,
      lowers: this.ancestors(key).map((p) => path.join(this.get(p).dir!, 'diff')),
    };
  }

  /**
   * Mount `key` on a private, fresh directory (cp/export of a stopped container, copy-up, COPY
   * --from). `release` unmounts it lazily — with whatever was attached below — and removes it.
   */
  async mount(key: string): Promise<{ target: string; release(): Promise<void> }> {
    const mounts = this.mounts(key);
    const target = path.join(this.dirs.overlay, `.mnt-${randomBytes(8).toString('hex')}`);
    await fs.promises.mkdir(target, { mode: 0o700 });
    const release = async () => {
      await unmount(target, { detach: true }).catch((e) => log.warn('unmounting a snapshot', { key, error: String(e) }));
      await fs.promises.rmdir(target).catch(() => undefined);
    };
    try {
      await mountAll(mounts, target);
    } catch (e) {
      await release();
      throw e;
    }
    return { target, release };
  }

  /** `mount(key)` for the time of `fn`. */
  async withMount<T>(key: string, fn: (root: string) => Promise<T>): Promise<T> {
    const m = await this.mount(key);
    try { return await fn(m.target); } finally { await m.release(); }
  }

  /**
   * A read-only view of the committed `parent` at `root` until `release` (copy-up, COPY --from):
   * one layer is read in place, more are mounted on a private directory.
   */
  async openView(parent: string | null): Promise<{ root: string; release(): Promise<void> }> {
    const key = `view-${randomBytes(8).toString('hex')}`;
    const [m] = await this.view(key, parent);
    const drop = () => this.remove(key);
    if (m!.type === 'bind') return { root: m!.source, release: drop };
    try {
      const { target, release } = await this.mount(key);
      return { root: target, release: async () => { await release(); await drop(); } };
    } catch (e) {
      await drop();
      throw e;
    }
  }

  /** `openView(parent)` for the time of `fn`. */
  async withView<T>(parent: string | null, fn: (root: string) => Promise<T>): Promise<T> {
    const v = await this.openView(parent);
    try { return await fn(v.root); } finally { await v.release(); }
  }
}
