/**
 * berth against the real docker CLI on the same berthd: flags read only up to the image,
 * errors printed with Docker's exact words, and the terminal as Docker leaves it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDaemon } from './harness.js';
import { berthBin, dockerBin } from './harness.js';
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
    ['container', 'run', '--name', 'taken', 'busybox', 'true'],
    ['container', 'run', 'busybox', 'no-such-command'],
    ['container', 'create', '--pull', 'sometimes', 'busybox'],
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
    ['restart', 'nosuch1', 'nosuch2'],
    ['wait', 'nosuch1', 'nosuch2'],
    ['rm', '-f', 'nosuch1'],
    ['container', 'inspect', 'nosuch1', 'nosuch2'],
    ['inspect', '--type', 'container', 'nosuch1'],
    ['inspect', '--type', 'image', 'nosuch1'],
    ['image', 'inspect', 'nosuch1'],
    ['volume', 'inspect', 'nosuch1', 'nosuch2'],
    ['network', 'inspect', 'nosuch1', 'nosuch2'],
    ['exec', '-d', 'up', 'no-such-command'],
    ['exec', 'up', '/etc/passwd'],
    ['create', '--pull', 'sometimes', 'busybox'],
    ['run', '--restart', 'always', '--rm', 'busybox'],
    ['image', 'rm', 'nosuch1', 'busybox'],
    ['tag', 'nosuch1', 'x'],
    ['history', 'nosuch1'],
    ['diff', 'nosuch1'],
    ['export', 'nosuch1'],
    ['commit', 'nosuch1'],
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

test('build reads DOCKER_BUILDKIT as the docker CLI does: 0 prints the legacy-builder notice, a non-boolean is an error', () => {
  const args = ['build', path.join(d.dir, 'no-such-context')];
  for (const v of ['0', 'false', 'x']) {
    const want = d.docker(args, { env: { DOCKER_BUILDKIT: v } });
    const got = d.berth(args, { env: { DOCKER_BUILDKIT: v } });
    assert.equal(`${got.code} ${got.stderr}`, `${want.code} ${asBerth(want.stderr)}`, `DOCKER_BUILDKIT=${v}`);
    assert.match(got.stderr, v === 'x' ? /^DOCKER_BUILDKIT environment variable expects boolean value/ : /^DEPRECATED: The legacy builder/);
  }
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const cliArgv = (cli: 'berth' | 'docker') => (cli === 'berth' ? [process.execPath, berthBin] : [dockerBin]).map(q).join(' ');

/** A shell script run on a fresh pty (util-linux `script`); its output bytes as the terminal got them. */
function underPty(shell: string): Promise<{ code: number; out: Buffer }> {
  return new Promise((resolve) => {
    const p = spawn('script', ['-qec', shell, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, out: Buffer.concat(chunks) }); });
  });
}

test('pty: a container\'s lines reach the terminal as CR LF, byte for byte as through the docker CLI', async () => {
  const outputs: Record<string, string> = {};
  for (const cli of CLIS) {
    const r = await underPty(`${cliArgv(cli)} -H ${q(d.host)} run -it --rm busybox sh -c 'echo line1; echo line2; sleep 0.2' < /dev/tty`);
    assert.equal(r.code, 0, r.out.toString());
    outputs[cli] = r.out.toString('latin1');
  }
  assert.equal(outputs.berth, 'line1\r\nline2\r\n');
  assert.equal(outputs.berth, outputs.docker);
});

test('pty: a program that turns off its own ONLCR prints bare LF, and the terminal leaves it bare', async () => {
  const outputs: Record<string, string> = {};
  for (const cli of CLIS) {
    const r = await underPty(`${cliArgv(cli)} -H ${q(d.host)} run -it --rm busybox sh -c 'stty -onlcr; printf "a\\nb\\n"; sleep 0.2' < /dev/tty`);
    assert.equal(r.code, 0, r.out.toString());
    outputs[cli] = r.out.toString('latin1');
  }
  assert.equal(outputs.berth, 'a\nb\n');
  assert.equal(outputs.berth, outputs.docker);
});

test('pty: exec -it is raw too', async () => {
  const id = ok(d.berth(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  const r = await underPty(`${cliArgv('berth')} -H ${q(d.host)} exec -it ${id} sh -c 'echo x; echo y' < /dev/tty`);
  assert.equal(r.out.toString('latin1'), 'x\r\ny\r\n');
  ok(d.berth(['rm', '-f', id]));
});

test('pty: start -ai is raw as docker\'s', async () => {
  const outputs: Record<string, string> = {};
  for (const cli of CLIS) {
    ok(d[cli](['create', '-it', '--name', `${cli}-sai`, 'busybox', 'sh', '-c', 'echo s1; echo s2; sleep 0.2']));
    const r = await underPty(`${cliArgv(cli)} -H ${q(d.host)} start -ai ${cli}-sai < /dev/tty`);
    assert.equal(r.code, 0, r.out.toString());
    outputs[cli] = r.out.toString('latin1');
    ok(d[cli](['rm', `${cli}-sai`]));
  }
  assert.equal(outputs.berth, 's1\r\ns2\r\n');
  assert.equal(outputs.berth, outputs.docker);
});

test('pty: the terminal\'s settings come back after the session, and after berth is killed with SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(d.dir, 'stty-'));
  const f = (n: string) => q(path.join(dir, n));
  const berth = `${cliArgv('berth')} -H ${q(d.host)}`;
  const r = await underPty([
    `stty -g > ${f('before')}`,
    `${berth} run -it --rm busybox true < /dev/tty`,
    `stty -g > ${f('after-exit')}`,
    `${berth} run -it --sig-proxy=false --name killed busybox sleep 60 < /dev/tty &`,
    'pid=$!',
    'i=0; while [ "$(stty -g)" = "$(cat ' + f('before') + ')" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
    `stty -g > ${f('during')}`,
    'kill -TERM $pid; wait $pid',
    `echo $? > ${f('rc')}`,
    `stty -g > ${f('after-kill')}`,
  ].join('\n'));
  const read = (n: string) => fs.readFileSync(path.join(dir, n), 'utf8').trim();
  assert.equal(r.code, 0, r.out.toString());
  assert.notEqual(read('during'), read('before'), 'berth put the terminal in raw mode');
  assert.equal(read('after-exit'), read('before'));
  assert.equal(read('after-kill'), read('before'));
  assert.equal(read('rc'), '143'); // died of SIGTERM
  ok(d.berth(['rm', '-f', 'killed']));
});

for (const cli of CLIS) {
  test(`pty: ${cli} gives the container the terminal's size at start and on every SIGWINCH`, async () => {
    const base = `${cliArgv(cli)} -H ${q(d.host)}`;
    const r = await underPty([
      'stty rows 30 cols 100',
      `${base} run -it --rm busybox stty size < /dev/tty`,
      `${base} run -it --rm busybox sh -c 'sleep 2; stty size' < /dev/tty &`,
      'sleep 1; stty rows 20 cols 50; wait',
    ].join('\n'));
    assert.equal(r.out.toString('latin1'), '30 100\r\n20 50\r\n');
  });
}

// Found while comparing with docker 28.2.2, not done here:
test.todo('inspect --type volume|network|…: `inspect --type volume nosuch` — docker: "Error response from daemon: get nosuch: no such volume"; berth: "\\"volume\\" is not a valid value for --type"');
test('flags docker hides but accepts: deprecated ones announce themselves on stdout, hidden ones stay out of --help', () => {
  ok(d.docker(['run', '-d', '--name', 'timed', 'busybox', 'sleep', '1000']));
  const cases: string[][] = [
    ['stop', '--time', '1', 'nosuch1'],
    ['restart', '--time', '1', 'nosuch1'],
    ['container', 'stop', '--time=1', '-t', '1', 'timed'],
    ['stop', '--time', '1'],
    ['volume', 'create', '--name', 'v1', 'v2'],
  ];
  for (const args of cases) {
    const want = d.docker(args);
    const got = d.berth(args);
    assert.equal(`${got.code}\n${got.stdout}\n${got.stderr}`, `${want.code}\n${asBerth(want.stdout)}\n${asBerth(want.stderr)}`, args.join(' '));
  }
  assert.equal(ok(d.berth(['stop', '--time', '0', 'timed'])), 'Flag --time has been deprecated, use --timeout instead\ntimed\n');
  assert.equal(ok(d.berth(['inspect', '-f', '{{.State.Running}}', 'timed'])), 'false\n');
  assert.equal(ok(d.berth(['volume', 'create', '--name', 'by-flag'])), 'by-flag\n');
  assert.equal(ok(d.berth(['volume', 'inspect', '-f', '{{.Name}}', 'by-flag'])), 'by-flag\n');
  for (const cli of CLIS) {
    assert.doesNotMatch(ok(d[cli](['stop', '--help'])), /--time\b/, cli);
    assert.doesNotMatch(ok(d[cli](['volume', 'create', '--help'])), /--name\b/, cli);
    // cobra's -h is deprecated in favour of --help: the notice, then the help.
    assert.match(ok(d[cli](['ps', '-h'])), new RegExp(`^Flag shorthand -h has been deprecated, use --help\nUsage:  ${cli} ps \\[OPTIONS\\]\n`), cli);
  }
});
for (const cli of CLIS) {
  test(`pty: ${cli} run -it proxies the signals it receives to the container, TTY or not (run.go ForwardAllSignals)`, async () => {
    const base = `${cliArgv(cli)} -H ${q(d.host)}`;
    const out = path.join(d.dir, `${cli}-proxied.out`);
    const script = 'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done';
    const r = await underPty([
      `${base} run -it --rm busybox sh -c ${q(script)} < /dev/tty > ${q(out)} &`,
      'pid=$!',
      `i=0; until grep -q ready ${q(out)} 2>/dev/null || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done`,
      'kill -TERM $pid; wait $pid; echo "rc=$?"',
    ].join('\n'));
    assert.match(r.out.toString('latin1'), /rc=7/);
    assert.equal(fs.readFileSync(out, 'latin1'), 'ready\r\ngot-term\r\n');
  });
}
