/**
 * Container lifecycle with berth and the real docker CLI: run (output, exit codes 0/3/125/126/127
 * with Docker's texts), -d + logs -f + stop + ps -a, --rm, -i, create/start/wait, kill, rm
 * conflicts, names, inspect fields, image config honoured.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok, eventually } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

for (const cli of CLIS) {
  const run = (args: string[], opts: { input?: string } = {}) => d[cli](args, opts);

  test(`${cli}: run --rm busybox echo hello prints hello and leaves nothing`, () => {
    assert.equal(ok(run(['run', '--rm', '--name', `${cli}-hello`, 'busybox', 'echo', 'hello'])), 'hello\n');
    assert.equal(ok(run(['ps', '-aq', '--filter', `name=${cli}-hello`])).trim(), '');
  });

  test(`${cli}: exit codes 0 and 3 come back`, () => {
    assert.equal(run(['run', '--rm', 'busybox', 'true']).code, 0);
    assert.equal(run(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
  });

  test(`${cli}: 127 for a command not found, with Docker's text`, () => {
    const r = run(['run', '--rm', 'busybox', 'nosuch']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, new RegExp(`^${cli}: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuch": executable file not found in \\$PATH: unknown`, 'm'));
  });

  test(`${cli}: 126 for a file that cannot be executed`, () => {
    const r = run(['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(r.code, 126);
    assert.match(r.stderr, /exec: "\/etc\/passwd": permission denied/);
  });

  test(`${cli}: 125 for a bad flag value and for an image that cannot be pulled`, () => {
    const r = run(['run', '--rm', '-m', 'lots', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /invalid argument "lots" for "-m, --memory" flag/);
    const p = run(['run', '--rm', '127.0.0.1:1/nosuch', 'true']);
    assert.equal(p.code, 125);
    assert.match(p.stderr, /Unable to find image '127\.0\.0\.1:1\/nosuch:latest' locally/);
  });

  test(`${cli}: run -d, logs -f, stop, ps -a shows Exited`, () => {
    const id = ok(run(['run', '-d', '--name', `${cli}-ticker`, 'busybox', 'sh', '-c', 'echo start; trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = ok(run(['ps']));
    assert.match(ps, /^CONTAINER ID {3}IMAGE {5}COMMAND {18}CREATED +STATUS +PORTS {5}NAMES$/m);
    assert.match(ps, new RegExp(`^${id.slice(0, 12)} {3}busybox {3}"sh -c 'echo start; …" .*Up .*${cli}-ticker$`, 'm'));
    const stop = ok(run(['stop', `${cli}-ticker`]));
    assert.equal(stop, `${cli}-ticker\n`);
    assert.equal(ok(run(['logs', '-f', `${cli}-ticker`])), 'start\nbye\n');
    assert.match(ok(run(['ps', '-a', '--filter', `name=${cli}-ticker`])), /Exited \(0\) (Less than a second|\d+ seconds?) ago/);
    ok(run(['rm', `${cli}-ticker`]));
  });

  test(`${cli}: logs -f follows a running container until it exits`, () => {
    const id = ok(run(['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.2; done'])).trim();
    assert.equal(ok(run(['logs', '-f', id])), '1\n2\n3\n');
    assert.equal(ok(run(['logs', '--tail', '1', id])), '3\n');
    assert.match(ok(run(['logs', '-t', id])), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z 1$/m);
    ok(run(['rm', id]));
  });

  test(`${cli}: -i passes stdin and closes it at EOF`, () => {
    assert.equal(ok(run(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'from stdin\n' })), 'from stdin\n');
  });

  test(`${cli}: stderr stays stderr`, () => {
    const r = run(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test(`${cli}: create, start, wait, inspect`, () => {
    const id = ok(run(['create', '--name', `${cli}-c1`, '-e', 'FOO=bar', '-w', '/tmp', '-h', 'myhost', '-l', 'a=b', 'busybox', 'sh', '-c', 'echo $FOO $(pwd) $(hostname) $HOSTNAME; exit 2'])).trim();
    assert.equal(ok(run(['inspect', '-f', '{{.State.Status}} {{.Name}} {{.Config.Hostname}} {{.Config.Labels.a}}', id])), `created /${cli}-c1 myhost b\n`);
    assert.match(ok(run(['ps', '-a', '--filter', `name=${cli}-c1`])), /Created/);
    assert.equal(ok(run(['start', `${cli}-c1`])), `${cli}-c1\n`);
    assert.equal(ok(run(['wait', `${cli}-c1`])), '2\n');
    assert.equal(ok(run(['logs', id])), 'bar /tmp myhost myhost\n');
    const info = JSON.parse(ok(run(['container', 'inspect', id])))[0];
    assert.equal(info.Id, id);
    assert.equal(info.State.ExitCode, 2);
    assert.equal(info.State.Running, false);
    assert.equal(info.Driver, 'overlay2');
    assert.equal(info.Path, 'sh');
    assert.deepEqual(info.Args, ['-c', 'echo $FOO $(pwd) $(hostname) $HOSTNAME; exit 2']);
    assert.ok(info.GraphDriver.Data.UpperDir.endsWith('/diff'));
    assert.equal(info.HostConfig.NetworkMode, 'bridge');
    assert.ok(info.Config.Env.includes('FOO=bar'));
    assert.equal(info.Config.Cmd[0], 'sh');
    ok(run(['rm', id]));
  });

  test(`${cli}: image CMD is used when no command is given, and -d prints the ID`, () => {
    const id = ok(run(['run', '-d', '-i', 'busybox'])).trim();
    assert.equal(ok(run(['inspect', '-f', '{{json .Config.Cmd}} {{.State.Running}}', id])), '["sh"] true\n');
    ok(run(['rm', '-f', id]));
  });

  test(`${cli}: name conflicts are refused with Docker's message`, () => {
    const id = ok(run(['create', '--name', `${cli}-dup`, 'busybox', 'true'])).trim();
    const r = run(['create', '--name', `${cli}-dup`, 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`Conflict\\. The container name "/${cli}-dup" is already in use by container "${id}"\\. You have to remove \\(or rename\\) that container to be able to reuse that name\\.`));
    ok(run(['rm', id]));
  });

  test(`${cli}: kill, rm of a running container, restart, --restart with --rm`, async () => {
    const id = ok(run(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
    const rm = run(['rm', id]);
    assert.equal(rm.code, 1);
    // moby's daemon/delete.go: cleanupContainer's text wrapped by containerRm with the name as given
    assert.match(rm.stderr, new RegExp(`Error response from daemon: You cannot remove a running container ${id}\\. Stop the container before attempting removal or force remove`));
    ok(run(['restart', '-t', '0', id]));
    assert.equal(ok(run(['inspect', '-f', '{{.State.Running}}', id])), 'true\n');
    ok(run(['kill', id]));
    assert.equal(ok(run(['inspect', '-f', '{{.State.ExitCode}} {{.State.Status}}', id])), '137 exited\n');
    const again = run(['kill', id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not running/);
    ok(run(['rm', id]));
    const conflict = run(['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /^(berth|docker): conflicting options: cannot specify both --restart and --rm$/m);
    await eventually(() => run(['ps', '-aq', '--filter', `id=${id}`]).stdout.trim() === '');
  });

  test(`${cli}: generated names look like Docker's`, () => {
    const id = ok(run(['create', 'busybox', 'true'])).trim();
    assert.match(ok(run(['inspect', '-f', '{{.Name}}', id])), /^\/[a-z]+_[a-z]+\n$/);
    ok(run(['rm', id]));
  });

  test(`${cli}: exec sees the container's PID 1 and hostname, and returns its exit code`, () => {
    const id = ok(run(['run', '-d', '-h', 'exechost', 'busybox', 'sleep', '1000'])).trim();
    assert.equal(ok(run(['exec', id, 'hostname'])), 'exechost\n');
    assert.match(ok(run(['exec', id, 'cat', '/proc/1/cmdline'])), /^sleep\x001000\x00$/);
    assert.equal(run(['exec', id, 'sh', '-c', 'exit 6']).code, 6);
    assert.equal(ok(run(['exec', '-e', 'X=1', '-w', '/tmp', id, 'sh', '-c', 'echo $X $(pwd)'])), '1 /tmp\n');
    assert.equal(ok(run(['exec', '-i', id, 'cat'], { input: 'piped\n' })), 'piped\n');
    const bad = run(['exec', id, 'nosuch']);
    assert.equal(bad.code, 126); // dockerd 20.10: any exec start failure
    assert.match(bad.stdout + bad.stderr, /exec: "nosuch": executable file not found in \$PATH/);
    ok(run(['rm', '-f', id]));
  });
}
