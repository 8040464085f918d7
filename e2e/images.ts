/**
 * Test images for e2e tests: the busybox rootfs from scripts/make-busybox-rootfs.sh, imported
 * as `busybox:latest` (CMD ["sh"]) once per daemon.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after } from 'node:test';
import { repo, type TestDaemon } from './harness.js';

let rootfsTar: string | undefined;
const imported = new WeakMap<TestDaemon, string>();

/** The busybox rootfs tarball, built once per test process (removed after the file's tests). */
export function busyboxRootfs(): string {
  if (rootfsTar && fs.existsSync(rootfsTar)) return rootfsTar;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rootfs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  rootfsTar = path.join(dir, 'busybox-rootfs.tar');
  execFileSync('sh', [path.join(repo, 'scripts/make-busybox-rootfs.sh'), rootfsTar], { stdio: ['ignore', 'ignore', 'inherit'] });
  return rootfsTar;
}

/** Import the busybox rootfs as busybox:latest into `d` (once) and return the image ID. */
export function ensureBusybox(d: TestDaemon): string {
  const known = imported.get(d);
  if (known) return known;
  const r = d.berth(['import', '-c', 'CMD ["sh"]', busyboxRootfs(), 'busybox:latest']);
  if (r.code !== 0) throw new Error(`importing busybox failed (${r.code}): ${r.stderr}`);
  const id = r.stdout.trim();
  imported.set(d, id);
  return id;
}

/** The interop fixtures made by the real Docker (e2e/fixtures, see its README). */
export const fixture = (name: string) => path.join(repo, 'e2e/fixtures', name);
