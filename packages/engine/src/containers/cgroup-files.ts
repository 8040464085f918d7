/**
 * A running container's cgroup, found from the cgroupsPath its bundle's config.json names (the
 * path berth-monitor created), on cgroup v1 (one dir per controller hierarchy) or v2.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';

export function isCgroupV2(): boolean {
  return fs.existsSync(path.join(ROOT, 'cgroup.controllers'));
}

export class CgroupFiles {
  readonly v2 = isCgroupV2();
  constructor(readonly rel: string) {}

  /** The container's cgroup from its bundle, or undefined when it has no config.json. */
  static fromBundle(bundle: string): CgroupFiles | undefined {
    try {
      const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
      const p = String(spec?.linux?.cgroupsPath ?? '');
      return p ? new CgroupFiles(p.replace(/^\/+/, '')) : undefined;
    } catch { return undefined; }
  }

  /** Directory of `controller` (ignored on v2). */
  dir(controller: string): string {
    return this.v2 ? path.join(ROOT, this.rel) : path.join(ROOT, controller, this.rel);
  }

  read(controller: string, file: string): string | undefined {
    try { return fs.readFileSync(path.join(this.dir(controller), file), 'utf8'); } catch { return undefined; }
  }

  readInt(controller: string, file: string): number | undefined {
    const v = this.read(controller, file)?.trim();
    if (v === undefined || v === '' || v === 'max') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  has(controller: string, file: string): boolean {
    return fs.existsSync(path.join(this.dir(controller), file));
  }

  write(controller: string, file: string, value: string | number): void {
    fs.writeFileSync(path.join(this.dir(controller), file), String(value));
  }

  /** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) as numbers. */
  keyed(controller: string, file: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const line of (this.read(controller, file) ?? '').split('\n')) {
      const [k, v] = line.trim().split(/\s+/);
      if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
    }
    return out;
  }

  /** PIDs in the container's cgroup and below (host PIDs). */
  pids(): number[] {
    const base = this.v2 ? this.dir('') : ['pids', 'freezer', 'memory', 'cpu'].map((c) => this.dir(c)).find((d) => fs.existsSync(d)) ?? this.dir('pids');
    const out: number[] = [];
    const walk = (d: string) => {
      try {
        for (const l of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n')) if (l.trim()) out.push(Number(l));
        for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
      } catch { /* gone */ }
    };
    walk(base);
    return out;
  }
}
