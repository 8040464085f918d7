/** Docker's detach key spec ("ctrl-p,ctrl-q") as bytes, and a matcher over a byte stream. */
export function detachBytes(spec: string | undefined): number[] {
  if (!spec) return [16, 17];
  return spec.split(',').map((k) => {
    const s = k.trim();
    if (s.length === 1) return s.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(s);
    if (!m) throw new Error(`Invalid detach keys (${spec}) provided`);
    const c = m[1]!.toLowerCase();
    if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 96;
    const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 };
    if (!(c in special)) throw new Error(`Invalid detach keys (${spec}) provided`);
    return special[c]!;
  });
}

/** Returns true once the whole sequence has been seen (bytes may arrive in any chunks). */
export function detachMatcher(keys: number[]): (chunk: Buffer) => boolean {
  let matched = 0;
  return (chunk) => {
    for (const b of chunk) {
      if (b === keys[matched]) { matched++; if (matched === keys.length) return true; }
      else matched = b === keys[0] ? 1 : 0;
    }
    return false;
  };
}
