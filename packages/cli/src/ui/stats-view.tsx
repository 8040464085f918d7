/**
 * `berth stats` on a terminal: a live Ink table in Docker's columns that redraws as samples
 * arrive, fits itself to the terminal (drops the I/O columns, then shortens names, on narrow
 * screens; redraws on resize), and sorts by a key: c (CPU), m (memory), n (name), i (net I/O),
 * b (block I/O), p (PIDs); `r` reverses; q or Ctrl-C quits.
 *
 * Entry: `runStatsView({ rows, out, input })` — `rows()` returns the latest sample of every
 * container, already formatted as docker's stats template fields (ID, Name, CPUPerc, MemUsage,
 * MemPerc, NetIO, BlockIO, PIDs). Loaded lazily by the stats command only on a TTY.
 */
import React, { useEffect, useState } from 'react';
import { Box, render, Text, useApp, useInput, useStdout } from 'ink';
import { useColor } from './color.js';

export interface StatsRow {
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export type SortKey = 'cpu' | 'mem' | 'name' | 'net' | 'block' | 'pids' | 'none';

const keys: Record<string, SortKey> = { c: 'cpu', m: 'mem', n: 'name', i: 'net', b: 'block', p: 'pids' };

interface Column { field: keyof StatsRow; header: string; drop: number }
/** Docker's columns; `drop` orders which go first when the terminal is too narrow (0 = never). */
const columns: Column[] = [
  { field: 'ID', header: 'CONTAINER ID', drop: 0 },
  { field: 'Name', header: 'NAME', drop: 0 },
  { field: 'CPUPerc', header: 'CPU %', drop: 0 },
  { field: 'MemUsage', header: 'MEM USAGE / LIMIT', drop: 0 },
  { field: 'MemPerc', header: 'MEM %', drop: 0 },
  { field: 'NetIO', header: 'NET I/O', drop: 2 },
  { field: 'BlockIO', header: 'BLOCK I/O', drop: 1 },
  { field: 'PIDs', header: 'PIDS', drop: 3 },
];

const units: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
/** "1.5MiB / 2GiB" → 1572864 (the first size); "12.3%" → 12.3; "--" → -1. */
export function sizeValue(s: string): number {
  const m = /^([\d.]+)\s*([A-Za-z]*)/.exec(s.trim());
  if (!m) return -1;
  return Number(m[1]) * (units[m[2]!] ?? 1);
}
const pairSum = (s: string) => s.split('/').reduce((a, p) => a + Math.max(0, sizeValue(p)), 0);

export function sortRows(rows: StatsRow[], key: SortKey, reverse = false): StatsRow[] {
  const value = (r: StatsRow): number | string => {
    switch (key) {
      case 'cpu': return sizeValue(r.CPUPerc);
      case 'mem': return sizeValue(r.MemUsage);
      case 'net': return pairSum(r.NetIO);
      case 'block': return pairSum(r.BlockIO);
      case 'pids': return Number(r.PIDs) || 0;
      case 'name': return r.Name;
      default: return 0;
    }
  };
  if (key === 'none') return reverse ? [...rows].reverse() : rows;
  // Numbers largest first, names A→Z; ties keep the arrival order.
  const sorted = rows.map((r, i) => ({ r, i, v: value(r) })).sort((a, b) => {
    const c = typeof a.v === 'string' ? a.v.localeCompare(b.v as string) : (b.v as number) - (a.v as number);
    return c || a.i - b.i;
  }).map((x) => x.r);
  return reverse ? sorted.reverse() : sorted;
}

/** The table as lines: Docker's 3-space column gaps, columns dropped and names cut to fit `width`. */
export function layout(rows: StatsRow[], width: number): string[] {
  let cols = [...columns];
  const widthOf = (cs: Column[]) => cs.reduce((a, c) => a + Math.max(c.header.length, ...rows.map((r) => String(r[c.field]).length)) + 3, -3);
  for (const d of [1, 2, 3]) {
    if (widthOf(cols) <= width) break;
    cols = cols.filter((c) => c.drop !== d);
  }
  const w = cols.map((c) => Math.max(c.header.length, ...rows.map((r) => String(r[c.field]).length)));
  const over = w.reduce((a, x) => a + x + 3, -3) - width;
  const nameIdx = cols.findIndex((c) => c.field === 'Name');
  if (over > 0 && nameIdx >= 0) w[nameIdx] = Math.max(4, w[nameIdx]! - over);
  const cell = (s: string, i: number) => (s.length > w[i]! ? s.slice(0, w[i]! - 1) + '…' : s.padEnd(w[i]!));
  const line = (vals: string[]) => vals.map((v, i) => (i === vals.length - 1 ? cell(v, i).trimEnd() : cell(v, i))).join('   ');
  return [line(cols.map((c) => c.header)), ...rows.map((r) => line(cols.map((c) => String(r[c.field]))))];
}

function StatsApp({ rows, initialSort, interval, color, interactive }: { rows: () => StatsRow[]; initialSort: SortKey; interval: number; color: boolean; interactive: boolean }) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [, setTick] = useState(0);
  const [sort, setSort] = useState<SortKey>(initialSort);
  const [reverse, setReverse] = useState(false);
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), interval);
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => { clearInterval(t); stdout.off('resize', onResize); };
  }, [interval, stdout]);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) exit();
    else if (input === 'r') setReverse((r) => !r);
    else if (keys[input]) setSort(keys[input]!);
  }, { isActive: interactive });
  const lines = layout(sortRows(rows(), sort, reverse), size.columns - 1).slice(0, Math.max(2, size.rows - 2));
  const hint = `sort: ${sort}${reverse ? ' (reversed)' : ''} — c cpu · m mem · n name · i net · b block · p pids · r reverse · q quit`;
  return (
    <Box flexDirection="column">
      <Text bold={color}>{lines[0]}</Text>
      {lines.slice(1).map((l, i) => <Text key={i}>{l}</Text>)}
      <Text dimColor={color}>{hint.slice(0, size.columns - 1)}</Text>
    </Box>
  );
}

export interface StatsViewOptions {
  /** The latest formatted sample of every container (called at each redraw): render/stats.ts statsRow(). */
  rows: () => Record<string, string>[];
  out: NodeJS.WriteStream;
  /** Key presses for sorting and quitting (a TTY stdin); omitted → no keys. */
  input?: NodeJS.ReadStream;
  sort?: SortKey;
  /** Redraw period in ms (Docker refreshes every 500 ms). */
  interval?: number;
  /** Resolves (or aborts) to stop the view from outside, e.g. when every container is gone. */
  signal?: AbortSignal;
}

/** Draw until q/Ctrl-C (or `signal`); resolves when the view is closed. */
export async function runStatsView(opts: StatsViewOptions): Promise<void> {
  const sort = opts.sort ?? ((process.env.BERTH_STATS_SORT as SortKey | undefined) || 'none');
  const interactive = !!opts.input?.isTTY;
  const app = render(
    <StatsApp rows={opts.rows as unknown as () => StatsRow[]} initialSort={sort} interval={opts.interval ?? 500} color={useColor(opts.out)} interactive={interactive} />,
    { stdout: opts.out, stdin: interactive ? opts.input : undefined, exitOnCtrlC: false, patchConsole: false },
  );
  opts.signal?.addEventListener('abort', () => app.unmount(), { once: true });
  await app.waitUntilExit();
}
