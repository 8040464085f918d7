/**
 * Healthchecks: --health-cmd runs as an exec on --health-interval; healthy after a success,
 * unhealthy after --health-retries failures, "(healthy)"/"(unhealthy)"/"(health: starting)" in
 * ps, State.Health's FailingStreak and Log, health_status events, --no-healthcheck and flag
 * errors — with both berth and the docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok, eventually, CLIS } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

const status = (name: string) => ok(d.berth(['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Status}}'])).trim();

test('healthy: a passing --health-cmd shows (healthy) in ps and State.Health', async () => {
  for (const cli of CLIS) {
    const name = `hok-${cli}`;
    ok(d[cli](['run', '-d', '--name', name, '--health-cmd', 'echo probing; test -e /tmp', '--health-interval', '1s', '--health-retries', '2', 'busybox', 'sleep', '60']));
    assert.match(status(name), /^Up .* \(health: starting\)$/);
    await eventually(() => /\(healthy\)$/.test(status(name)), 8000);
    const h = JSON.parse(ok(d[cli](['inspect', '-f', '{{json .State.Health}}', name])));
    assert.equal(h.Status, 'healthy');
    assert.equal(h.FailingStreak, 0);
    assert.ok(h.Log.length >= 1 && h.Log.length <= 5);
    assert.equal(h.Log[0].ExitCode, 0);
    assert.equal(h.Log[0].Output, 'probing\n');
    assert.ok(Date.parse(h.Log[0].End) >= Date.parse(h.Log[0].Start));
    assert.deepEqual(JSON.parse(ok(d[cli](['inspect', '-f', '{{json .Config.Healthcheck}}', name]))),
      { Test: ['CMD-SHELL', 'echo probing; test -e /tmp'], Interval: 1000000000, Retries: 2 });
  }
});

test('unhealthy after --health-retries failures; the log keeps the last 5; health_status events', async () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  ok(d.docker(['run', '-d', '--name', 'hbad', '--health-cmd', 'echo nope >&2; exit 1', '--health-interval', '200ms', '--health-retries', '3', 'busybox', 'sleep', '60']));
  await eventually(() => /\(unhealthy\)$/.test(status('hbad')), 8000);
  const h = JSON.parse(ok(d.berth(['inspect', '-f', '{{json .State.Health}}', 'hbad'])));
  assert.equal(h.Status, 'unhealthy');
  assert.ok(h.FailingStreak >= 3);
  assert.equal(h.Log.at(-1).ExitCode, 1);
  assert.equal(h.Log.at(-1).Output, 'nope\n');
  await eventually(() => JSON.parse(ok(d.berth(['inspect', '-f', '{{json .State.Health}}', 'hbad']))).Log.length === 5, 5000);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(JSON.parse(ok(d.berth(['inspect', '-f', '{{json .State.Health}}', 'hbad']))).Log.length, 5);
  const ev = ok(d.berth(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '-f', 'container=hbad', '-f', 'event=health_status', '--format', '{{.Action}}']));
  assert.equal(ev, 'health_status: unhealthy\n');
  assert.match(ok(d.docker(['ps', '--format', '{{.Names}} {{.Status}}'])), /hbad Up .* \(unhealthy\)/);
  for (const cli of CLIS) assert.equal(ok(d[cli](['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'])), 'hbad\n');
});

test('a timeout counts as a failure with Docker\'s message', async () => {
  ok(d.berth(['run', '-d', '--name', 'hslow', '--health-cmd', 'sleep 5', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1', 'busybox', 'sleep', '60']));
  await eventually(() => /\(unhealthy\)$/.test(status('hslow')), 8000);
  const h = JSON.parse(ok(d.berth(['inspect', '-f', '{{json .State.Health}}', 'hslow'])));
  assert.equal(h.Log[0].ExitCode, -1);
  assert.equal(h.Log[0].Output, 'Health check exceeded timeout (300ms)');
});

test('--no-healthcheck and flag errors', () => {
  for (const cli of CLIS) {
    ok(d[cli](['create', '--name', `hnone-${cli}`, '--no-healthcheck', 'busybox', 'true']));
    assert.equal(ok(d[cli](['inspect', '-f', '{{json .Config.Healthcheck.Test}}', `hnone-${cli}`])), '["NONE"]\n');
    const a = d[cli](['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true']);
    assert.equal(a.code, 125);
    assert.match(a.stderr, /--no-healthcheck conflicts with --health-\* options/);
    const b = d[cli](['run', '--health-retries=-1', 'busybox', 'true']);
    assert.equal(b.code, 125);
    assert.match(b.stderr, /--health-retries cannot be negative/);
  }
});
