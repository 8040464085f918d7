/** Shared bits of the containers e2e files: a daemon with busybox imported, and assertion helpers. */
import assert from 'node:assert/strict';
import { useDaemon, type TestDaemon, type RunResult } from './harness.js';
import { ensureBusybox } from './images.js';

export type Cli = 'berth' | 'docker';
export const CLIS: Cli[] = ['berth', 'docker'];

export async function busyboxDaemon(): Promise<TestDaemon> {
  const d = await useDaemon();
  ensureBusybox(d);
  return d;
}

export function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Poll a condition (for states that settle asynchronously in the daemon). */
export async function eventually(fn: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(fn(), 'condition not met in time');
}
