/** Digests, chain IDs and atomic file writes shared by the image stores. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const sha256 = (data: string | Buffer): string => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

/** "sha256:<hex>" → "<hex>"; throws on anything else. */
export function digestHex(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new Error(`unsupported digest: ${digest}`);
  return m[1]!;
}

export const isDigest = (s: string): boolean => /^sha256:[a-f0-9]{64}$/.test(s);

/** The OCI chain IDs of a layer stack: chain(0) = diff(0), chain(n) = sha256(chain(n-1) + " " + diff(n)). */
export function chainIDs(diffIDs: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIDs) out.push(out.length ? sha256(`${out[out.length - 1]} ${d}`) : d);
  return out;
}

export function tmpName(dir: string, base: string): string {
  return path.join(dir, `.tmp-${base}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
}

/** Write temp, fsync, rename: readers see the old file or the whole new one. */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = tmpName(path.dirname(file), path.basename(file));
  const fh = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

/** Remove the `.tmp-*` leftovers of a crash in `dir`. */
export function removeTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.tmp-')) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}
