/**
 * berth against the real docker CLI on the same berthd: flags read only up to the image,
 * errors printed with Docker's exact words, and the terminal as Docker leaves it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

for (const cli of CLIS) {
  test(`${cli}: flags after the image are the container's arguments, not the CLI's`, () => {
    const name = `${cli}-args`;
    const r = d[cli](['run', '--name', name, 'busybox', 'echo', '--stop-timeout', '--pids-limit']);
    assert.equal(ok(r), '--stop-timeout --pids-limit\n');
    const info = JSON.parse(ok(d[cli](['inspect', name])))[0];
    assert.deepEqual(info.Config.Cmd, ['echo', '--stop-timeout', '--pids-limit']);
    assert.equal(info.Config.StopTimeout, undefined); // not sent: absent, as dockerd's omitempty leaves it
    assert.ok(info.HostConfig.PidsLimit === null || info.HostConfig.PidsLimit === 0, `PidsLimit ${info.HostConfig.PidsLimit}`);
    ok(d[cli](['rm', name]));
  });

  test(`${cli}: flags before the image are sent, 0 included`, () => {
    const name = `${cli}-given`;
    ok(d[cli](['create', '--name', name, '--stop-timeout', '0', '--pids-limit=7', 'busybox', 'true']));
    const info = JSON.parse(ok(d[cli](['inspect', name])))[0];
    assert.equal(info.Config.StopTimeout, 0);
    assert.equal(info.HostConfig.PidsLimit, 7);
    ok(d[cli](['rm', name]));
  });
}

/** docker's stderr in Berth's name: the CLI's own words (`docker: `, `Run 'docker run --help'`). */
const asBerth = (s: string) => s.replace(/\bdocker( |:|')/g, 'berth$1');

test('errors: the whole stderr and the exit code are the docker CLI\'s', () => {
  ok(d.docker(['create', '--name', 'taken', 'busybox', 'true']));
  ok(d.docker(['run', '-d', '--name', 'up', 'busybox', 'sleep', '1000']));
  ok(d.docker(['run', '-dit', '--name', 'up-tty', 'busybox', 'sh']));
  ok(d.docker(['create', '--name', 'broken', 'busybox', 'no-such-command']));
  ok(d.docker(['volume', 'create', 'used']));
  ok(d.docker(['create', '-v', 'used:/data', 'busybox', 'true']));
  const cases: string[][] = [
    ['run', 'busybox', 'no-such-command'],
    ['run', '--rm', 'busybox', '/etc/passwd'],
    ['run', '--name', 'taken', 'busybox', 'true'],
    ['create', '--name', 'taken', 'busybox', 'true'],
    ['start', 'nosuch1', 'nosuch2'],
    ['stop', 'nosuch1', 'up-not', 'nosuch2'],
    ['kill', 'nosuch1', 'nosuch2'],
    ['restart', 'nosuch1'],
    ['pause', 'nosuch1', 'nosuch2'],
    ['unpause', 'nosuch1'],
    ['rm', 'nosuch1', 'nosuch2'],
    ['rm', 'up', 'nosuch1'],
    ['rmi', 'nosuch1', 'nosuch2'],
    ['network', 'rm', 'nosuch1', 'nosuch2'],
    ['volume', 'rm', 'nosuch1', 'nosuch2'],
    ['wait', 'nosuch1'],
    ['inspect', 'nosuch1', 'nosuch2'],
    ['logs', 'nosuch1'],
    ['exec', 'nosuch1', 'true'],
    ['exec', 'up', 'no-such-command'],
    ['exec', 'taken', 'true'],
    ['run', '-it', 'busybox', 'true'],
    ['run', '-t', '-i', '--rm', 'busybox', 'true'],
    ['exec', '-it', 'up', 'true'],
    ['start', '-ai', 'taken'],
    ['attach', 'up-tty'],
    ['attach', 'taken'],
    ['start', 'broken', 'nosuch1'],
    ['run', '-d', 'busybox', 'no-such-command'],
    ['volume', 'rm', 'used', 'nosuch1'],
    ['rmi', 'busybox'],
    ['network', 'rm', 'bridge', 'nosuch1'],
    ['rename', 'nosuch1', 'x'],
    ['top', 'nosuch1'],
    ['port', 'nosuch1'],
    ['update', '--cpu-shares', '2', 'nosuch1', 'nosuch2'],
    ['rm'],
    ['run'],
    ['run', '--bogus', 'busybox'],
    ['run', '--stop-timeout', 'x', 'busybox'],
    ['run', '-m'],
    ['stop', '-t', 'x', 'up'],
  ];
  const diffs: string[] = [];
  for (const args of cases) {
    const want = d.docker(args, { input: '' });
    const got = d.berth(args, { input: '' });
    const w = `${want.code} ${asBerth(want.stderr)}`;
    const g = `${got.code} ${got.stderr}`;
    if (w !== g) diffs.push(`${args.join(' ')}\n  docker: ${JSON.stringify(w)}\n  berth:  ${JSON.stringify(g)}`);
  }
  assert.deepEqual(diffs, []);
});
