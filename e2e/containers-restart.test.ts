/**
 * berthd crashes and leaks: `kill -9` of berthd with running containers, then a restart — all
 * still running and listed, logs continuous, exits that happened meanwhile recorded; and 100
 * `run --rm` leave mounts, cgroup dirs and container dirs as they were.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok, eventually } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

function cgroupDirs(): string[] {
  const root = '/sys/fs/cgroup';
  const v2 = fs.existsSync(path.join(root, 'cgroup.controllers'));
  const parent = d.cgroupParent.replace(/^\//, '');
  const parents = v2 ? [path.join(root, parent)] : fs.readdirSync(root).map((h) => path.join(root, h, parent));
  return parents.flatMap((p) => { try { return fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(p, e.name)); } catch { return []; } });
}

const mountsUnder = (dir: string) => fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(dir)).length;

test('kill -9 of berthd: containers keep running, exits meanwhile are recorded, logs continue', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(ok(d.berth(['run', '-d', '--name', `keep${i}`, 'busybox', 'sh', '-c', `i=0; while true; do echo keep${i} $i; i=$((i+1)); sleep 0.2; done`])).trim());
  const quitter = ok(d.berth(['run', '-d', '--name', 'quitter', 'busybox', 'sh', '-c', 'sleep 1.5; exit 42'])).trim();
  const pids = ids.map((id) => ok(d.berth(['inspect', '-f', '{{.State.Pid}}', id])).trim());
  const daemonPid = Number(fs.readFileSync(d.pidfile, 'utf8'));
  process.kill(daemonPid, 'SIGKILL');
  await new Promise((r) => d.proc!.once('exit', r));
  await new Promise((r) => setTimeout(r, 2500));
  await d.start();
  const ps = ok(d.berth(['ps']));
  for (let i = 0; i < 20; i++) assert.match(ps, new RegExp(`Up .* keep${i}$`, 'm'));
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', quitter])), 'exited 42\n');
  assert.match(ok(d.berth(['ps', '-a', '--filter', 'name=quitter'])), /Exited \(42\)/);
  assert.deepEqual(ids.map((id) => ok(d.berth(['inspect', '-f', '{{.State.Pid}}', id])).trim()), pids);
  // Logs are continuous: the counter has no gap across the restart.
  await new Promise((r) => setTimeout(r, 500));
  const lines = ok(d.berth(['logs', 'keep0'])).trim().split('\n').map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(lines, lines.map((_, i) => i));
  assert.ok(lines.length > 15, `${lines.length} lines`);
  // The restored daemon still learns of exits.
  ok(d.berth(['stop', '-t', '1', 'keep1']));
  assert.match(ok(d.berth(['ps', '-a', '--filter', 'name=keep1'])), /Exited \(137\)/);
  ok(d.berth(['rm', '-f', ...ids, quitter]));
});

test('no leak after 100 run --rm', async () => {
  ok(d.berth(['run', '--rm', 'busybox', 'true']));
  const base = { cg: cgroupDirs().length, mounts: mountsUnder(d.dir), dirs: fs.readdirSync(path.join(d.dataRoot, 'containers')).length,
    layers: fs.readdirSync(path.join(d.dataRoot, 'overlay2')).length };
  for (let i = 0; i < 100; i++) {
    const r = d.berth(['run', '--rm', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
  }
  await eventually(() => fs.readdirSync(path.join(d.dataRoot, 'containers')).length === base.dirs);
  assert.equal(cgroupDirs().length, base.cg);
  assert.equal(mountsUnder(d.dir), base.mounts);
  assert.equal(fs.readdirSync(path.join(d.dataRoot, 'overlay2')).length, base.layers);
  assert.equal(ok(d.berth(['ps', '-aq'])), '');
});

test('SIGTERM of berthd stops its containers as dockerd does; always comes back at the next start', async () => {
  const always = ok(d.berth(['run', '-d', '--restart', 'always', '--name', 'down-always', '--stop-timeout', '1', 'busybox', 'sleep', '300'])).trim();
  const plain = ok(d.berth(['run', '-d', '--name', 'down-plain', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done'])).trim();
  const pids = [always, plain].map((id) => Number(ok(d.berth(['inspect', '-f', '{{.State.Pid}}', id])).trim()));
  assert.equal(await d.stop('SIGTERM'), 0);
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `pid ${pid} still alive after berthd stopped`);
  await d.start();
  // `sleep` as PID 1 ignores SIGTERM: SIGKILL after the stop timeout, then `always` restarts it.
  await eventually(() => ok(d.berth(['inspect', '-f', '{{.State.Status}}', always])) === 'running\n', 10000);
  assert.equal(ok(d.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', plain])), 'exited 7\n');
  ok(d.berth(['rm', '-f', always, plain]));
});

test('with live-restore, SIGTERM of berthd leaves containers running', async () => {
  const { TestDaemon } = await import('./harness.js');
  const { ensureBusybox } = await import('./images.js');
  const lr = new TestDaemon({ config: { 'live-restore': true } });
  try {
    await lr.start();
    ensureBusybox(lr);
    const id = ok(lr.berth(['run', '-d', 'busybox', 'sleep', '300'])).trim();
    const pid = Number(ok(lr.berth(['inspect', '-f', '{{.State.Pid}}', id])).trim());
    assert.equal(await lr.stop('SIGTERM'), 0);
    process.kill(pid, 0); // still alive
    await lr.start();
    assert.equal(ok(lr.berth(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', id])), `running ${pid}\n`);
  } finally {
    await lr.teardown();
  }
});
