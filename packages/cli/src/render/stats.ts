/**
 * `stats`: Docker's arithmetic (CPU % from the delta to precpu_stats, memory usage minus
 * inactive_file) and columns, plus a plain clear-and-redraw loop for the streaming view (an Ink
 * version is planned; this one homes the cursor, erases each line's end and below, as docker does).
 */
import { bytesSize, humanSize3 } from '@berth/shared';
import { renderFormatted } from '@berth/shared/template/index';
import type { ContainerStats } from '@berth/shared/api/types';
import { StatusError } from '../cli/errors.js';

export type StatsResponse = ContainerStats;

export interface StatsEntry {
  container: string;
  id: string;
  name: string;
  cpu: number;
  mem: number;
  memLimit: number;
  memPerc: number;
  netRx: number;
  netTx: number;
  blkRead: number;
  blkWrite: number;
  pids: number;
  invalid?: boolean;
}

export function cpuPercent(s: StatsResponse): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const online = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 0;
  return sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * online * 100 : 0;
}

export function memUsageNoCache(m: StatsResponse['memory_stats']): number {
  const usage = m?.usage ?? 0;
  const st = m?.stats ?? {};
  if ('total_inactive_file' in st && st.total_inactive_file! < usage) return usage - st.total_inactive_file!;
  const inactive = st.inactive_file ?? 0;
  return inactive < usage ? usage - inactive : usage;
}

export function statsEntry(container: string, s: StatsResponse): StatsEntry {
  const mem = memUsageNoCache(s.memory_stats);
  const limit = s.memory_stats?.limit ?? 0;
  let rx = 0; let tx = 0;
  for (const n of Object.values(s.networks ?? {})) { rx += n?.rx_bytes ?? 0; tx += n?.tx_bytes ?? 0; }
  let rd = 0; let wr = 0;
  for (const b of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = b?.op?.toLowerCase();
    if (op === 'read') rd += b?.value ?? 0;
    else if (op === 'write') wr += b?.value ?? 0;
  }
  return {
    container, id: s.id ?? '', name: (s.name ?? '').replace(/^\//, ''), cpu: cpuPercent(s), mem, memLimit: limit,
    memPerc: limit ? (mem / limit) * 100 : 0, netRx: rx, netTx: tx, blkRead: rd, blkWrite: wr, pids: s.pids_stats?.current ?? 0,
  };
}

const HEADERS: Record<string, string> = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
  NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};
export const STATS_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export function statsRow(e: StatsEntry, noTrunc = false): Record<string, string> {
  const bad = e.invalid;
  return {
    BlockIO: bad ? '-- / --' : `${humanSize3(e.blkRead)} / ${humanSize3(e.blkWrite)}`,
    CPUPerc: bad ? '--' : `${e.cpu.toFixed(2)}%`,
    Container: e.container,
    ID: noTrunc ? e.id : e.id.slice(0, 12),
    MemPerc: bad ? '--' : `${e.memPerc.toFixed(2)}%`,
    MemUsage: bad ? '-- / --' : `${bytesSize(e.mem)} / ${bytesSize(e.memLimit)}`,
    Name: bad ? '--' : e.name,
    NetIO: bad ? '--' : `${humanSize3(e.netRx)} / ${humanSize3(e.netTx)}`,
    PIDs: bad ? '--' : String(e.pids),
  };
}

export function renderStats(entries: StatsEntry[], opts: { format?: string; noTrunc?: boolean } = {}): string {
  let format = opts.format ?? '';
  if (format === 'table') format = STATS_FORMAT;
  try {
    return renderFormatted(format, entries.map((e) => statsRow(e, opts.noTrunc)), { defaultFormat: STATS_FORMAT, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}

/** The streaming view: redraw the whole table every `ms` until `stop` resolves. */
export async function liveStats(out: NodeJS.WritableStream, current: () => StatsEntry[], opts: { format?: string; noTrunc?: boolean }, stop: Promise<void>, ms = 500): Promise<void> {
  let done = false;
  void stop.then(() => { done = true; });
  while (!done) {
    const table = renderStats(current(), opts).split('\n').filter((l, i, a) => l || i < a.length - 1);
    out.write(`\x1b[H${table.map((l) => `${l}\x1b[K\n`).join('')}\x1b[J`);
    await Promise.race([new Promise((r) => setTimeout(r, ms)), stop]);
  }
}
