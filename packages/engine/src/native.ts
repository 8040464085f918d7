/**
 * berthd's N-API addon (native/berth: in-root file access and archives, published-port sockets,
 * rtnetlink), loaded once on first use. Each area types the part of it that it uses.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let addon: unknown;

export function nativeAddon<T>(): T {
  if (addon) return addon as T;
  // src/ or dist/ → ../native/berth/build/Release
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../native/berth/build/Release/berth_native.node');
  if (!fs.existsSync(file)) throw new Error(`native addon missing at ${file}: run pnpm build`);
  addon = createRequire(import.meta.url)(file);
  return addon as T;
}
