#!/usr/bin/env node
// Bench (not a test): the container start path, median of N runs each, beside the floor on this
// machine (`unshare --fork --pid --mount --uts --ipc --net true`), node's own start-up, and, when
// installed, `crun run` of the same rootfs:
//   berth run --rm busybox true     end to end through the berth CLI
//   berth run --rm -p 0:80 ...      the same with a published port (bound, held and released)
//   docker run --rm busybox true    the real docker CLI against berthd
//   create + start                  API calls only (no CLI start-up), container runs `true`
//   exec true                       berth exec into a running container
//   ps -a (200 containers)          berth ps -a with 200 created containers
// Run as root from the repo: node --import tsx bench/containers.mjs [--runs 15]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { TestDaemon } from '../e2e/harness.ts';
import { runsFromArgs, timeIt, must } from './timing.mjs';
import { ensureBusybox, busyboxRootfs } from '../e2e/images.ts';

const runs = runsFromArgs(15);
const time = (fn, n = runs) => timeIt(fn, n);
function api(d, method, p, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, path: p, method, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => (res.statusCode >= 400 ? reject(new Error(`${p}: ${res.statusCode} ${data}`)) : resolve(data ? JSON.parse(data) : null)));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const d = new TestDaemon();
await d.start();
const rows = [];
try {
  ensureBusybox(d);
  must(d.berth(['run', '--rm', 'busybox', 'true']), 'warm-up');
  const floor = await time(() => execFileSync('unshare', ['--fork', '--pid', '--mount', '--uts', '--ipc', '--net', 'true']));
  const nodeStart = await time(() => execFileSync(process.execPath, ['-e', '0']));
  rows.push(['unshare --fork --pid --mount --uts --ipc --net true (floor)', floor]);
  rows.push(['node -e 0 (node start-up)', nodeStart]);
  rows.push(['berth run --rm busybox true', await time(() => must(d.berth(['run', '--rm', 'busybox', 'true']), 'run'))]);
  rows.push(['berth run --rm -p 0:80 busybox true', await time(() => must(d.berth(['run', '--rm', '-p', '0:80', 'busybox', 'true']), 'run -p'))]);
  rows.push(['docker run --rm busybox true (docker CLI → berthd)', await time(() => must(d.docker(['run', '--rm', 'busybox', 'true']), 'docker run'))]);
  rows.push(['create + start + wait (API)', await time(async () => {
    const { Id } = await api(d, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    const wait = api(d, 'POST', `/containers/${Id}/wait?condition=next-exit`);
    await api(d, 'POST', `/containers/${Id}/start`);
    await wait;
    await api(d, 'DELETE', `/containers/${Id}`);
  })]);
  const id = must(d.berth(['run', '-d', 'busybox', 'sleep', '3600']), 'run -d').trim();
  rows.push(['berth exec true', await time(() => must(d.berth(['exec', id, 'true']), 'exec'))]);
  must(d.berth(['rm', '-f', id]), 'rm');
  for (let i = 0; i < 200; i++) await api(d, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'] });
  rows.push(['berth ps -a (200 containers)', await time(() => must(d.berth(['ps', '-a']), 'ps'), Math.min(runs, 7))]);
  if (spawnSync('sh', ['-c', 'command -v crun']).status === 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-crun-'));
    fs.mkdirSync(path.join(dir, 'rootfs'));
    execFileSync('tar', ['-xf', busyboxRootfs(), '-C', path.join(dir, 'rootfs')]);
    execFileSync('crun', ['spec'], { cwd: dir });
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    spec.process.terminal = false;
    spec.process.args = ['true'];
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec));
    let n = 0;
    const probe = spawnSync('crun', ['run', `bench${n++}`], { cwd: dir, encoding: 'utf8' });
    // crun refuses hybrid cgroup hierarchies; the row is left out there.
    if (probe.status === 0) rows.push(['crun run (same rootfs)', await time(() => execFileSync('crun', ['run', `bench${n++}`], { cwd: dir }))]);
    else console.log(`crun run skipped: ${probe.stderr.trim()}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`median of ${runs} runs (ms), ratio to the unshare floor`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v.toFixed(1).padStart(8)}  ${(v / floor).toFixed(1).padStart(6)}x`);
} finally {
  await d.teardown();
}
