/**
 * GET /containers/{id}/stats: Docker's stats JSON from the container's cgroup (v1: memory.*,
 * cpuacct.*, pids.*, blkio.throttle.*; v2: memory.*, cpu.stat, pids.*, io.stat) and the network
 * counters of its netns (/proc/<pid>/net/dev). Streaming sends one every second with the
 * previous sample as precpu_stats; stream=false samples twice (one second apart) unless one-shot.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Writable } from 'node:stream';
import type { ContainerStats } from '@berth/shared/api/types';
import { CgroupFiles } from './cgroup-files.js';
import type { Container } from './container.js';
import type { ContainerFiles } from './backend.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const CLK_TCK = 100;

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export type Stats = ContainerStats & { read: string; cpu_stats: CpuStats; precpu_stats: CpuStats };

const emptyCpu = (): CpuStats => ({
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

/** Host CPU time in nanoseconds (sum of the `cpu` line of /proc/stat), as Docker's getSystemCPUUsage. */
export function systemCpuUsage(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '));
  const ticks = (line ?? '').trim().split(/\s+/).slice(1, 8).reduce((n, v) => n + Number(v), 0);
  return (ticks * 1e9) / CLK_TCK;
}

function onlineCpus(): number {
  try {
    const text = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
    return text.split(',').reduce((n, r) => { const [a, b] = r.split('-').map(Number); return n + (b === undefined ? 1 : b - a! + 1); }, 0);
  } catch { return os.cpus().length; }
}

function networks(pid: number): Record<string, Record<string, number>> | undefined {
  let text: string;
  try { text = fs.readFileSync(`/proc/${pid}/net/dev`, 'utf8'); } catch { return undefined; }
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    out[m[1]!] = { rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!, tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]! };
  }
  return Object.keys(out).length ? out : undefined;
}

function cpuV1(cg: CgroupFiles): CpuStats {
  const percpu = (cg.read('cpuacct', 'cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const st = cg.keyed('cpuacct', 'cpuacct.stat');
  const thr = cg.keyed('cpu', 'cpu.stat');
  return {
    cpu_usage: {
      total_usage: cg.readInt('cpuacct', 'cpuacct.usage') ?? 0, percpu_usage: percpu.length ? percpu : undefined,
      usage_in_kernelmode: ((st.system ?? 0) * 1e9) / CLK_TCK, usage_in_usermode: ((st.user ?? 0) * 1e9) / CLK_TCK,
    },
    throttling_data: { periods: thr.nr_periods ?? 0, throttled_periods: thr.nr_throttled ?? 0, throttled_time: thr.throttled_time ?? 0 },
  };
}

function cpuV2(cg: CgroupFiles): CpuStats {
  const st = cg.keyed('', 'cpu.stat');
  return {
    cpu_usage: { total_usage: (st.usage_usec ?? 0) * 1000, usage_in_kernelmode: (st.system_usec ?? 0) * 1000, usage_in_usermode: (st.user_usec ?? 0) * 1000 },
    throttling_data: { periods: st.nr_periods ?? 0, throttled_periods: st.nr_throttled ?? 0, throttled_time: (st.throttled_usec ?? 0) * 1000 },
  };
}

function memory(cg: CgroupFiles): NonNullable<ContainerStats['memory_stats']> {
  const machine = os.totalmem();
  if (cg.v2) {
    const limit = cg.readInt('', 'memory.max');
    return { usage: cg.readInt('', 'memory.current') ?? 0, stats: cg.keyed('', 'memory.stat'), limit: limit && limit < machine ? limit : machine };
  }
  const limit = cg.readInt('memory', 'memory.limit_in_bytes') ?? machine;
  return {
    usage: cg.readInt('memory', 'memory.usage_in_bytes') ?? 0, max_usage: cg.readInt('memory', 'memory.max_usage_in_bytes') ?? 0,
    stats: cg.keyed('memory', 'memory.stat'), failcnt: cg.readInt('memory', 'memory.failcnt') ?? 0,
    limit: limit > machine ? machine : limit,
  };
}

const NO_BLKIO = { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
  io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null };

function blkio(cg: CgroupFiles): NonNullable<ContainerStats['blkio_stats']> {
  const entries: { major: number; minor: number; op: string; value: number }[] = [];
  if (cg.v2) {
    for (const line of (cg.read('', 'io.stat') ?? '').split('\n')) {
      const [dev, ...kvs] = line.trim().split(/\s+/);
      if (!dev || !dev.includes(':')) continue;
      const [major, minor] = dev.split(':').map(Number) as [number, number];
      const kv = Object.fromEntries(kvs.map((x) => x.split('=')).map(([k, v]) => [k, Number(v)]));
      entries.push({ major, minor, op: 'read', value: kv.rbytes ?? 0 }, { major, minor, op: 'write', value: kv.wbytes ?? 0 });
    }
  } else {
    for (const line of (cg.read('blkio', 'blkio.throttle.io_service_bytes') ?? '').split('\n')) {
      const m = /^(\d+):(\d+)\s+(\w+)\s+(\d+)$/.exec(line.trim());
      if (m) entries.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
    }
  }
  return { ...NO_BLKIO, io_service_bytes_recursive: entries.length ? entries : null };
}

function pidsStats(cg: CgroupFiles): NonNullable<ContainerStats['pids_stats']> {
  const ctrl = cg.v2 ? '' : 'pids';
  const out: NonNullable<ContainerStats['pids_stats']> = { current: cg.readInt(ctrl, 'pids.current') ?? 0 };
  const limit = cg.readInt(ctrl, 'pids.max');
  if (limit) out.limit = limit;
  return out;
}

/** One sample of a container (zeros when it is not running, as Docker). */
export function sample(svc: Pick<ContainerFiles, 'bundle'>, c: Container, pre?: Stats): Stats {
  const base = { name: c.rec.Name, id: c.rec.Id };
  const cg = c.rec.State.Running ? CgroupFiles.fromBundle(svc.bundle(c)) : undefined;
  if (!cg) {
    return { ...base, read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: NO_BLKIO, num_procs: 0,
      storage_stats: {}, cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {} };
  }
  const cpu = cg.v2 ? cpuV2(cg) : cpuV1(cg);
  cpu.system_cpu_usage = systemCpuUsage();
  cpu.online_cpus = onlineCpus();
  const s: Stats = {
    ...base, read: new Date().toISOString(), preread: pre?.read ?? ZERO_TIME,
    pids_stats: pidsStats(cg), blkio_stats: blkio(cg), num_procs: 0, storage_stats: {},
    cpu_stats: cpu, precpu_stats: pre?.cpu_stats ?? emptyCpu(), memory_stats: memory(cg),
  };
  const net = networks(c.rec.State.Pid);
  if (net) s.networks = net;
  return s;
}

/** Write stats as JSON lines: every second while `stream`, else one (two samples unless oneShot). */
export async function streamStats(svc: Pick<ContainerFiles, 'bundle'>, c: Container, out: Writable, opts: { stream: boolean; oneShot: boolean }, closed: Promise<void>): Promise<void> {
  let gone = false;
  void closed.then(() => { gone = true; });
  const wait = (ms: number) => new Promise<void>((r) => { const t = setTimeout(r, ms); void closed.then(() => { clearTimeout(t); r(); }); });
  if (!c.rec.State.Running) { out.write(JSON.stringify(sample(svc, c)) + '\n'); return; }
  if (!opts.stream) {
    let s = sample(svc, c);
    if (!opts.oneShot) { await wait(1000); s = sample(svc, c, s); }
    out.write(JSON.stringify(s) + '\n');
    return;
  }
  let pre: Stats | undefined;
  while (!gone && !c.removed) {
    const s = sample(svc, c, pre);
    if (!out.write(JSON.stringify(s) + '\n')) await new Promise<void>((r) => { out.once('drain', r); void closed.then(() => r()); });
    if (!c.rec.State.Running) break;
    pre = s;
    await wait(1000);
  }
}
