/**
 * Logging drivers: json-file rotation (max-size/max-file leaves max-file files, `logs` reads
 * across them), `local`, `none` (logs refused with Docker's message), syslog to a UDP listener
 * on 127.0.0.1 in the daemon's netns (seed 004's --log-driver=syslog) and the tag option,
 * bad options refused — with both berth and the docker CLI.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok, eventually, CLIS } from './containers-helpers.js';

let d: TestDaemon;
let listener: ChildProcess | undefined;
let received = '';
before(async () => {
  d = await busyboxDaemon();
  const argv = d.nsArgv([process.execPath, '-e', `
    const s = require('dgram').createSocket('udp4');
    s.on('message', (m) => process.stdout.write(m.toString() + '\\n'));
    s.bind(5514, '127.0.0.1', () => process.stdout.write('listening\\n'));`]);
  listener = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  listener.stdout!.on('data', (c) => { received += c; });
  await eventually(() => received.includes('listening'));
});
after(() => { listener?.kill('SIGTERM'); });

test('json-file rotation: max-size/max-file keeps max-file files and logs reads across them', async () => {
  for (const cli of CLIS) {
    const name = `rot-${cli}`;
    ok(d[cli](['run', '--name', name, '--log-opt', 'max-size=1k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c',
      'i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done']));
    const logPath = ok(d[cli](['inspect', '-f', '{{.LogPath}}', name])).trim();
    const dir = path.dirname(logPath);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(logPath))).sort();
    assert.deepEqual(files, [path.basename(logPath), `${path.basename(logPath)}.1`, `${path.basename(logPath)}.2`]);
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 1200, `${f} is ${fs.statSync(path.join(dir, f)).size} bytes`);
    const lines = ok(d[cli](['logs', name])).trim().split('\n');
    assert.ok(lines.length >= 10 && lines.length < 200, `${lines.length} lines`);
    assert.equal(lines.at(-1), 'line-199-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    // Consecutive lines across the rotated files, oldest first.
    const first = Number(lines[0]!.split('-')[1]);
    assert.deepEqual(lines.map((l) => Number(l.split('-')[1])), lines.map((_l, i) => first + i));
    assert.equal(ok(d[cli](['logs', '--tail', '2', name])), 'line-198-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nline-199-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n');
  }
});

test('compress=true gzips the rotated files and logs still reads them', () => {
  ok(d.berth(['run', '--name', 'gz', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=3', '--log-opt', 'compress=true', 'busybox', 'sh', '-c',
    'i=0; while [ $i -lt 100 ]; do echo gz-$i-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; i=$((i+1)); done']));
  const logPath = ok(d.berth(['inspect', '-f', '{{.LogPath}}', 'gz'])).trim();
  const base = path.basename(logPath);
  const files = fs.readdirSync(path.dirname(logPath)).filter((f) => f.startsWith(base)).sort();
  assert.deepEqual(files, [base, `${base}.1.gz`, `${base}.2.gz`]);
  for (const cli of CLIS) {
    const lines = ok(d[cli](['logs', 'gz'])).trim().split('\n');
    const first = Number(lines[0]!.split('-')[1]);
    assert.deepEqual(lines.map((l) => Number(l.split('-')[1])), lines.map((_l, i) => first + i));
    assert.equal(lines.at(-1), 'gz-99-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy');
  }
});

test('local driver stores and reads logs', () => {
  ok(d.berth(['run', '--name', 'loc', '--log-driver', 'local', 'busybox', 'echo', 'hello local']));
  for (const cli of CLIS) {
    assert.equal(ok(d[cli](['logs', 'loc'])), 'hello local\n');
    assert.equal(ok(d[cli](['inspect', '-f', '{{.HostConfig.LogConfig.Type}}', 'loc'])), 'local\n');
  }
});

test('none: nothing stored, logs refused with Docker\'s message', () => {
  ok(d.berth(['run', '-d', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'echo', 'gone']));
  for (const cli of CLIS) {
    const r = d[cli](['logs', 'quiet']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: configured logging driver does not support reading\n');
    assert.equal(ok(d[cli](['inspect', '-f', '{{.LogPath}}', 'quiet'])), '\n');
  }
});

test('seed 004: --log-driver=syslog sends each line to syslog-address with the tag', async () => {
  for (const cli of CLIS) {
    const tag = `app-${cli}`;
    const id = ok(d[cli](['run', '-d', '--log-driver=syslog', '--log-opt', 'syslog-address=udp://127.0.0.1:5514', '--log-opt', `tag=${tag}`,
      'busybox', 'sh', '-c', 'echo to-syslog-out; echo to-syslog-err >&2'])).trim();
    await eventually(() => received.includes(`${tag}[`) && received.includes('to-syslog-err'), 8000);
    const lines = received.split('\n').filter((l) => l.includes(`${tag}[`));
    assert.ok(lines.some((l) => /^<30>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ app-\w+\[\d+\]: to-syslog-out$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^<27>\S+ \S+ app-\w+\[\d+\]: to-syslog-err$/.test(l)), lines.join('\n'));
    const r = d[cli](['logs', id]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configured logging driver does not support reading/);
  }
});

test('syslog rfc5424 format and the default tag (short ID)', async () => {
  const id = ok(d.berth(['run', '-d', '--log-driver', 'syslog', '--log-opt', 'syslog-address=udp://127.0.0.1:5514', '--log-opt', 'syslog-format=rfc5424',
    'busybox', 'echo', 'five-four-two-four'])).trim();
  await eventually(() => received.includes('five-four-two-four'), 8000);
  const line = received.split('\n').find((l) => l.includes('five-four-two-four'))!;
  assert.match(line, new RegExp(`^<30>1 \\S+ \\S+ ${id.slice(0, 12)} \\d+ ${id.slice(0, 12)} - five-four-two-four$`));
});

test('syslog to a unix datagram socket (unixgram://, the /dev/log kind)', async () => {
  const sock = path.join(d.dir, 'syslog.sock');
  const out = path.join(d.dir, 'syslog.out');
  const py = spawn('python3', ['-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
f = open(sys.argv[2], 'ab', buffering=0)
while True: f.write(s.recv(65536) + b'\\n')`, sock, out], { stdio: 'ignore' });
  try {
    await eventually(() => fs.existsSync(sock));
    ok(d.berth(['run', '-d', '--log-driver', 'syslog', '--log-opt', `syslog-address=unixgram://${sock}`, '--log-opt', 'tag=unixapp', 'busybox', 'echo', 'via-unix-socket']));
    await eventually(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('via-unix-socket'), 8000);
    assert.match(fs.readFileSync(out, 'utf8'), /^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d unixapp\[\d+\]: via-unix-socket$/m);
  } finally {
    py.kill('SIGTERM');
  }
});

test('bad log options are refused', () => {
  for (const cli of CLIS) {
    const a = d[cli](['run', '--log-driver', 'json-file', '--log-opt', 'bogus=1', 'busybox', 'true']);
    assert.equal(a.code, 125);
    assert.match(a.stderr, /unknown log opt 'bogus' for json-file log driver/);
    const b = d[cli](['run', '--log-driver', 'nosuch', 'busybox', 'true']);
    assert.equal(b.code, 125);
    assert.match(b.stderr, /no log driver named 'nosuch' is registered/);
  }
});
