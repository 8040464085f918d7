/**
 * Containers on disk. Each write is atomic (storage/atomic.ts: temp file, fsync, rename), so a
 * crash or a full disk leaves the previous or the next version, never half of one.
 *
 *   <data-root>/containers/<id>/
 *     config.v2.json      ContainerRecord (Config, State, paths …)
 *     hostconfig.json     HostConfig
 *     hostname, hosts, resolv.conf   bind-mounted into the container
 *     <id>-json.log       json-file log (written by berth-monitor)
 *   <data-root>/overlay2/<id>           the container's writable layer (storage/container-layers.ts)
 *   <exec-root>/<id>/     runtime bundle: config.json, monitor.sock, attach.sock, exit.json, exec/<execid>/
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord, HostConfig } from './types.js';
import { removeTemps, writeAtomicSync } from '../storage/atomic.js';

export class ContainerStore {
  readonly root: string;
  readonly bundleRoot: string;

  constructor(dataRoot: string, execRoot: string) {
    this.root = path.join(dataRoot, 'containers');
    this.bundleRoot = path.join(execRoot, 'containers');
    for (const d of [this.root, this.bundleRoot]) fs.mkdirSync(d, { recursive: true, mode: 0o710 });
  }

  dir(id: string): string { return path.join(this.root, id); }
  bundle(id: string): string { return path.join(this.bundleRoot, id); }

  save(rec: ContainerRecord, hc?: HostConfig): void {
    const dir = this.dir(rec.Id);
    writeAtomicSync(path.join(dir, 'config.v2.json'), JSON.stringify(rec));
    if (hc) writeAtomicSync(path.join(dir, 'hostconfig.json'), JSON.stringify(hc));
  }

  /** Every container that has a complete record; half-created ones (no config) are removed. */
  loadAll(): { rec: ContainerRecord; hc: HostConfig }[] {
    const out: { rec: ContainerRecord; hc: HostConfig }[] = [];
    for (const id of fs.readdirSync(this.root)) {
      const dir = this.dir(id);
      try {
        removeTemps(dir);
        const rec = JSON.parse(fs.readFileSync(path.join(dir, 'config.v2.json'), 'utf8')) as ContainerRecord;
        const hc = JSON.parse(fs.readFileSync(path.join(dir, 'hostconfig.json'), 'utf8')) as HostConfig;
        out.push({ rec, hc });
      } catch {
        this.removeFiles(id);
      }
    }
    return out;
  }

  /** The container's own files (its layers are ContainerLayers'). */
  removeFiles(id: string): void {
    for (const d of [this.bundle(id), this.dir(id)]) fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
  }
}
