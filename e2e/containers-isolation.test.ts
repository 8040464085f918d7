/**
 * Isolation and resources with berth and the real docker CLI: own PID 1, hostname, no host
 * processes, read-only /proc/sys, Docker's default capability set, --privileged, --pid host,
 * -m in inspect and in the cgroup, OOM kill reported, --read-only, --cap-drop, --init, -u.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

/** The container's memory cgroup dir on this host (v1 memory hierarchy or v2 unified). */
function memoryLimitFile(id: string): string {
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  const parent = d.cgroupParent.replace(/^\//, '');
  return v2 ? `/sys/fs/cgroup/${parent}/${id}/memory.max` : `/sys/fs/cgroup/memory/${parent}/${id}/memory.limit_in_bytes`;
}

for (const cli of CLIS) {
  const run = (args: string[]) => d[cli](args);

  test(`${cli}: own PID 1, own hostname, no host processes`, () => {
    const out = ok(run(['run', '--rm', '-h', 'iso', 'busybox', 'sh', '-c', 'echo $$; hostname; ps -o pid,comm | wc -l']));
    assert.deepEqual(out.split('\n').slice(0, 2), ['1', 'iso']);
    assert.ok(Number(out.split('\n')[2]) <= 4, out); // header, sh, ps, wc
  });

  test(`${cli}: /proc/sys is read-only and /proc/timer_list masked`, () => {
    const r = run(['run', '--rm', 'busybox', 'sh', '-c', 'echo 1 > /proc/sys/kernel/ns_last_pid']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Read-only file system/);
    assert.equal(ok(run(['run', '--rm', 'busybox', 'sh', '-c', 'wc -c < /proc/timer_list'])).trim(), '0');
  });

  test(`${cli}: default capabilities are Docker's, --privileged lifts them, --cap-drop removes`, () => {
    assert.equal(ok(run(['run', '--rm', 'busybox', 'grep', 'CapBnd', '/proc/self/status'])), 'CapBnd:\t00000000a80425fb\n');
    const priv = ok(run(['run', '--rm', '--privileged', 'busybox', 'grep', 'CapBnd', '/proc/self/status']));
    assert.notEqual(priv, 'CapBnd:\t00000000a80425fb\n');
    assert.ok(BigInt('0x' + priv.split('\t')[1]!.trim()) > 0xa80425fbn);
    assert.equal(ok(run(['run', '--rm', '--cap-drop', 'ALL', 'busybox', 'grep', 'CapBnd', '/proc/self/status'])), 'CapBnd:\t0000000000000000\n');
    assert.equal(ok(run(['run', '--rm', '--cap-drop', 'chown', '--cap-add', 'SYS_ADMIN', 'busybox', 'grep', 'CapBnd', '/proc/self/status'])), 'CapBnd:\t00000000a82425fa\n');
  });

  test(`${cli}: --pid host sees host processes`, () => {
    const n = Number(ok(run(['run', '--rm', '--pid', 'host', 'busybox', 'sh', '-c', 'ls -d /proc/[0-9]* | wc -l'])).trim());
    assert.ok(n > 10, `only ${n} processes`);
  });

  test(`${cli}: -m 64m shows in inspect and in the cgroup's memory limit`, () => {
    const id = ok(run(['run', '-d', '-m', '64m', 'busybox', 'sleep', '1000'])).trim();
    assert.equal(ok(run(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', id])), '67108864 134217728\n');
    assert.equal(fs.readFileSync(memoryLimitFile(id), 'utf8').trim(), '67108864');
    ok(run(['rm', '-f', id]));
    assert.ok(!fs.existsSync(memoryLimitFile(id)), 'cgroup removed with the container');
  });

  test(`${cli}: a process over its memory limit is OOM-killed and reported`, () => {
    const r = run(['run', '--name', `${cli}-oom`, '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived']);
    assert.equal(r.code, 137, r.stderr);
    assert.equal(ok(run(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', `${cli}-oom`])), 'true 137\n');
    ok(run(['rm', `${cli}-oom`]));
  });

  test(`${cli}: --read-only root, --tmpfs, -u, --init, --pids-limit`, () => {
    const ro = run(['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(ok(run(['run', '--rm', '--read-only', '--tmpfs', '/scratch', 'busybox', 'sh', '-c', 'touch /scratch/x && echo ok'])), 'ok\n');
    assert.equal(ok(run(['run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'id -un; cat /etc/hostname /etc/hosts >/dev/null && echo readable'])), 'nobody\nreadable\n');
    assert.equal(ok(run(['run', '--rm', '-u', '1000:1000', 'busybox', 'id', '-u'])), '1000\n');
    assert.equal(ok(run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/comm; echo $$'])).split('\n')[1] === '1', false);
    const id = ok(run(['run', '-d', '--pids-limit', '20', 'busybox', 'sleep', '1000'])).trim();
    assert.equal(ok(run(['inspect', '-f', '{{.HostConfig.PidsLimit}}', id])), '20\n');
    ok(run(['rm', '-f', id]));
  });

  test(`${cli}: --network none has only lo; --network host shares the daemon's netns`, () => {
    assert.equal(ok(run(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net'])).trim(), 'lo');
    const host = ok(run(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'ls /sys/class/net | sort | tr "\\n" " "']));
    const daemon = d.inNetns(['ip', '-o', 'link', 'show']).stdout.split('\n').filter(Boolean)
      .map((l) => l.split(': ')[1]!.split('@')[0]!).sort().map((n) => `${n} `).join('');
    assert.equal(host, daemon);
  });
}
