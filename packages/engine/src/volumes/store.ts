/**
 * The local driver's volumes on disk. Each volume is a directory; its metadata is written
 * atomically next to its data, so the directory tree is the whole truth after a restart.
 *
 *   <data-root>/volumes/
 *     <name>/
 *       _data/          the volume's content (the Mountpoint containers see)
 *       meta.json       { Name, Driver, Labels, Options, CreatedAt, Anonymous }
 */
import fs from 'node:fs';
import path from 'node:path';
import { removeTemps, writeAtomicSync } from '../storage/atomic.js';

export interface VolumeMeta {
  Name: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  /** RFC 3339 with the host's offset, as Docker prints it. */
  CreatedAt: string;
}

export class VolumeStore {
  readonly root: string;
  private readonly metas = new Map<string, VolumeMeta>();

  constructor(dataRoot: string) {
    this.root = path.join(dataRoot, 'volumes');
    fs.mkdirSync(this.root, { recursive: true, mode: 0o701 });
    for (const name of fs.readdirSync(this.root)) {
      try {
        removeTemps(this.dir(name));
        const meta = JSON.parse(fs.readFileSync(path.join(this.root, name, 'meta.json'), 'utf8')) as VolumeMeta;
        if (meta.Name === name) this.metas.set(name, meta);
      } catch {
        // a volume whose create never finished: no metadata, not a volume
      }
    }
  }

  dir(name: string) { return path.join(this.root, name); }
  dataDir(name: string) { return path.join(this.root, name, '_data'); }
  get(name: string) { return this.metas.get(name); }
  list() { return [...this.metas.values()]; }

  create(meta: VolumeMeta): void {
    fs.mkdirSync(this.dir(meta.Name), { recursive: true, mode: 0o701 });
    fs.mkdirSync(this.dataDir(meta.Name), { recursive: true, mode: 0o755 });
    writeAtomicSync(path.join(this.dir(meta.Name), 'meta.json'), JSON.stringify(meta));
    this.metas.set(meta.Name, meta);
  }

  remove(name: string): void {
    // Forget it first so a half-removed volume never shows up again.
    fs.rmSync(path.join(this.dir(name), 'meta.json'), { force: true });
    this.metas.delete(name);
    fs.rmSync(this.dir(name), { recursive: true, force: true });
  }
}

/** Go's time.RFC3339 of a date in the host's zone: "2024-05-01T10:00:00+02:00" or "…Z" in UTC. */
export function rfc3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const p = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
  if (off === 0) return `${local}Z`;
  return `${local}${off > 0 ? '+' : '-'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}
