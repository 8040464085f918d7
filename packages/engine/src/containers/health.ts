/**
 * Healthchecks (moby daemon/health.go): Config.Healthcheck (the container's, over the image's
 * HEALTHCHECK) runs as an exec every Interval (StartInterval while starting within StartPeriod);
 * exit 0 is healthy, anything else a failure, Retries consecutive failures make it unhealthy.
 * State.Health keeps Status, FailingStreak and the last 5 results; a status change logs a
 * `health_status: <status>` event.
 */
import { Duplex } from 'node:stream';
import { containerAttrs, type Container } from './container.js';
import type { ExecService } from './exec.js';
import type { HealthHost } from './backend.js';
import { noEvents, type EventSink, type HealthStatus } from '../events/types.js';

export interface Healthcheck {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface HealthResult { Start: string; End: string; ExitCode: number; Output: string }
export interface Health { Status: HealthStatus; FailingStreak: number; Log: HealthResult[] }

/** The exec calls a probe makes. */
export type ProbeExecs = Pick<ExecService, 'create' | 'start' | 'inspect'>;

const SEC = 1e9;
const DEFAULTS = { interval: 30 * SEC, timeout: 30 * SEC, startPeriod: 0, startInterval: 5 * SEC, retries: 3 };
const MAX_LOG = 5;
const MAX_OUTPUT = 4096;

/** moby's merge of the image's healthcheck into the container's (empty Test and zero durations inherit). */
export function mergeHealthcheck(given: Healthcheck | null | undefined, image: Healthcheck | null | undefined): Healthcheck | undefined {
  if (!given && !image) return undefined;
  const out: Healthcheck = { ...(given ?? {}) };
  if (!out.Test?.length) out.Test = image?.Test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if (!out[k]) out[k] = image?.[k];
  // Go's omitempty: zero durations, no retries and an empty Test are left out.
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && v !== null && v !== 0 && !(Array.isArray(v) && !v.length))) as Healthcheck;
}

type StateWithHealth = Container['rec']['State'] & { Health?: Health };
const state = (c: Container) => c.rec.State as StateWithHealth;

/** The probe's argv, or null when checks are off (no Test, NONE). */
export function probeCommand(hc: Healthcheck | undefined): string[] | null {
  const t = hc?.Test;
  if (!t?.length || t[0] === 'NONE') return null;
  if (t[0] === 'CMD-SHELL') return ['/bin/sh', '-c', t.slice(1).join(' ')];
  if (t[0] === 'CMD') return t.slice(1).length ? t.slice(1) : null;
  return null;
}

/** Go's time.Duration String(): "300ms", "30s", "1m30s", "1h0m0s". */
export function goDuration(ns: number): string {
  const trim = (n: number) => String(Number(n.toFixed(9)));
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const sec = trim((ns % 60e9) / 1e9);
  if (h) return `${h}h${m}m${sec}s`;
  if (m) return `${m}m${sec}s`;
  return `${sec}s`;
}

const nowIso = () => new Date().toISOString().replace(/Z$/, `${String(process.hrtime()[1] % 1_000_000).padStart(6, '0')}Z`);

/** Collects an exec's multiplexed output (stdout and stderr together, as Docker's probe does). */
function captureStream(): { stream: Duplex; output(): string } {
  const chunks: Buffer[] = [];
  const stream = new Duplex({ read() {}, write(chunk: Buffer, _e, cb) { chunks.push(chunk); cb(); }, final(cb) { this.push(null); cb(); } });
  return {
    stream,
    output() {
      const buf = Buffer.concat(chunks);
      const parts: Buffer[] = [];
      for (let off = 0; off + 8 <= buf.length;) {
        const len = buf.readUInt32BE(off + 4);
        parts.push(buf.subarray(off + 8, off + 8 + len));
        off += 8 + len;
      }
      return Buffer.concat(parts).subarray(0, MAX_OUTPUT).toString('utf8');
    },
  };
}

export class HealthMonitor {
  private readonly timers = new Map<Container, NodeJS.Timeout>();

  constructor(private readonly svc: HealthHost, private readonly execs: ProbeExecs, private readonly events: EventSink = noEvents) {
    svc.lifecycle.on('start', (c) => this.begin(c, true));
    svc.lifecycle.on('exit', (c) => this.end(c));
    svc.lifecycle.on('removed', (c) => this.end(c));
  }

  /** After a berthd restart: resume checks of the running containers. */
  resumeAll(): void {
    for (const c of this.svc.all()) if (c.rec.State.Running) this.begin(c, !state(c).Health);
  }

  private config(c: Container): Healthcheck | undefined { return c.rec.Config.Healthcheck as Healthcheck | undefined; }

  private begin(c: Container, reset: boolean): void {
    this.end(c);
    if (!probeCommand(this.config(c))) return;
    if (reset) state(c).Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    this.schedule(c);
  }

  private end(c: Container): void {
    const t = this.timers.get(c);
    if (t) clearTimeout(t);
    this.timers.delete(c);
  }

  private interval(c: Container): number {
    const hc = this.config(c) ?? {};
    const startPeriod = hc.StartPeriod || DEFAULTS.startPeriod;
    const sinceStart = (Date.now() - Date.parse(c.rec.State.StartedAt)) * 1e6;
    if (sinceStart < startPeriod && state(c).Health?.Status === 'starting') return hc.StartInterval || DEFAULTS.startInterval;
    return hc.Interval || DEFAULTS.interval;
  }

  private schedule(c: Container): void {
    const t = setTimeout(() => { void this.probe(c).finally(() => { if (this.timers.get(c) === t) this.schedule(c); }); }, this.interval(c) / 1e6);
    this.timers.set(c, t);
  }

  private async probe(c: Container): Promise<void> {
    const cmd = probeCommand(this.config(c));
    if (!cmd || !c.rec.State.Running || c.removed || c.rec.State.Paused) return;
    const timeoutNs = this.config(c)?.Timeout || DEFAULTS.timeout;
    const start = nowIso();
    let result: HealthResult;
    try {
      const { Id } = this.execs.create(c.rec.Id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const cap = captureStream();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutNs / 1e6); });
      const done = this.execs.start(Id, { detach: false }, () => cap.stream).then(() => 'done' as const);
      const outcome = await Promise.race([done, timedOut]);
      clearTimeout(timer);
      const info = this.execs.inspect(Id) as { ExitCode: number | null; Pid: number };
      c.rec.ExecIDs = c.rec.ExecIDs.filter((x) => x !== Id); // probes are not the user's execs
      if (outcome === 'timeout') {
        try { if (info.Pid > 0) process.kill(info.Pid, 'SIGKILL'); } catch { /* gone */ }
        result = { Start: start, End: nowIso(), ExitCode: -1, Output: `Health check exceeded timeout (${goDuration(timeoutNs)})` };
      } else {
        result = { Start: start, End: nowIso(), ExitCode: info.ExitCode ?? -1, Output: cap.output() };
      }
    } catch (e) {
      result = { Start: start, End: nowIso(), ExitCode: -1, Output: (e as Error).message };
    }
    if (!c.rec.State.Running || c.removed) return;
    this.record(c, result);
  }

  private record(c: Container, r: HealthResult): void {
    const h = state(c).Health ?? (state(c).Health = { Status: 'starting', FailingStreak: 0, Log: [] });
    const old = h.Status;
    h.Log = [...h.Log, r].slice(-MAX_LOG);
    if (r.ExitCode === 0) {
      h.FailingStreak = 0;
      h.Status = 'healthy';
    } else {
      const hc = this.config(c) ?? {};
      const inStart = h.Status === 'starting' && (Date.parse(r.Start) - Date.parse(c.rec.State.StartedAt)) * 1e6 < (hc.StartPeriod || 0);
      if (!inStart) {
        h.FailingStreak++;
        if (h.FailingStreak >= (hc.Retries && hc.Retries > 0 ? hc.Retries : DEFAULTS.retries)) h.Status = 'unhealthy';
      }
    }
    this.svc.persist(c);
    if (h.Status !== old) this.events.emit('container', `health_status: ${h.Status}`, c.rec.Id, containerAttrs(c));
  }
}

/** ps's suffix: "(healthy)", "(unhealthy)", "(health: starting)", or "" without a healthcheck. */
export function healthSuffix(c: Container): string {
  const h = state(c).Health;
  if (!h || !c.rec.State.Running) return '';
  return h.Status === 'starting' ? ' (health: starting)' : ` (${h.Status})`;
}
