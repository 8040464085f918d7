/** Helpers for the build e2e tests: a daemon with busybox, fresh context dirs, exit-0 checks. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before } from 'node:test';
import { useDaemon, type RunResult, type TestDaemon } from './harness.js';
import { ensureBusybox } from './images.js';

export interface BuildEnv { d: TestDaemon; context(files: Record<string, string>): string }

/** Start a daemon with busybox:latest before the file's tests and hand it to `ready`. */
export function buildEnv(ready: (d: TestDaemon) => void): BuildEnv {
  let root = '';
  let n = 0;
  const env: BuildEnv = {
    d: undefined as unknown as TestDaemon,
    context(files) {
      const dir = path.join(root, `c${++n}`);
      for (const [name, v] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), v);
      }
      return dir;
    },
  };
  before(async () => {
    env.d = await useDaemon();
    root = path.join(env.d.dir, 'ctx');
    fs.mkdirSync(root);
    ensureBusybox(env.d);
    ready(env.d);
  });
  return env;
}

export const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };
