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
