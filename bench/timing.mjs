// What every bench script shares: --runs, medians of timed runs, and failing loudly.
import { parseArgs } from 'node:util';

export function runsFromArgs(defaultRuns) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: String(defaultRuns) } }, strict: false });
  return Number(values.runs);
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Median wall time (ms) of n runs of fn; fn may be async. */
export async function timeIt(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(out);
}

/** A TestDaemon command result, or an error that says what failed. */
export function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
