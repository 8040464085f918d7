/**
 * pause/unpause (seed 004), top, stats (seed 004: figures move with real load, limit = -m),
 * update (live cgroup files), rename, container prune and wait conditions — with berth and the
 * real docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, CLIS, ok, eventually } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
const cgFile = (id: string, ctrl: string, file: string) => (v2 ? path.join('/sys/fs/cgroup', d.cgroupParent, id, file) : path.join('/sys/fs/cgroup', ctrl, d.cgroupParent, id, file));

function api(method: string, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, method, path: p, agent: false, headers: { 'Content-Length': '0' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => reject(new Error(`${method} ${p}: ${e.message}`)));
    req.end();
  });
}

const MIB = 1024 * 1024;
function mib(s: string): number {
  const m = /^([\d.]+)(B|KiB|MiB|GiB)$/.exec(s.trim());
  assert.ok(m, `size ${s}`);
  return Number(m[1]) * ({ B: 1, KiB: 1024, MiB: MIB, GiB: 1024 * MIB } as Record<string, number>)[m[2]!]! / MIB;
}

for (const cli of CLIS) {
  const run = (args: string[], opts: { input?: string } = {}) => d[cli](args, opts);
  const n = (s: string) => `${cli}-${s}`;

  test(`${cli}: pause freezes a counter, ps shows (Paused), unpause resumes; Docker's 409 texts`, async () => {
    const id = ok(run(['run', '-d', '--name', n('pz'), 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; usleep 20000; done'])).trim();
    const count = () => Number(d.berth(['exec', n('pz'), 'cat', '/tmp/count']).stdout.trim() || 0);
    await eventually(() => count() > 3);
    assert.equal(ok(run(['pause', n('pz')])), `${n('pz')}\n`);
    assert.equal((fs.readFileSync(cgFile(id, 'freezer', v2 ? 'cgroup.freeze' : 'freezer.state'), 'utf8')).trim(), v2 ? '1' : 'FROZEN');
    assert.match(ok(run(['ps', '--filter', `name=${n('pz')}`])), /Up (Less than a second|\d+ seconds?) \(Paused\)/);
    assert.equal(ok(run(['inspect', '--format', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', n('pz')])).trim(), 'paused true true');
    const again = run(['pause', n('pz')]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim(), `Error response from daemon: Container ${id} is already paused`);
    const frozenAt = Number(fs.readFileSync(path.join(ok(run(['inspect', '--format', '{{.GraphDriver.Data.UpperDir}}', n('pz')])).trim(), 'tmp/count'), 'utf8'));
    await sleep(400);
    const upper = ok(run(['inspect', '--format', '{{.GraphDriver.Data.UpperDir}}', n('pz')])).trim();
    assert.equal(Number(fs.readFileSync(path.join(upper, 'tmp/count'), 'utf8')), frozenAt, 'the counter advanced while paused');
    assert.equal(ok(run(['unpause', n('pz')])), `${n('pz')}\n`);
    await eventually(() => Number(fs.readFileSync(path.join(upper, 'tmp/count'), 'utf8')) > frozenAt, 3000);
    const not = run(['unpause', n('pz')]);
    assert.equal(not.code, 1);
    assert.equal(not.stderr.trim(), `Error response from daemon: Container ${id} is not paused`);
    ok(run(['pause', n('pz')]));
    ok(run(['rm', '-f', n('pz')])); // a paused container can still be removed
    ok(run(['create', '--name', n('pz2'), 'busybox', 'true']));
    const stopped = run(['pause', n('pz2')]);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /^Error response from daemon: Container [0-9a-f]{64} is not running$/m);
    ok(run(['rm', n('pz2')]));
  });

  test(`${cli}: top lists the container's processes with host PIDs, ps options pass through`, () => {
    ok(run(['run', '-d', '--name', n('top'), 'busybox', 'sleep', '1000']));
    const pid = ok(run(['inspect', '--format', '{{.State.Pid}}', n('top')])).trim();
    const out = ok(run(['top', n('top')])).split('\n');
    assert.match(out[0]!, /^UID {17}PID {17}PPID {16}C {19}STIME {15}TTY {17}TIME {16}CMD$/);
    assert.ok(out.some((l) => new RegExp(`^root +${pid} .* sleep 1000$`).test(l)), out.join('\n'));
    const custom = ok(run(['top', n('top'), '-o', 'pid,comm'])).split('\n');
    assert.match(custom[0]!, /^PID {17}COMMAND$/);
    assert.ok(custom.includes(`${pid.padEnd(20)}sleep`), custom.join('\n'));
    ok(run(['stop', '-t', '0', n('top')]));
    const r = run(['top', n('top')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: Container [0-9a-f]{64} is not running/);
    ok(run(['rm', n('top')]));
  });

  test(`${cli}: stats --no-stream: Docker's columns, the -m limit, memory moving with real load`, async () => {
    ok(run(['run', '-d', '--name', n('st'), '-m', '128m', 'busybox', 'sh', '-c', 'while [ ! -f /go ]; do usleep 50000; done; dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; sleep 1000']));
    const sample = () => {
      const out = ok(run(['stats', '--no-stream', n('st')])).split('\n');
      assert.match(out[0]!, /^CONTAINER ID {3}NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
      const cols = out[1]!.split(/ {3,}/);
      assert.equal(cols[1], n('st'));
      const [use, limit] = cols[3]!.split(' / ');
      return { use: mib(use!), limit: limit!, cpu: cols[2]!, pids: cols[7]! };
    };
    const before = sample();
    assert.equal(before.limit, '128MiB');
    assert.match(before.cpu, /^\d+\.\d\d%$/);
    assert.ok(before.use < 20, `idle usage ${before.use} MiB`);
    ok(run(['exec', n('st'), 'touch', '/go']));
    await eventually(() => sample().use > 38, 10000);
    const json = ok(run(['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}', n('st')]));
    const row = JSON.parse(json);
    assert.match(row.ID, /^[0-9a-f]{64}$/);
    assert.equal(row.Name, n('st'));
    assert.match(row.MemUsage, /MiB \/ 128MiB$/);
    ok(run(['rm', '-f', n('st')]));
  });

  test(`${cli}: stats -a --no-stream shows stopped containers with zeros`, () => {
    ok(run(['create', '--name', n('st0'), 'busybox', 'true']));
    const out = ok(run(['stats', '-a', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}']));
    assert.ok(out.split('\n').includes(`${n('st0')} 0.00% 0B / 0B 0`), out);
    ok(run(['rm', n('st0')]));
  });

  test(`${cli}: update -m/--cpus/--pids-limit/--restart write the cgroup live and persist`, () => {
    const id = ok(run(['run', '-d', '--name', n('up'), '-m', '64m', 'busybox', 'sleep', '1000'])).trim();
    assert.equal(fs.readFileSync(cgFile(id, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), 'utf8').trim(), String(64 * MIB));
    assert.equal(ok(run(['update', '-m', '100m', '--cpus', '0.5', '--pids-limit', '50', '--restart', 'on-failure:3', n('up')])), `${n('up')}\n`);
    assert.equal(fs.readFileSync(cgFile(id, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), 'utf8').trim(), String(100 * MIB));
    assert.equal(fs.readFileSync(cgFile(id, 'pids', 'pids.max'), 'utf8').trim(), '50');
    if (!v2) assert.equal(fs.readFileSync(cgFile(id, 'cpu', 'cpu.cfs_quota_us'), 'utf8').trim(), '50000');
    const hc = ok(run(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', n('up')])).trim();
    assert.equal(hc, `${100 * MIB} 500000000 50 on-failure:3`);
    const big = run(['update', '-m', '300m', n('up')]);
    assert.equal(big.code, 1);
    assert.equal(big.stderr.trim(), `Error response from daemon: Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`);
    const none = run(['update', n('up')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /you must provide one or more flags when using this command/);
    ok(run(['rm', '-f', n('up')]));
  });

  test(`${cli}: rename, and a taken name refused with Docker's conflict`, () => {
    const id = ok(run(['create', '--name', n('old'), 'busybox', 'true'])).trim();
    ok(run(['create', '--name', n('taken'), 'busybox', 'true']));
    assert.equal(ok(run(['rename', n('old'), n('new')])), '');
    assert.equal(ok(run(['inspect', '--format', '{{.Name}}', id])).trim(), `/${n('new')}`);
    assert.equal(run(['inspect', n('old')]).code, 1);
    const r = run(['rename', n('new'), n('taken')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Error response from daemon: Conflict\\. The container name "/${n('taken')}" is already in use by container "[0-9a-f]{64}"\\. You have to remove \\(or rename\\) that container to be able to reuse that name\\.\nError: failed to rename container named ${n('new')}`));
    ok(run(['rm', n('new'), n('taken')]));
  });

  test(`${cli}: container prune asks, removes stopped containers matching the filter, reports the space`, () => {
    const keep = ok(run(['create', '--name', n('keep'), '--label', 'keep=yes', 'busybox', 'true'])).trim();
    const gone = ok(run(['run', '--name', n('gone'), '--label', `prune=${cli}`, 'busybox', 'sh', '-c', 'echo data > /file'])).trim() || '';
    void gone;
    const no = run(['container', 'prune', '--filter', `label=prune=${cli}`], { input: 'n\n' });
    assert.equal(no.code, 0);
    assert.match(no.stdout, /^WARNING! This will remove all stopped containers\.\nAre you sure you want to continue\? \[y\/N\] /);
    assert.equal(run(['inspect', n('gone')]).code, 0);
    const id = ok(run(['inspect', '--format', '{{.Id}}', n('gone')])).trim();
    const yes = ok(run(['container', 'prune', '-f', '--filter', `label=prune=${cli}`]));
    assert.match(yes, new RegExp(`^Deleted Containers:\n${id}\n\nTotal reclaimed space: \\d+(\\.\\d+)?k?B\n$`));
    assert.equal(run(['inspect', n('gone')]).code, 1);
    assert.equal(ok(run(['inspect', '--format', '{{.Id}}', n('keep')])).trim(), keep);
    ok(run(['rm', n('keep')]));
  });
}

test('stats API: streaming sends a sample every second with precpu_stats; one-shot has none; the live CLI view redraws', async () => {
  const id = ok(d.berth(['run', '-d', '--name', 'stream-st', '-m', '96m', 'busybox', 'sh', '-c', 'while true; do :; done'])).trim();
  const samples: Record<string, any>[] = [];
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const req = http.request({ socketPath: d.socket, method: 'GET', path: `/containers/${id}/stats?stream=true` }, (res) => {
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) { samples.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
        if (samples.length >= 3) { req.destroy(); resolve(); }
      });
      res.on('error', () => resolve());
    });
    req.on('error', (e) => (samples.length >= 3 ? resolve() : reject(e)));
    req.end();
    void started;
  });
  const [a, b, c] = samples as [any, any, any];
  assert.equal(a.precpu_stats.cpu_usage.total_usage, 0);
  assert.equal(b.precpu_stats.cpu_usage.total_usage, a.cpu_stats.cpu_usage.total_usage);
  const gap = Date.parse(c.read) - Date.parse(b.read);
  assert.ok(gap >= 900 && gap < 2500, `samples ${gap} ms apart`);
  assert.ok(c.cpu_stats.cpu_usage.total_usage > b.cpu_stats.cpu_usage.total_usage, 'cpu time grows under load');
  assert.equal(c.memory_stats.limit, 96 * MIB);
  assert.ok(c.pids_stats.current >= 1);
  assert.ok(c.networks?.eth0 || c.networks === undefined);
  assert.equal(b.name, '/stream-st');
  const one = JSON.parse((await api('GET', `/containers/${id}/stats?stream=false&one-shot=true`)).body);
  assert.equal(one.precpu_stats.cpu_usage.total_usage, 0);
  const two = JSON.parse((await api('GET', `/containers/${id}/stats?stream=false`)).body);
  assert.ok(two.precpu_stats.cpu_usage.total_usage > 0, 'stream=false samples twice');
  for (const cli of CLIS) {
    const live = d[cli](['stats', 'stream-st'], { timeout: 2500 });
    assert.match(live.stdout, /\x1b\[H/);
    assert.match(live.stdout, /CONTAINER ID +NAME +CPU %/);
    assert.match(live.stdout, /stream-st +\d+\.\d\d%/);
  }
  ok(d.berth(['rm', '-f', 'stream-st']));
});

test('wait conditions: not-running returns at once for a created container, next-exit and removed wait', async () => {
  const id = ok(d.berth(['create', 'busybox', 'sh', '-c', 'exit 7'])).trim();
  const nr = await api('POST', `/containers/${id}/wait?condition=not-running`);
  assert.deepEqual(JSON.parse(nr.body), { StatusCode: 0, Error: null });
  const next = api('POST', `/containers/${id}/wait?condition=next-exit`);
  const removed = api('POST', `/containers/${id}/wait?condition=removed`);
  await sleep(200);
  ok(d.berth(['start', id]));
  assert.equal(JSON.parse((await next).body).StatusCode, 7);
  let settled = false;
  void removed.then(() => { settled = true; });
  await sleep(200);
  assert.equal(settled, false, 'removed resolved before rm');
  ok(d.berth(['rm', id]));
  assert.equal(JSON.parse((await removed).body).StatusCode, 7);
  const bad = await api('POST', `/containers/${id.slice(0, 12)}x/wait?condition=bogus`);
  assert.equal(bad.status, 400);
});

test('stats without names follows the daemon: a container started later joins, a dead one leaves', async () => {
  const { spawn } = await import('node:child_process');
  const { berthBin } = await import('./harness.js');
  const child = spawn(process.execPath, [berthBin, '-H', d.host, 'stats', '--format', '{{.Name}}'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  // The last frame of the redraw loop: what follows its final cursor-home.
  const frame = () => out.slice(out.lastIndexOf('\x1b[H'));
  try {
    await sleep(700);
    const id = ok(d.berth(['run', '-d', '--name', 'joiner', 'busybox', 'sleep', '300'])).trim();
    await eventually(() => frame().includes('joiner'), 8000).catch((e) => { throw new Error(`joiner never shown: ${JSON.stringify(out.slice(-300))}`, { cause: e }); });
    ok(d.berth(['kill', id]));
    await eventually(() => !frame().includes('joiner'), 8000).catch((e) => { throw new Error(`joiner still shown: ${JSON.stringify(out.slice(-300))}`, { cause: e }); });
    ok(d.berth(['rm', '-f', id]));
  } finally {
    child.kill('SIGINT');
  }
});
