/**
 * The rest of the container commands' flags with berth and the real docker CLI: ps filters,
 * -n/-l/-s/--format, logs --since/--until/--details, attach, start -a, stop -s, kill -s,
 * --stop-signal, --entrypoint, --env-file/--label-file, inspect -s, top-level inspect, exec -d/-u,
 * -a, prune.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok, eventually } from './containers-helpers.js';

let d: TestDaemon;
let tmp: string;
before(async () => {
  d = await busyboxDaemon();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctr-cli-'));
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

for (const cli of CLIS) {
  const run = (args: string[], opts: { input?: string } = {}) => d[cli](args, opts);
  const p = (s: string) => `${cli}-${s}`;

  test(`${cli}: ps filters, -n, -l, -q, --no-trunc, -s and --format`, () => {
    const a = ok(run(['run', '-d', '--name', p('fa'), '-l', 'tier=web', 'busybox', 'sleep', '1000'])).trim();
    assert.equal(run(['run', '--name', p('fb'), '-l', 'tier=db', 'busybox', 'sh', '-c', 'exit 4']).code, 4);
    const b = ok(run(['inspect', '-f', '{{.Id}}', p('fb')])).trim();
    const c = ok(run(['create', '--name', p('fc'), 'busybox', 'true'])).trim();
    const ids = (args: string[]) => ok(run(['ps', '-q', '--no-trunc', ...args])).trim().split('\n').filter(Boolean);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`]), [c, b, a]);
    assert.deepEqual(ids(['--filter', `name=${p('f')}`]), [a]);
    assert.deepEqual(ids(['-a', '--filter', 'label=tier=db']), [b]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', 'status=exited']), [b]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', 'exited=4']), [b]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', 'status=created']), [c]);
    assert.deepEqual(ids(['-a', '--filter', `id=${a.slice(0, 8)}`]), [a]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', `before=${p('fc')}`]), [b, a]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', `since=${p('fa')}`]), [c, b]);
    assert.deepEqual(ids(['-a', '--filter', `name=${p('f')}`, '--filter', 'ancestor=busybox']), [c, b, a]);
    assert.equal(ids(['-l']).length, 1);
    assert.equal(ids(['-n', '2']).length, 2);
    assert.match(ok(run(['ps', '-a', '--filter', `name=${p('fb')}`, '--format', '{{.Names}}|{{.Status}}|{{.Command}}|{{.Labels}}|{{.State}}'])),
      new RegExp(`^${p('fb')}\\|Exited \\(4\\) (Less than a second|\\d+ seconds?) ago\\|"sh -c 'exit 4'"\\|tier=db\\|exited\n$`));
    assert.match(ok(run(['ps', '-a', '--filter', `name=${p('fb')}`, '--format', 'table {{.ID}}\t{{.Names}}'])), new RegExp(`^CONTAINER ID   NAMES\n${b.slice(0, 12)}   ${p('fb')}\n$`));
    assert.match(ok(run(['ps', '-s', '--filter', `name=${p('fa')}`])), /SIZE\n.*B \(virtual [\d.]+[kM]B\)\n$/);
    const bad = run(['ps', '--filter', 'status=bogus']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'status=bogus'/i);
    ok(run(['rm', '-f', a, b, c]));
  });

  test(`${cli}: logs --since/--until/--details and -f with --tail`, async () => {
    const id = ok(run(['run', '-d', 'busybox', 'sh', '-c', 'echo early; sleep 1.2; echo late'])).trim();
    ok(run(['wait', id]));
    const all = ok(run(['logs', '-t', id])).trim().split('\n');
    const [earlyTime, lateTime] = all.map((l) => l.split(' ')[0]!);
    assert.equal(ok(run(['logs', '--since', lateTime!, id])), 'late\n');
    assert.equal(ok(run(['logs', '--until', earlyTime!, id])), 'early\n');
    assert.equal(ok(run(['logs', '--since', '10m', id])), 'early\nlate\n');
    assert.equal(ok(run(['logs', '--details', id])), 'early\nlate\n');
    assert.equal(ok(run(['logs', '-f', '--tail', '1', id])), 'late\n');
    ok(run(['rm', id]));
  });

  test(`${cli}: attach to a running container follows its output and returns its code`, () => {
    const id = ok(run(['run', '-d', 'busybox', 'sh', '-c', 'sleep 2; echo attached-out; exit 9'])).trim();
    const r = run(['attach', id]);
    assert.equal(r.code, 9);
    assert.equal(r.stdout, 'attached-out\n');
    const stopped = run(['attach', id]);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /You cannot attach to a stopped container, start it first/);
    ok(run(['rm', id]));
  });

  test(`${cli}: start -a and start -ai`, () => {
    const id = ok(run(['create', '-i', 'busybox', 'sh', '-c', 'read x; echo got $x; exit 3'])).trim();
    const r = run(['start', '-ai', id], { input: 'hello\n' });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'got hello\n');
    ok(run(['rm', id]));
    const out = ok(run(['create', 'busybox', 'sh', '-c', 'echo once; exit 2'])).trim();
    const r2 = run(['start', '-a', out]);
    assert.equal(r2.code, 2);
    assert.equal(r2.stdout, 'once\n');
    ok(run(['rm', out]));
  });

  test(`${cli}: stop -s, kill -s, --stop-signal, --stop-timeout`, async () => {
    const trap = 'trap "echo got-usr1" USR1; trap "echo got-term; exit 11" TERM; trap "echo got-hup; exit 12" HUP; echo ready; while true; do sleep 0.1; done';
    const id = ok(run(['run', '-d', 'busybox', 'sh', '-c', trap])).trim();
    await eventually(() => run(['logs', id]).stdout === 'ready\n');
    ok(run(['kill', '-s', 'USR1', id]));
    await eventually(() => run(['logs', id]).stdout === 'ready\ngot-usr1\n');
    ok(run(['stop', '-s', 'HUP', id]));
    assert.equal(ok(run(['logs', id])), 'ready\ngot-usr1\ngot-hup\n');
    assert.equal(ok(run(['inspect', '-f', '{{.State.ExitCode}}', id])), '12\n');
    const bad = run(['kill', '-s', 'NOPE', id]);
    assert.notEqual(bad.code, 0);
    ok(run(['rm', id]));
    const sig = ok(run(['run', '-d', '--stop-signal', 'HUP', '--stop-timeout', '1', 'busybox', 'sh', '-c', trap])).trim();
    await eventually(() => run(['logs', sig]).stdout === 'ready\n');
    assert.equal(ok(run(['inspect', '-f', '{{.Config.StopSignal}} {{.Config.StopTimeout}}', sig])), 'HUP 1\n');
    ok(run(['stop', sig]));
    assert.equal(ok(run(['inspect', '-f', '{{.State.ExitCode}}', sig])), '12\n');
    ok(run(['rm', sig]));
  });

  test(`${cli}: --entrypoint, --env-file, --label-file, -e from the environment, -a stdout`, () => {
    fs.writeFileSync(path.join(tmp, 'env'), '# comment\nA=1\nB=two words\n');
    fs.writeFileSync(path.join(tmp, 'labels'), 'x=1\ny\n');
    assert.equal(ok(run(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'from', 'entrypoint'])), 'from entrypoint\n');
    assert.equal(ok(run(['run', '--rm', '--env-file', path.join(tmp, 'env'), 'busybox', 'sh', '-c', 'echo "$A|$B"'])), '1|two words\n');
    const id = ok(run(['create', '--label-file', path.join(tmp, 'labels'), 'busybox', 'true'])).trim();
    // As docker's CLI reads a label file: lines without "=" are dropped.
    assert.equal(ok(run(['inspect', '-f', '{{json .Config.Labels}}', id])), '{"x":"1"}\n');
    ok(run(['rm', id]));
    const r = run(['run', '--rm', '-a', 'stdout', 'busybox', 'sh', '-c', 'echo o; echo e >&2']);
    assert.equal(r.stdout, 'o\n');
    assert.equal(r.stderr, '');
  });

  test(`${cli}: inspect -s, top-level inspect finds containers and images`, () => {
    const id = ok(run(['create', '--name', p('ins'), 'busybox', 'true'])).trim();
    const withSize = JSON.parse(ok(run(['inspect', '-s', id])))[0];
    assert.equal(typeof withSize.SizeRw, 'number');
    assert.ok(withSize.SizeRootFs > 0);
    assert.equal(ok(run(['inspect', '-f', '{{.Name}}', p('ins')])), `/${p('ins')}\n`);
    assert.match(ok(run(['inspect', '-f', '{{.Id}}', 'busybox'])), /^sha256:[0-9a-f]{64}\n$/);
    const missing = run(['inspect', 'nosuchthing']);
    assert.equal(missing.code, 1);
    if (cli === 'berth') assert.match(missing.stderr, /No such object: nosuchthing/);
    const missingC = run(['container', 'inspect', 'nosuchthing']);
    assert.match(missingC.stderr, /No such container: nosuchthing/);
    ok(run(['rm', id]));
  });

  test(`${cli}: exec -d, -u, --privileged`, async () => {
    const id = ok(run(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
    ok(run(['exec', '-d', id, 'sh', '-c', 'echo detached > /tmp/marker']));
    await eventually(() => run(['exec', id, 'cat', '/tmp/marker']).stdout === 'detached\n');
    assert.equal(ok(run(['exec', '-u', 'nobody', id, 'id', '-un'])), 'nobody\n');
    assert.equal(ok(run(['exec', id, 'grep', 'CapEff', '/proc/self/status'])), 'CapEff:\t00000000a80425fb\n');
    assert.notEqual(ok(run(['exec', '--privileged', id, 'grep', 'CapEff', '/proc/self/status'])), 'CapEff:\t00000000a80425fb\n');
    ok(run(['rm', '-f', id]));
    const gone = run(['exec', id, 'true']);
    assert.notEqual(gone.code, 0);
  });

  test(`${cli}: container prune removes stopped containers only`, () => {
    const up = ok(run(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
    const down = ok(run(['create', 'busybox', 'true'])).trim();
    const out = ok(run(['container', 'prune', '-f']));
    assert.match(out, new RegExp(`Deleted Containers:\n(.*\n)*${down}\n`));
    assert.match(out, /Total reclaimed space: /);
    assert.equal(ok(run(['inspect', '-f', '{{.State.Running}}', up])), 'true\n');
    ok(run(['rm', '-f', up]));
  });
}
