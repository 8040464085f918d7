// berth-monitor's cgroup v2 device filter (native/monitor/devfilter.c): the eBPF program it
// builds from device rules, attached to a fresh cgroup in the unified hierarchy (also there on a
// hybrid v1 host, where the kernel checks the program before the v1 devices controller), with a
// probe process inside it. Needs root and a cgroup2 mount; the cgroup is removed afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

const monitorSrc = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../native/monitor');
const unified = ['/sys/fs/cgroup/cgroup.controllers', '/sys/fs/cgroup/unified/cgroup.controllers']
  .filter((f) => fs.existsSync(f)).map((f) => path.dirname(f))[0];
const skip = process.getuid?.() !== 0 ? 'needs root' : !unified ? 'no cgroup2 mount' : false;

test('v2 device rules: the last matching rule decides, access must be a subset, nothing matching is denied', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-devfilter-'));
  const cgroup = path.join(unified!, `berth-devfilter-${randomBytes(4).toString('hex')}`);
  try {
    const probe = path.join(dir, 'probe');
    execFileSync('gcc', ['-D_GNU_SOURCE', '-std=gnu11', `-I${monitorSrc}`, '-o', probe,
      path.join(monitorSrc, '../../test/fixtures/devfilter-probe.c'), path.join(monitorSrc, 'devfilter.c'), path.join(monitorSrc, 'utils.c'),
      ...execFileSync('pkg-config', ['--libs', 'jansson'], { encoding: 'utf8' }).trim().split(/\s+/)]);
    fs.mkdirSync(cgroup);
    const out = execFileSync(probe, [cgroup, dir], { encoding: 'utf8' });
    assert.equal(out, 'null-rw=1 zero-r=1 zero-w=0 full-r=0 mknod-1:7=1 mknod-5:0=0\n');
  } finally {
    try { fs.rmdirSync(cgroup); } catch { /* never made */ }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
