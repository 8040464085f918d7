/**
 * daemon.json keys that apply: default-ulimits (containers' rlimits), log-driver/log-opts as
 * container defaults, storage-driver and default-runtime refused as dockerd refuses them, and
 * SIGHUP reloading debug (and the rest dockerd reloads) with "Reloaded configuration" and a
 * daemon reload event — with both berth and the docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestDaemon, useDaemon } from './harness.js';
import { ensureBusybox } from './images.js';
import { ok, eventually, CLIS } from './containers-helpers.js';

let d: TestDaemon;
before(async () => {
  d = await useDaemon({ config: {
    'default-ulimits': { nofile: { Name: 'nofile', Hard: 2048, Soft: 1024 } },
    'log-driver': 'json-file', 'log-opts': { 'max-size': '10k', 'max-file': '2' },
  } });
  ensureBusybox(d);
});

test('default-ulimits apply to containers; --ulimit overrides', () => {
  for (const cli of CLIS) {
    assert.equal(ok(d[cli](['run', '--rm', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn'])), '1024\n2048\n');
    assert.equal(ok(d[cli](['run', '--rm', '--ulimit', 'nofile=512:600', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn'])), '512\n600\n');
  }
});

test('log-driver/log-opts are the containers\' defaults', () => {
  ok(d.berth(['create', '--name', 'deflog', 'busybox', 'true']));
  ok(d.berth(['create', '--name', 'ownlog', '--log-opt', 'max-size=1m', 'busybox', 'true']));
  ok(d.berth(['create', '--name', 'otherlog', '--log-driver', 'none', 'busybox', 'true']));
  for (const cli of CLIS) {
    assert.equal(ok(d[cli](['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'deflog'])), '{"Type":"json-file","Config":{"max-file":"2","max-size":"10k"}}\n');
    assert.equal(ok(d[cli](['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'ownlog'])), '{"Type":"json-file","Config":{"max-file":"2","max-size":"1m"}}\n');
    assert.equal(ok(d[cli](['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'otherlog'])), '{"Type":"none","Config":{}}\n');
  }
});

test('SIGHUP reloads debug from daemon.json: "Reloaded configuration", info and a daemon reload event', async () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  assert.equal(ok(d.docker(['info', '-f', '{{.Debug}}'])), 'false\n');
  const file = path.join(d.dir, 'daemon.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...cfg, debug: true, labels: ['env=test'] }));
  process.kill(Number(fs.readFileSync(d.pidfile, 'utf8')), 'SIGHUP');
  await eventually(() => d.log.includes('Reloaded configuration'));
  for (const cli of CLIS) {
    assert.equal(ok(d[cli](['info', '-f', '{{.Debug}} {{.Labels}}'])), 'true [env=test]\n');
  }
  const ev = ok(d.berth(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '-f', 'type=daemon', '--format', '{{.Type}} {{.Action}} {{index .Actor.Attributes "debug"}}']));
  assert.equal(ev, 'daemon reload true\n');
  // A broken file changes nothing and the daemon keeps serving.
  fs.writeFileSync(file, '{"debug": false, "nonsense-key": 1}');
  process.kill(Number(fs.readFileSync(d.pidfile, 'utf8')), 'SIGHUP');
  await eventually(() => d.log.includes('Error reconfiguring the daemon'));
  assert.equal(ok(d.berth(['info', '-f', '{{.Debug}}'])), 'true\n');
  fs.writeFileSync(file, JSON.stringify(cfg));
});

async function refused(config: Record<string, unknown>): Promise<string> {
  const t = new TestDaemon({ config });
  try {
    await assert.rejects(t.start());
    return t.log;
  } finally {
    await t.teardown();
  }
}

test('storage-driver, default-runtime and log-driver refused at start with dockerd\'s messages', async () => {
  assert.match(await refused({ 'storage-driver': 'btrfs' }), /failed to start daemon: error initializing graphdriver: driver not supported: btrfs/);
  assert.match(await refused({ 'default-runtime': 'kata' }), /failed to start daemon: specified default runtime 'kata' does not exist/);
  assert.match(await refused({ 'log-driver': 'fluentd' }), /failed to start daemon: logger: no log driver named 'fluentd' is registered/);
});
