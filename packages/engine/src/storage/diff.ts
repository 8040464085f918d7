/**
 * The overlay upperdir of a container (or a build step) as Docker sees it: a layer tar with
 * Docker's whiteouts, and the A/C/D change list of `docker diff`.
 *
 *   upperdir entry                          layer tar                    change
 *   char device 0/0  `x`                    `.wh.x` (empty file)         D /x
 *   dir with trusted.overlay.opaque=y `d`   `d/` + `d/.wh..wh..opq`      D /d if a lower has it, then its children A
 *   anything else                           as is (hardlinks as links)   A, or C when a lower layer has the path
 *
 * `exclude` (container paths, e.g. volume and bind-mount destinations): the entry itself is kept
 * (the mountpoint) but nothing below it. `ignore`: the path and everything below it are dropped
 * (Docker's init layer: /etc/hosts, /proc … that only exist as mountpoints).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { deviceNumbers, tarHeader, writeTarEntry } from '@berth/shared/tar-fs';

export interface DiffOptions {
  /** Container paths whose contents are skipped (the path itself stays). */
  exclude?: string[];
  /** Container paths dropped with everything below them. */
  ignore?: string[];
}

/** Docker's init-layer paths: mountpoints berth-monitor may create in the upperdir. */
export const INIT_PATHS = ['/dev', '/proc', '/sys', '/.dockerenv', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab'];

export interface Change { Path: string; Kind: 0 | 1 | 2 }
export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;

interface Entry { rel: string; abs: string; st: fs.Stats }

const isWhiteout = (st: fs.Stats) => st.isCharacterDevice() && st.rdev === 0;

function norm(p: string): string {
  const n = path.posix.normalize('/' + p).replace(/\/+$/, '');
  return n || '/';
}

/** Directories of `upper` marked opaque (one getfattr for the whole tree). */
export async function opaqueDirs(upper: string): Promise<Set<string>> {
  const out = await new Promise<string>((resolve) => {
    execFile('getfattr', ['--absolute-names', '-R', '-P', '-d', '-m', '^trusted\\.overlay\\.opaque$', '-e', 'text', upper],
      { maxBuffer: 64 * 1024 * 1024 }, (_err, stdout) => resolve(stdout ?? ''));
  });
  const set = new Set<string>();
  let file = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) file = line.slice(8);
    else if (/^trusted\.overlay\.opaque="y"$/.test(line) && file) {
      set.add(norm(path.relative(upper, file)));
    }
  }
  return set;
}

/** Walk `upper` in lexical order (as Go's filepath.Walk), honouring exclude/ignore. */
function* walk(upper: string, opts: DiffOptions): Generator<Entry> {
  const exclude = new Set((opts.exclude ?? []).map(norm));
  const ignore = new Set((opts.ignore ?? []).map(norm));
  function* inner(dirRel: string): Generator<Entry> {
    let names: string[];
    try { names = fs.readdirSync(path.join(upper, dirRel)).sort(); } catch { return; }
    for (const name of names) {
      const r = path.posix.join(dirRel, name);
      if (ignore.has(r)) continue;
      const abs = path.join(upper, r);
      let st: fs.Stats;
      try { st = fs.lstatSync(abs); } catch { continue; }
      yield { rel: r, abs, st };
      if (st.isDirectory() && !exclude.has(r)) yield* inner(r);
    }
  }
  yield* inner('/');
}

function lowerStat(lowers: string[], rel: string): fs.Stats | undefined {
  for (const l of lowers) {
    try { return fs.lstatSync(path.join(l, rel)); } catch { /* next */ }
  }
  return undefined;
}

/**
 * `docker diff`: the changes in `upper` against the image layers `lowers` (topmost first),
 * in moby's order and with its rules (an unchanged parent dir is still reported C).
 */
export async function changesFromUpperdir(upper: string, lowers: string[], opts: DiffOptions = {}): Promise<Change[]> {
  const opaque = await opaqueDirs(upper);
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  for (const e of walk(upper, opts)) {
    let kind: Change['Kind'] | undefined;
    if (isWhiteout(e.st)) kind = ChangeKind.Deleted;
    else if (e.st.isDirectory() && opaque.has(e.rel) && lowerStat(lowers, e.rel)) kind = ChangeKind.Deleted;
    else {
      kind = ChangeKind.Added;
      const low = lowerStat(lowers, e.rel);
      if (low) {
        if (low.isDirectory() && e.st.isDirectory() && low.size === e.st.size && (low.mode === e.st.mode)
          && Math.floor(low.mtimeMs) === Math.floor(e.st.mtimeMs)) kind = undefined;
        else kind = ChangeKind.Modified;
      }
    }
    if (e.st.isDirectory()) changedDirs.add(e.rel);
    if (kind === undefined) continue;
    if (kind !== ChangeKind.Modified) {
      const parent = path.posix.dirname(e.rel);
      if (parent !== '/' && !changedDirs.has(parent)) {
        changes.push({ Path: parent, Kind: ChangeKind.Modified });
        changedDirs.add(parent);
      }
    }
    changes.push({ Path: e.rel, Kind: kind });
  }
  return changes;
}

/**
 * The upperdir as a layer tar (uncompressed), streamed. Entry names are relative ("etc/passwd",
 * dirs with a trailing "/"), owners and modes as on disk, hardlinks kept as links.
 */
export function layerTarFromUpperdir(upperdir: string, opts: DiffOptions = {}): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  (async () => {
    const opaque = await opaqueDirs(upperdir);
    const links = new Map<string, string>();
    for (const e of walk(upperdir, opts)) {
      const name = e.rel.slice(1);
      const st = e.st;
      if (isWhiteout(st)) {
        const wh = path.posix.join(path.posix.dirname(name), `.wh.${path.posix.basename(name)}`);
        await writeTarEntry(pack, { ...tarHeader(wh, st), type: 'file', size: 0, mode: 0o644 });
      } else if (st.isDirectory()) {
        await writeTarEntry(pack, { ...tarHeader(`${name}/`, st), type: 'directory' });
        if (opaque.has(e.rel)) await writeTarEntry(pack, { ...tarHeader(`${name}/.wh..wh..opq`, st), type: 'file', size: 0, mode: 0o644 });
      } else if (st.isSymbolicLink()) {
        await writeTarEntry(pack, { ...tarHeader(name, st), type: 'symlink', linkname: fs.readlinkSync(e.abs) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? links.get(key) : undefined;
        if (first) { await writeTarEntry(pack, { ...tarHeader(name, st), type: 'link', linkname: first }); continue; }
        if (st.nlink > 1) links.set(key, name);
        await writeTarEntry(pack, { ...tarHeader(name, st), type: 'file', size: st.size }, fs.createReadStream(e.abs));
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        await writeTarEntry(pack, { ...tarHeader(name, st), ...deviceNumbers(st) });
      } else if (st.isFIFO()) {
        await writeTarEntry(pack, { ...tarHeader(name, st), type: 'fifo' });
      }
      // sockets are not archived (as Docker)
    }
    pack.finalize();
  })().catch((err) => pack.destroy(err));
  pack.on('error', (err) => out.destroy(err));
  pack.pipe(out);
  return out;
}
