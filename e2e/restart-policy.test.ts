/**
 * Restart policies: seed 004's `--restart=on-failure:3` (three restarts, then Exited with
 * RestartCount 3), "Restarting (n) … ago" in ps during the back-off, `stop` ending it, `no` and
 * on-failure with exit 0 not restarting, --rm with --restart refused, and policies surviving a
 * berthd SIGKILL + restart (`always` back, `unless-stopped` stopped by the user left alone).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok, eventually, CLIS } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

const state = (name: string) => ok(d.berth(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', name])).trim();

test('seed 004: --restart=on-failure:3 restarts three times, then stays Exited with RestartCount 3', async () => {
  for (const cli of CLIS) {
    const name = `onfail-${cli}`;
    ok(d[cli](['run', '-d', `--restart=on-failure:3`, '--name', name, 'busybox', 'sh', '-c', 'echo try; exit 1']));
    await eventually(() => state(name) === 'exited 3 1', 10000);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(state(name), 'exited 3 1');
    assert.equal(ok(d[cli](['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.State.Restarting}}', name])), 'on-failure:3 false\n');
    assert.equal(ok(d[cli](['logs', name])), 'try\ntry\ntry\ntry\n');
    assert.match(ok(d[cli](['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Status}}'])), /^Exited \(1\) .* ago\n$/);
    const starts = ok(d.berth(['events', '--since', '5m', '--until', String(Math.floor(Date.now() / 1000) + 1), '-f', `container=${name}`, '-f', 'event=start'])).trim().split('\n');
    assert.equal(starts.length, 4);
  }
});

test('on-failure does not restart a clean exit; no never restarts', async () => {
  ok(d.berth(['run', '-d', '--restart', 'on-failure', '--name', 'clean', 'busybox', 'true']));
  ok(d.berth(['run', '-d', '--name', 'never', 'busybox', 'false']));
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(state('clean'), 'exited 0 0');
  assert.equal(state('never'), 'exited 0 1');
});

test('always: "Restarting (2) … ago" in ps during the back-off; stop ends the restarts', async () => {
  ok(d.docker(['run', '-d', '--restart', 'always', '--name', 'flappy', 'busybox', 'sh', '-c', 'exit 2']));
  await eventually(() => /^Restarting \(2\) (Less than a second|\d+ seconds?) ago$/m.test(ok(d.berth(['ps', '--filter', 'name=flappy', '--format', '{{.Status}}']))), 10000);
  // Each look is a sample of a flapping container: wait for the back-off window in each view.
  await eventually(() => ok(d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Restarting}}', 'flappy'])) === 'restarting true\n', 10000);
  await eventually(() => /flappy/.test(ok(d.berth(['ps', '--filter', 'status=restarting', '--format', '{{.Names}}']))), 10000);
  ok(d.docker(['stop', 'flappy']));
  const count = ok(d.berth(['inspect', '-f', '{{.RestartCount}}', 'flappy'])).trim();
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(ok(d.berth(['inspect', '-f', '{{.State.Status}} {{.State.Restarting}} {{.RestartCount}}', 'flappy'])), `exited false ${count}\n`);
});

test('--rm with --restart is refused', () => {
  for (const cli of CLIS) {
    const r = d[cli](['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(r.stderr, /[Cc]onflicting options: (cannot specify both )?--restart and --rm/);
  }
});

test('policies survive a berthd SIGKILL: always comes back, unless-stopped stopped by the user stays stopped', async () => {
  ok(d.berth(['run', '-d', '--restart', 'always', '--name', 'alive', 'busybox', 'sleep', '300']));
  ok(d.berth(['run', '-d', '--restart', 'always', '--name', 'stopped-always', 'busybox', 'sleep', '300']));
  ok(d.berth(['run', '-d', '--restart', 'unless-stopped', '--name', 'stopped-unless', 'busybox', 'sleep', '300']));
  ok(d.berth(['run', '-d', '--restart', 'unless-stopped', '--name', 'running-unless', 'busybox', 'sleep', '300']));
  ok(d.berth(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']));
  ok(d.berth(['stop', '-t', '0', 'stopped-always', 'stopped-unless']));
  const pid = Number(ok(d.berth(['inspect', '-f', '{{.State.Pid}}', 'running-unless'])).trim());
  const plainPid = Number(ok(d.berth(['inspect', '-f', '{{.State.Pid}}', 'plain'])).trim());
  process.kill(Number(fs.readFileSync(d.pidfile, 'utf8')), 'SIGKILL');
  await new Promise((r) => d.proc!.once('exit', r));
  // While berthd is down the containers' processes die (we started them: kill by PID).
  process.kill(pid, 'SIGKILL');
  process.kill(plainPid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  await d.start();
  await eventually(() => ['alive', 'stopped-always', 'running-unless'].every((n) => state(n).startsWith('running')), 10000);
  assert.match(state('stopped-unless'), /^exited/);
  assert.match(state('plain'), /^exited/);
  for (const cli of CLIS) {
    assert.match(ok(d[cli](['ps', '--format', '{{.Names}}'])).split('\n').sort().join(' '), /alive.* running-unless stopped-always/);
  }
});
