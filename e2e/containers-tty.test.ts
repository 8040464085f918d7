/** -it under a pty (util-linux `script`): a working shell, TERM, raw mode, exit code, ctrl-p ctrl-q detach. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { berthBin, dockerBin } from './harness.js';
import { busyboxDaemon, CLIS, ok } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run `argv` under a pty with `script -qec`, typing `steps` (text, then pause ms). */
function underPty(argv: string[], steps: [string, number][], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('script', ['-qec', argv.map(q).join(' '), '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, out }); });
    let t = 1500;
    for (const [text, pause] of steps) { setTimeout(() => p.stdin.write(text), t); t += pause; }
    setTimeout(() => p.stdin.end(), t + 500);
  });
}

for (const cli of CLIS) {
  const bin = cli === 'berth' ? [process.execPath, berthBin] : [dockerBin];
  // Read when a test runs: the daemon (and its dir) exists only after `before`.
  const env = (): Record<string, string> => (cli === 'berth' ? { BERTH_CONFIG: `${d.dir}/berth-config` } : { DOCKER_CONFIG: `${d.dir}/docker-config` });

  test(`${cli}: run -it gives a shell on a tty and exits with its code`, async () => {
    const r = await underPty([...bin, '-H', d.host, 'run', '-it', '--rm', 'busybox', 'sh'],
      [['tty; echo TERM=$TERM\r', 700], ['exit 4\r', 500]], env());
    assert.equal(r.code, 4, r.out);
    assert.match(r.out, /\/dev\/pts\/0/);
    assert.match(r.out, /TERM=xterm/);
  });

  test(`${cli}: ctrl-p ctrl-q detaches and the container keeps running`, async () => {
    const r = await underPty([...bin, '-H', d.host, 'run', '-it', '--name', `${cli}-det`, 'busybox', 'sh'], [['\x10\x11', 1000]], env());
    assert.equal(r.code, 0, r.out);
    assert.equal(ok(d[cli](['inspect', '-f', '{{.State.Running}}', `${cli}-det`])), 'true\n');
    ok(d[cli](['rm', '-f', `${cli}-det`]));
  });

  test(`${cli}: exec -it gets a tty`, async () => {
    const id = ok(d[cli](['run', '-d', 'busybox', 'sleep', '1000'])).trim();
    const r = await underPty([...bin, '-H', d.host, 'exec', '-it', id, 'sh', '-c', 'tty; exit 5'], [], env());
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /\/dev\/pts\/\d+/);
    ok(d[cli](['rm', '-f', id]));
  });
}
