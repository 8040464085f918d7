/**
 * What the engine and the CLI both need for `docker cp`: Go's os.FileMode (the `mode` of the
 * X-Docker-Container-Path-Stat header) and moby's path rules (pkg/archive copy.go).
 */
import path from 'node:path';

export const GoMode = {
  Dir: 0x80000000, Symlink: 0x8000000, Device: 0x4000000, NamedPipe: 0x2000000, Socket: 0x1000000,
  Setuid: 0x800000, Setgid: 0x400000, CharDevice: 0x200000, Sticky: 0x100000,
} as const;

/** A Unix st_mode as Go's os.FileMode. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  switch (mode & 0o170000) {
    case 0o040000: m |= GoMode.Dir; break;
    case 0o120000: m |= GoMode.Symlink; break;
    case 0o020000: m |= GoMode.Device | GoMode.CharDevice; break;
    case 0o060000: m |= GoMode.Device; break;
    case 0o010000: m |= GoMode.NamedPipe; break;
    case 0o140000: m |= GoMode.Socket; break;
    default: break;
  }
  if (mode & 0o4000) m |= GoMode.Setuid;
  if (mode & 0o2000) m |= GoMode.Setgid;
  if (mode & 0o1000) m |= GoMode.Sticky;
  return m >>> 0;
}

export const goModeIsDir = (m: number) => (m & GoMode.Dir) !== 0;
export const goModeIsSymlink = (m: number) => (m & GoMode.Symlink) !== 0;
export const goModeIsRegular = (m: number) => (m & (GoMode.Dir | GoMode.Symlink | GoMode.Device | GoMode.NamedPipe | GoMode.Socket)) === 0;

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

export const hasTrailingSeparator = (p: string) => p.length > 0 && p.endsWith('/');
export const specifiesCurrentDir = (p: string) => path.posix.basename(p) === '.' || p === '.' || p.endsWith('/.');

function clean(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** SplitPathDirEntry: ("dir", "base"), keeping a trailing "/." as base ".". */
export function splitPathDirEntry(p: string): [string, string] {
  let c = clean(p);
  if (specifiesCurrentDir(p)) c = `${c === '/' ? '' : c}/.`;
  return [path.posix.dirname(c), path.posix.basename(c)];
}

/** Go's filepath.Base ("/" for "/", the last element otherwise). */
export function goBase(p: string): string {
  if (p === '') return '.';
  const s = p.replace(/\/+$/, '');
  if (s === '') return '/';
  return s.slice(s.lastIndexOf('/') + 1);
}
