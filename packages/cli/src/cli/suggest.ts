/** "Did you mean this?" for a mistyped command, as cobra suggests: Levenshtein distance ≤ 2 or a prefix match. */

export function levenshtein(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function suggestionsFor(typed: string, candidates: string[], minDistance = 2): string[] {
  return candidates.filter((c) => levenshtein(typed, c) <= minDistance || c.startsWith(typed.toLowerCase()));
}

/** Cobra's suggestion block, empty when nothing is close. */
export function suggestionText(typed: string, candidates: string[]): string {
  const s = suggestionsFor(typed, candidates);
  return s.length ? `\n\nDid you mean this?\n${s.map((x) => `\t${x}\n`).join('')}` : '';
}
