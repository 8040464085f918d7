/** The Engine API version berthd speaks (Docker 28.5) and the oldest it accepts. */
export const API_VERSION = '1.51';
export const MIN_API_VERSION = '1.24';

/** Compare dotted API versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export const versionLessThan = (a: string, b: string) => compareVersions(a, b) < 0;
