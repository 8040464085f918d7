/**
 * Events: a run's create/attach/start/die(exitCode)/destroy replayed with --since/--until,
 * filters (type, event, container, image, label), `{{json .}}` and Docker's line format, a live
 * stream while containers run, image/network/volume events, NEventsListener in info —
 * with both berth and the docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestDaemon } from './harness.js';
import { berthBin } from './harness.js';
import { busyboxDaemon, ok, eventually, CLIS } from './containers-helpers.js';
import { registryPool } from './registry.js';

const registries = registryPool();

let d: TestDaemon;
let t0: number;
before(async () => { d = await busyboxDaemon(); t0 = Math.floor(Date.now() / 1000) - 1; });

const sec = () => String(Math.floor(Date.now() / 1000) + 1);

test('a run replays as create, start, die with exitCode and destroy (line format, both CLIs)', () => {
  assert.equal(d.berth(['run', '--name', 'ev1', '-l', 'team=blue', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', 'ev1'])).trim();
  ok(d.berth(['rm', 'ev1']));
  const until = sec();
  for (const cli of CLIS) {
    const out = ok(d[cli](['events', '--since', String(t0), '--until', until, '--filter', `container=${id}`]));
    const lines = out.trim().split('\n');
    const actions = lines.map((l) => l.split(' ')[2]);
    assert.deepEqual(actions.filter((a) => ['create', 'start', 'die', 'destroy'].includes(a!)), ['create', 'start', 'die', 'destroy'], out);
    const die = lines.find((l) => l.split(' ')[2] === 'die')!;
    assert.match(die, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) container die ${id} \\(execDuration=\\d+, exitCode=3, image=busybox, name=ev1, team=blue\\)$`));
  }
});

test('filters: type, event, container name, image, label; bad filter refused', () => {
  ok(d.berth(['run', '--name', 'ev2', 'busybox', 'true']));
  ok(d.berth(['run', '--name', 'ev3', '-l', 'x=y', 'busybox', 'true']));
  const until = sec();
  for (const cli of CLIS) {
    const dies = ok(d[cli](['events', '--since', String(t0), '--until', until, '-f', 'event=die', '-f', 'container=ev2'])).trim().split('\n');
    assert.equal(dies.length, 1);
    assert.match(dies[0]!, /container die [0-9a-f]{64} \(execDuration=\d+, exitCode=0, image=busybox, name=ev2\)/);
    const labelled = ok(d[cli](['events', '--since', String(t0), '--until', until, '-f', 'label=x=y', '-f', 'event=start'])).trim().split('\n');
    assert.equal(labelled.length, 1);
    assert.match(labelled[0]!, /name=ev3/);
    const images = ok(d[cli](['events', '--since', String(t0), '--until', until, '-f', 'type=container', '-f', 'image=busybox', '-f', 'event=create'])).trim().split('\n');
    assert.ok(images.length >= 2);
    const bad = d[cli](['events', '--since', String(t0), '--until', until, '-f', 'bogus=1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'bogus'/);
  }
});

test('--format {{json .}} prints dockerd event JSON; template fields work', () => {
  ok(d.berth(['run', '--name', 'ev4', 'busybox', 'true']));
  const until = sec();
  for (const cli of CLIS) {
    const out = ok(d[cli](['events', '--since', String(t0), '--until', until, '-f', 'container=ev4', '-f', 'event=start', '--format', '{{json .}}'])).trim();
    const m = /^\{"status":"start","id":"([0-9a-f]{64})","from":"busybox","Type":"container","Action":"start","Actor":\{"ID":"\1","Attributes":\{"image":"busybox","name":"ev4"\}\},"scope":"local","time":(\d+),"timeNano":(\d+)\}$/.exec(out);
    assert.ok(m, out);
    assert.equal(m![3]!.slice(0, m![2]!.length), m![2]);
    assert.equal(m![3]!.length, m![2]!.length + 9);
    const tmpl = ok(d[cli](['events', '--since', String(t0), '--until', until, '-f', 'container=ev4', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'])).trim();
    assert.equal(tmpl.split('\n')[0], 'container create ev4');
    assert.equal(ok(d[cli](['system', 'events', '--since', String(t0), '--until', until, '-f', 'container=ev4', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'])), tmpl + '\n');
    assert.equal(ok(d[cli](['system', 'info', '-f', '{{.NEventsListener}}'])), '0\n');
  }
});

test('relative --since and RFC3339 --until; since after until refused', () => {
  ok(d.berth(['run', '--name', 'ev5', 'busybox', 'true']));
  const until = new Date(Date.now() + 1000).toISOString();
  const out = ok(d.berth(['events', '--since', '1m', '--until', until, '-f', 'container=ev5', '--format', '{{.Action}}']));
  assert.deepEqual(out.trim().split('\n'), ['create', 'attach', 'start', 'die'].filter((a) => out.includes(a)));
  assert.match(out, /create\n(attach\n)?start\ndie/);
  for (const cli of CLIS) {
    const r = d[cli](['events', '--since', sec(), '--until', String(t0)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot be after `until` time/);
  }
});

test('live stream: events arrive while containers run; NEventsListener counts the listener', async () => {
  const child = spawn(process.execPath, [berthBin, '-H', d.host, 'events', '-f', 'container=ev6', '--format', '{{.Action}} {{index .Actor.Attributes "exitCode"}}'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  try {
    await eventually(() => ok(d.berth(['info', '-f', '{{.NEventsListener}}'])).trim() === '1');
    assert.equal(d.berth(['run', '--name', 'ev6', 'busybox', 'sh', '-c', 'exit 7']).code, 7);
    ok(d.berth(['rm', 'ev6']));
    await eventually(() => out.includes('destroy'));
    assert.match(out, /^create \nattach \nstart \ndie 7\ndestroy \n$/);
  } finally {
    child.kill('SIGTERM');
  }
  await eventually(() => ok(d.berth(['info', '-f', '{{.NEventsListener}}'])).trim() === '0');
});

test('stop, kill, restart, exec and image/network/volume events', () => {
  ok(d.berth(['run', '-d', '--name', 'ev7', 'busybox', 'sleep', '60']));
  ok(d.berth(['exec', 'ev7', 'true']));
  ok(d.berth(['kill', '-s', 'USR1', 'ev7']));
  ok(d.berth(['stop', '-t', '1', 'ev7']));
  ok(d.berth(['tag', 'busybox', 'evtag:1']));
  ok(d.berth(['rmi', 'evtag:1']));
  ok(d.berth(['network', 'create', 'evnet']));
  ok(d.berth(['network', 'rm', 'evnet']));
  ok(d.berth(['volume', 'create', 'evvol']));
  ok(d.berth(['run', '--rm', '-v', 'evvol:/x', 'busybox', 'true']));
  ok(d.berth(['volume', 'rm', 'evvol']));
  const until = sec();
  const c = ok(d.docker(['events', '--since', String(t0), '--until', until, '-f', 'container=ev7', '--format', '{{.Action}} {{index .Actor.Attributes "signal"}}']));
  assert.match(c, /exec_create: true \nexec_start: true \nexec_die \n/);
  assert.match(c, /kill 10\n/);
  assert.match(c, /kill 15\n(kill 9\n)?die \nstop \n/); // sleep as PID 1 ignores SIGTERM: SIGKILL after -t 1
  const ev7 = ok(d.berth(['inspect', '-f', '{{.Id}}', 'ev7'])).trim();
  const conn = ok(d.berth(['events', '--since', String(t0), '--until', until, '-f', 'type=network', '-f', 'event=connect', '-f', 'event=disconnect', '--format', '{{.Action}} {{.Actor.Attributes.container}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}']));
  assert.match(conn, new RegExp(`connect ${ev7} bridge bridge\\ndisconnect ${ev7} bridge bridge\\n`));
  const img = ok(d.berth(['events', '--since', String(t0), '--until', until, '-f', 'type=image', '--format', '{{.Action}} {{.Actor.Attributes.name}}']));
  assert.match(img, /tag evtag:1\nuntag evtag:1\n/);
  const net = ok(d.berth(['events', '--since', String(t0), '--until', until, '-f', 'type=network', '-f', 'network=evnet', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}']));
  assert.equal(net, 'create evnet bridge\ndestroy evnet bridge\n');
  const vol = ok(d.berth(['events', '--since', String(t0), '--until', until, '-f', 'type=volume', '-f', 'volume=evvol', '--format', '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}']));
  // dockerd logs create for each Create call, also the get-or-create of a run's named volume.
  assert.equal(vol, 'create evvol local\ncreate evvol local\nmount evvol local\nunmount evvol local\ndestroy evvol local\n');
});

test('image save, load and import events', () => {
  const since = (Date.now() / 1000).toFixed(3); // earlier tests' image events stay out
  const tar = path.join(d.dir, 'ev-save.tar');
  ok(d.berth(['save', '-o', tar, 'busybox']));
  ok(d.berth(['load', '-i', tar]));
  const imported = ok(d.berth(['import', tar, 'evimport:1'])).trim();
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
  for (const cli of CLIS) {
    const out = ok(d[cli](['events', '--since', since, '--until', sec(), '-f', 'type=image', '--format', '{{.Action}} {{.Actor.ID}}']));
    assert.match(out, new RegExp(`^save ${id}\nload ${id}\n`));
    assert.match(out, new RegExp(`import ${imported}\n`));
  }
});

test('pause, unpause, rename and commit events', () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  ok(d.berth(['run', '-d', '--name', 'ev8', 'busybox', 'sleep', '60']));
  ok(d.berth(['pause', 'ev8']));
  ok(d.berth(['unpause', 'ev8']));
  ok(d.berth(['rename', 'ev8', 'ev8b']));
  const img = ok(d.berth(['commit', '-m', 'snap', 'ev8b', 'evcommit:1'])).trim();
  for (const cli of CLIS) {
    const out = ok(d[cli](['events', '--since', since, '--until', sec(), '-f', 'container=ev8b', '-f', 'event=pause', '-f', 'event=unpause', '-f', 'event=rename', '-f', 'event=commit',
      '--format', '{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "oldName"}}{{index .Actor.Attributes "imageID"}}']));
    assert.equal(out, `rename ev8b ev8\ncommit ev8b ${img}\n`);
    const all = ok(d[cli](['events', '--since', since, '--until', sec(), '-f', 'event=pause', '-f', 'event=unpause', '-f', 'event=rename', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "oldName"}}']));
    assert.equal(all, 'pause ev8 \nunpause ev8 \nrename ev8b ev8\n');
  }
});

test('image push and pull events against a local registry', async () => {
  const reg = await registries.start(d);
  const since = String(Math.floor(Date.now() / 1000) - 1);
  const ref = `${reg.host}/evpush:1`;
  ok(d.berth(['tag', 'busybox', ref]));
  ok(d.berth(['push', ref]));
  ok(d.berth(['rmi', ref]));
  ok(d.berth(['pull', ref]));
  for (const cli of CLIS) {
    const out = ok(d[cli](['events', '--since', since, '--until', sec(), '-f', 'type=image', '-f', 'event=push', '-f', 'event=pull', '--format', '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}']));
    assert.equal(out, `push ${ref} ${reg.host}/evpush\npull ${ref} ${reg.host}/evpush\n`);
  }
});
