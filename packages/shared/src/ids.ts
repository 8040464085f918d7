import { randomBytes } from 'node:crypto';

/** A 64-hex-digit random ID, as Docker's stringid.GenerateRandomID. */
export function generateId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    // Docker avoids IDs that look like numbers in their short form (would confuse parsers).
    if (!/^\d+$/.test(id.slice(0, 12))) return id;
  }
}

export const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
