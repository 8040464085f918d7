/** Test helper: build a tar in memory from entry descriptions (tar-stream), including hostile ones. */
import tar from 'tar-stream';
import { buffer } from 'node:stream/consumers';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device';
  linkname?: string;
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  pax?: Record<string, string>;
}

export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const out = buffer(pack);
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = Buffer.from(e.content ?? '');
    pack.entry({
      name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: e.mtime ?? new Date(1700000000000), size: body.length, pax: e.pax,
    }, body);
  }
  pack.finalize();
  return out;
}
