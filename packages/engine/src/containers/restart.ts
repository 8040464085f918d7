/**
 * Restart policies (moby's restartmanager): `no`, `on-failure[:N]`, `always`, `unless-stopped`.
 * After an exit the container shows "Restarting (code) … ago" while it waits a back-off that
 * doubles from 100 ms (capped at one minute) and resets once a run lasted 10 s. A container the
 * user stopped or killed is not restarted (until the next daemon start for `always`). On berthd
 * start, `always` containers and `unless-stopped` ones the user did not stop are started again.
 */
import { log } from '../log.js';
import type { Container } from './container.js';
import type { RestartHost } from './backend.js';

const DEFAULT_DELAY = 100;
const MAX_DELAY = 60_000;

interface Manager { delay: number; timer?: NodeJS.Timeout; pending?: boolean }

/** The persisted flag (config.v2.json HasBeenManuallyStopped, as dockerd keeps it). */
type Rec = Container['rec'] & { HasBeenManuallyStopped?: boolean };
const rec = (c: Container) => c.rec as Rec;

export class RestartManager {
  private readonly managers = new WeakMap<Container, Manager>();

  constructor(private readonly svc: RestartHost) {
    svc.lifecycle.on('start', (c, byPolicy) => { if (!byPolicy) this.reset(c); });
    // docker stop/kill: the user stopped it (moby sets HasBeenManuallyStopped in killWithSignal).
    svc.lifecycle.on('kill', (c) => { rec(c).HasBeenManuallyStopped = true; });
    svc.lifecycle.on('die', (c) => this.onDie(c, this.manager(c)));
    svc.lifecycle.on('exit', (c) => this.onExit(c));
    svc.lifecycle.on('cancel-restart', (c) => this.cancel(c));
  }

  private manager(c: Container): Manager {
    let m = this.managers.get(c);
    if (!m) { m = { delay: 0 }; this.managers.set(c, m); }
    return m;
  }

  /** A start by the user resets the policy (moby ResetRestartManager). */
  private reset(c: Container): void {
    const m = this.manager(c);
    if (m.timer) { clearTimeout(m.timer); m.timer = undefined; }
    m.delay = 0;
    c.rec.RestartCount = 0;
    c.stopRequested = false;
    rec(c).HasBeenManuallyStopped = false;
  }

  /** moby ShouldRestart: the decision and the back-off for this exit. */
  private shouldRestart(c: Container, m: Manager): boolean {
    const p = c.hc.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
    if (!p.Name || p.Name === 'no' || c.removed || c.hc.AutoRemove) return false;
    if (c.stopRequested || rec(c).HasBeenManuallyStopped || this.svc.shuttingDown) return false;
    const ranMs = Date.parse(c.rec.State.FinishedAt) - Date.parse(c.rec.State.StartedAt);
    if (ranMs >= 10_000) m.delay = 0;
    m.delay = m.delay === 0 ? DEFAULT_DELAY : Math.min(m.delay * 2, MAX_DELAY);
    if (p.Name === 'always' || p.Name === 'unless-stopped') return true;
    if (p.Name === 'on-failure') {
      const max = p.MaximumRetryCount ?? 0;
      return (max === 0 || c.rec.RestartCount < max) && c.rec.State.ExitCode !== 0;
    }
    return false;
  }

  /** Decided when the exit is recorded (before it is saved), so the state never reads "exited" in between. */
  private onDie(c: Container, m: Manager): void {
    m.pending = this.shouldRestart(c, m);
    if (!m.pending) return;
    c.rec.RestartCount++;
    Object.assign(c.rec.State, { Status: 'restarting', Restarting: true });
  }

  /** The run's resources are released: wait the back-off, then start. */
  private onExit(c: Container): void {
    const m = this.manager(c);
    if (!m.pending) {
      if (rec(c).HasBeenManuallyStopped && !c.removed) this.svc.persist(c);
      return;
    }
    m.pending = false;
    m.timer = setTimeout(() => { m.timer = undefined; void this.restart(c, m); }, m.delay);
  }

  private async restart(c: Container, m: Manager): Promise<void> {
    if (c.removed || !c.rec.State.Restarting) return;
    try {
      await this.svc.policyStart(c);
    } catch (e) {
      log.warn('restart policy: start failed', { id: c.rec.Id, error: String(e) });
      // dockerd gives up on a start error: the container stays exited.
      Object.assign(c.rec.State, { Status: 'exited', Restarting: false });
      if (!c.removed) this.svc.persist(c);
    }
  }

  /** `stop` while restarting: no more restarts, the container is exited. */
  private cancel(c: Container): void {
    const m = this.manager(c);
    if (m.timer) { clearTimeout(m.timer); m.timer = undefined; }
    rec(c).HasBeenManuallyStopped = true;
    Object.assign(c.rec.State, { Status: 'exited', Restarting: false });
    if (!c.removed) this.svc.persist(c);
  }

  /** berthd start: bring back what the policies say should run. */
  async startOnBoot(): Promise<void> {
    await Promise.all(this.svc.all().map(async (c) => {
      const p = c.hc.RestartPolicy?.Name;
      if (c.rec.State.Running || this.manager(c).timer) return;
      const wanted = p === 'always' || (p === 'unless-stopped' && !rec(c).HasBeenManuallyStopped)
        || (c.rec.State.Restarting && p === 'on-failure');
      if (!wanted) {
        // A back-off the daemon died in, for a policy that no longer restarts: it is exited.
        if (c.rec.State.Restarting) { Object.assign(c.rec.State, { Status: 'exited', Restarting: false }); this.svc.persist(c); }
        return;
      }
      rec(c).HasBeenManuallyStopped = false;
      c.stopRequested = false;
      try { await this.svc.policyStart(c); } catch (e) {
        log.warn('failed to start container on daemon start', { id: c.rec.Id, error: String(e) });
      }
    }));
  }
}
