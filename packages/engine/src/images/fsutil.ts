/** Digests and chain IDs shared by the image stores (atomic writes: storage/atomic.ts). */
import crypto from 'node:crypto';

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
