/**
 * The N-API addon's layer extraction (native/addon/src/extract.cc): libarchive on its own
 * thread, overlay whiteouts, hostile entries refused. Loaded lazily so that tools that never
 * extract do not need the build.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface Addon {
  extractLayer(src: string | number, destDir: string): Promise<{ size: number }>;
  pipe(): [number, number];
}

let addon: Addon | undefined;

function load(): Addon {
  if (addon) return addon;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/images or dist/images → ../../native/addon/build/Release
  const file = path.resolve(here, '../../native/addon/build/Release/berth_native.node');
  if (!fs.existsSync(file)) throw new Error(`native addon missing at ${file}: run pnpm build`);
  addon = createRequire(import.meta.url)(file) as Addon;
  return addon;
}

/** Extract a layer tar (plain, gzip, zstd, xz) at `file` into the existing directory `dest`. */
export function extractLayerFile(file: string, dest: string): Promise<{ size: number }> {
  return load().extractLayer(file, dest);
}

/**
 * Extract a layer from a stream: the bytes go through a pipe to the native reader. Whoever
 * produced the stream can hash the same bytes (tee it before). Rejects with the extraction's
 * error (hostile entry, corrupt archive) or the stream's.
 */
export async function extractLayerStream(src: Readable, dest: string): Promise<{ size: number }> {
  const a = load();
  const [rfd, wfd] = a.pipe();
  const done = a.extractLayer(rfd, dest); // the addon owns rfd and closes it
  const sink = new net.Socket({ fd: wfd, readable: false, writable: true });
  const feeding = pipeline(src, sink).then(() => undefined, (e: NodeJS.ErrnoException) => e);
  let result: { size: number };
  try {
    result = await done;
  } catch (e) {
    src.destroy();
    sink.destroy();
    await feeding;
    throw e;
  }
  const feedErr = await feeding;
  if (feedErr) throw feedErr;
  return result;
}
