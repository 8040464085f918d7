/**
 * The cgroup freezer (pause, unpause, commit --pause): v1 freezer.state FROZEN/THAWED, v2
 * cgroup.freeze (settled when cgroup.events says `frozen 1`).
 */
import { Conflict } from '@berth/shared';
import { CgroupFiles } from './cgroup-files.js';
import type { Container } from './container.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running container's cgroup, from its bundle. */
export function cgroupOf(bundle: string, c: Container): CgroupFiles {
  const cg = CgroupFiles.fromBundle(bundle);
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

/**
 * A signal sent to a paused container is only delivered once it thaws: stop, kill and rm -f
 * thaw it after signalling (as Docker does), and it is no longer paused.
 */
export function thawAfterSignal(bundle: string, c: Container): void {
  if (!c.rec.State.Paused) return;
  const cg = CgroupFiles.fromBundle(bundle);
  try {
    if (cg?.v2) cg.write('', 'cgroup.freeze', '0');
    else cg?.write('freezer', 'freezer.state', 'THAWED');
  } catch { /* already gone */ }
  c.rec.State.Paused = false;
  if (c.rec.State.Running) c.rec.State.Status = 'running';
}
