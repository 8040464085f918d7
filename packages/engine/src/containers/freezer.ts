/**
 * pause / unpause through the cgroup freezer: v1 freezer.state FROZEN/THAWED, v2 cgroup.freeze
 * (settled when cgroup.events says `frozen 1`). State.Paused and Status "paused" persist.
 */
import { Conflict } from '@berth/shared';
import { CgroupFiles } from './cgroup-files.js';
import type { Container, ContainerService } from './service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function containerCgroup(svc: ContainerService, c: Container): CgroupFiles {
  const cg = CgroupFiles.fromBundle(svc.bundle(c));
  if (!cg) throw new Conflict(`Container ${c.rec.Id} is not running`);
  return cg;
}

async function settle(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

export async function setFrozen(cg: CgroupFiles, frozen: boolean): Promise<void> {
  if (cg.v2) {
    cg.write('', 'cgroup.freeze', frozen ? '1' : '0');
    const want = frozen ? /^frozen 1$/m : /^frozen 0$/m;
    if (!await settle(() => want.test(cg.read('', 'cgroup.events') ?? ''))) throw new Error('timeout waiting for the cgroup freezer');
    return;
  }
  const state = frozen ? 'FROZEN' : 'THAWED';
  for (let i = 0; i < 1000; i++) {
    cg.write('freezer', 'freezer.state', state);
    if (await settle(() => (cg.read('freezer', 'freezer.state') ?? '').trim() === state, 100)) return;
  }
  throw new Error(`timeout waiting for the cgroup freezer to be ${state}`);
}

function setPaused(svc: ContainerService, c: Container, paused: boolean): void {
  c.rec.State.Paused = paused;
  c.rec.State.Status = paused ? 'paused' : 'running';
  svc.persist(c);
  svc.bus.emit('action', { action: paused ? 'pause' : 'unpause', container: c });
}

export async function pauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const c = svc.get(ref);
  const id = c.rec.Id;
  if (!c.rec.State.Running) throw new Conflict(`Container ${id} is not running`);
  if (c.rec.State.Paused) throw new Conflict(`Container ${id} is already paused`);
  if (c.rec.State.Restarting) throw new Conflict(`Container ${id} is restarting, wait until the container is running`);
  await setFrozen(containerCgroup(svc, c), true);
  setPaused(svc, c, true);
}

export async function unpauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const c = svc.get(ref);
  if (!c.rec.State.Paused) throw new Conflict(`Container ${c.rec.Id} is not paused`);
  await setFrozen(containerCgroup(svc, c), false);
  setPaused(svc, c, false);
}

/**
 * A signal sent to a paused container is only delivered once it thaws: stop, kill and rm -f
 * thaw it after signalling (as Docker does), and it is no longer paused.
 */
export function thawAfterSignal(svc: ContainerService, c: Container): void {
  if (!c.rec.State.Paused) return;
  const cg = CgroupFiles.fromBundle(svc.bundle(c));
  try {
    if (cg?.v2) cg.write('', 'cgroup.freeze', '0');
    else cg?.write('freezer', 'freezer.state', 'THAWED');
  } catch { /* already gone */ }
  c.rec.State.Paused = false;
  if (c.rec.State.Running) c.rec.State.Status = 'running';
}
