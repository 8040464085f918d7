/**
 * Events: a run's create/attach/start/die(exitCode)/destroy replayed with --since/--until,
 * filters (type, event, container, image, label), `{{json .}}` and Docker's line format, a live
 * stream while containers run, image/network/volume events, NEventsListener in info —
 * with both berth and the docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
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
  // dockerd names an untag by the image's ID (moby LogImageEvent(imgID, imgID, untag)).
  const busyboxId = ok(d.berth(['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
  assert.match(img, new RegExp(`tag evtag:1\nuntag ${busyboxId}\n`));
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
    assert.equal(out, `rename ev8b /ev8\ncommit ev8b ${img}\n`);
    const all = ok(d[cli](['events', '--since', since, '--until', sec(), '-f', 'event=pause', '-f', 'event=unpause', '-f', 'event=rename', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "oldName"}}']));
    assert.equal(all, 'pause ev8 \nunpause ev8 \nrename ev8b /ev8\n');
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

// ── Every action, as GET /events returns it (Actor attributes included), per moby's daemon/*.go ──

interface Ev { Type: string; Action: string; id: string; attrs: Record<string, string> }

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

/** A hijacked request (Upgrade: tcp): send `input`, resolve when the daemon closes the stream. */
function hijack(p: string, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(d.socket, () => {
      sock.write(`POST ${p} HTTP/1.1\r\nHost: berth\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n`);
    });
    let head = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`${p}: the stream did not end`)); }, 10000);
    sock.on('data', (c) => {
      if (head.includes('\r\n\r\n')) return;
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        assert.match(head, /^HTTP\/1.1 101 /);
        sock.write(input);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => { clearTimeout(timer); resolve(); });
  });
}

const nowSec = () => (Date.now() / 1000).toFixed(3);

/** GET /events?since=…&until=now with filters: the replayed messages, in order. */
async function events(since: string, filters: Record<string, string[]> = {}): Promise<Ev[]> {
  const q = new URLSearchParams({ since, until: nowSec(), filters: JSON.stringify(filters) });
  const r = await api('GET', `/events?${q}`);
  assert.equal(r.status, 200, r.body);
  return r.body.split('\n').filter(Boolean).map((l) => {
    const m = JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> } };
    return { Type: m.Type, Action: m.Action, id: m.Actor.ID, attrs: m.Actor.Attributes };
  });
}

const actions = (evs: Ev[]) => evs.map((e) => e.Action);
const one = (evs: Ev[], action: string) => {
  const hits = evs.filter((e) => e.Action === action);
  assert.equal(hits.length, 1, `one ${action} in ${actions(evs).join(', ')}`);
  return hits[0]!;
};
const base = (name: string, extra: Record<string, string> = {}) => ({ image: 'busybox', name, ...extra });

test('container lifecycle: create, start, top, resize, update, pause, unpause, rename, kill, restart, stop, destroy', async () => {
  const since = nowSec();
  const id = ok(d.docker(['create', '-t', '--name', 'evx', '-l', 'team=red', 'busybox', 'sleep', '60'])).trim();
  ok(d.docker(['start', 'evx']));
  ok(d.docker(['top', 'evx']));
  assert.equal((await api('POST', '/containers/evx/resize?h=10&w=20')).status, 200);
  ok(d.docker(['update', '--cpu-shares', '512', 'evx']));
  ok(d.docker(['pause', 'evx']));
  ok(d.docker(['unpause', 'evx']));
  ok(d.docker(['rename', 'evx', 'evy']));
  ok(d.docker(['kill', '-s', 'USR1', 'evy']));
  ok(d.docker(['restart', '-t', '1', 'evy'])); // sleep as PID 1 ignores SIGTERM: SIGKILL after a second
  ok(d.docker(['stop', '-t', '1', 'evy']));
  ok(d.docker(['rm', 'evy']));
  const evs = await events(since, { container: [id], type: ['container'] });
  assert.deepEqual(actions(evs), ['create', 'start', 'top', 'resize', 'update', 'pause', 'unpause', 'rename', 'kill',
    'kill', 'kill', 'die', 'stop', 'start', 'restart', 'kill', 'kill', 'die', 'stop', 'destroy']);
  const red = (name: string, extra: Record<string, string> = {}) => base(name, { team: 'red', ...extra });
  assert.deepEqual(evs[0]!.attrs, red('evx'));
  assert.ok(evs.every((e) => e.id === id));
  assert.deepEqual(evs[3]!.attrs, red('evx', { height: '10', width: '20' }));
  assert.deepEqual(evs[7]!.attrs, red('evy', { oldName: '/evx' }));
  assert.deepEqual(evs.filter((e) => e.Action === 'kill').map((e) => e.attrs.signal), ['10', '15', '9', '15', '9']);
  const die = evs[11]!;
  assert.equal(die.attrs.exitCode, '137');
  assert.match(die.attrs.execDuration!, /^\d+$/);
  assert.deepEqual(Object.keys(die.attrs).sort(), ['execDuration', 'exitCode', 'image', 'name', 'team']);
  for (const i of [1, 2, 4, 5, 6, 12, 13, 14, 18, 19]) assert.deepEqual(evs[i]!.attrs, red(i < 7 ? 'evx' : 'evy'), `${evs[i]!.Action} attributes`);
});

test('exec: exec_create, exec_start, exec_die in order (execID, exitCode); exec_detach on the detach keys', async () => {
  ok(d.docker(['run', '-d', '--name', 'evexec', 'busybox', 'sleep', '60']));
  const since = nowSec();
  assert.equal(d.docker(['exec', 'evexec', 'sh', '-c', 'exit 3']).code, 3);
  d.docker(['exec', '-i', '--detach-keys', 'ctrl-x', 'evexec', 'cat'], { input: 'x\x18', timeout: 20000 });
  // The detach closes the exec's stdin (as dockerd's CloseStdin does), so cat ends soon after: wait for its die.
  let evs: Ev[] = [];
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    evs = await events(since, { container: ['evexec'] });
    if (evs.length >= 7) break;
  }
  assert.deepEqual(actions(evs).slice(0, 3), ['exec_create: sh -c exit 3', 'exec_start: sh -c exit 3', 'exec_die']);
  const execID = evs[0]!.attrs.execID!;
  assert.match(execID, /^[0-9a-f]{64}$/);
  assert.deepEqual(evs[1]!.attrs, base('evexec', { execID }));
  assert.deepEqual(evs[2]!.attrs, base('evexec', { execID, exitCode: '3' }));
  assert.deepEqual(actions(evs).slice(3), ['exec_create: cat', 'exec_start: cat', 'exec_detach', 'exec_die']);
  assert.deepEqual(evs[5]!.attrs, base('evexec', { execID: evs[3]!.attrs.execID! }));
  ok(d.docker(['rm', '-f', 'evexec']));
});

test('attach and detach: the detach keys end an attach with a detach event', async () => {
  ok(d.docker(['run', '-di', '--name', 'evatt', 'busybox', 'cat']));
  const since = nowSec();
  // Over the API: docker's CLI, not on a terminal, waits for the container's exit after a detach.
  await hijack('/containers/evatt/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-x', 'x\x18');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Running}}', 'evatt'])), 'true\n');
  const evs = await events(since, { container: ['evatt'] });
  assert.deepEqual(actions(evs), ['attach', 'detach']);
  assert.deepEqual(evs[1]!.attrs, base('evatt'));
  ok(d.docker(['rm', '-f', 'evatt']));
});

test('cp, export and commit: archive-path, extract-to-dir, export, commit (comment, imageID, imageRef) and the image create and tag', async () => {
  ok(d.docker(['run', '-d', '--name', 'evcp', 'busybox', 'sleep', '60']));
  const since = nowSec();
  const file = path.join(d.dir, 'evcp.txt');
  fs.writeFileSync(file, 'hello');
  ok(d.docker(['cp', 'evcp:/etc/hostname', path.join(d.dir, 'evcp-hostname')]));
  ok(d.docker(['cp', file, 'evcp:/tmp/']));
  ok(d.docker(['export', '-o', path.join(d.dir, 'evcp.tar'), 'evcp']));
  const img = ok(d.docker(['commit', '-m', 'snap', 'evcp', 'evcommit:2'])).trim();
  const evs = await events(since, { container: ['evcp'] });
  assert.deepEqual(actions(evs), ['archive-path', 'extract-to-dir', 'export', 'commit']);
  assert.deepEqual(evs[2]!.attrs, base('evcp'));
  assert.deepEqual(evs[3]!.attrs, base('evcp', { comment: 'snap', imageID: img, imageRef: 'evcommit:2' }));
  const imgs = await events(since, { type: ['image'] });
  assert.deepEqual(imgs.map((e) => [e.Action, e.id, e.attrs.name]), [['create', img, img], ['tag', img, 'evcommit:2']]);
  ok(d.docker(['rm', '-f', 'evcp']));
  ok(d.docker(['rmi', 'evcommit:2']));
});

test('health_status: healthy, as the status changes', async () => {
  const since = nowSec();
  ok(d.docker(['run', '-d', '--name', 'evhealth', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '60']));
  let evs: Ev[] = [];
  for (let i = 0; i < 100 && !actions(evs).includes('health_status: healthy'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    evs = await events(since, { container: ['evhealth'], event: ['health_status'] });
  }
  assert.deepEqual(actions(evs), ['health_status: healthy']);
  assert.deepEqual(evs[0]!.attrs, base('evhealth'));
  ok(d.docker(['rm', '-f', 'evhealth']));
});

test('oom: a container killed by the OOM killer logs oom before die', async () => {
  const since = nowSec();
  d.docker(['run', '--name', 'evoom', '-m', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a)']);
  const evs = await events(since, { container: ['evoom'], event: ['oom', 'die'] });
  assert.deepEqual(actions(evs), ['oom', 'die']);
  assert.deepEqual(evs[0]!.attrs, base('evoom'));
  assert.equal(evs[1]!.attrs.exitCode, '137');
  ok(d.docker(['rm', 'evoom']));
});

test('image tag, untag, delete and prune carry the image labels and Docker\'s names', async () => {
  ok(d.docker(['run', '--name', 'evlab', 'busybox', 'true']));
  const id = ok(d.docker(['commit', '--change', 'LABEL tier=gold', 'evlab'])).trim();
  ok(d.docker(['rm', 'evlab']));
  const since = nowSec();
  ok(d.docker(['tag', id, 'evlab:1']));
  ok(d.docker(['rmi', 'evlab:1']));
  ok(d.docker(['image', 'prune', '-f']));
  const evs = await events(since, { type: ['image'] });
  const mine = evs.filter((e) => e.id === id);
  assert.deepEqual(actions(mine), ['tag', 'untag', 'delete']);
  assert.deepEqual(mine[0]!.attrs, { name: 'evlab:1', tier: 'gold' });
  assert.deepEqual(mine[1]!.attrs, { name: id, tier: 'gold' });
  assert.deepEqual(mine[2]!.attrs, { name: id }); // gone: no labels any more
  const prune = evs[evs.length - 1]!;
  assert.deepEqual([prune.Action, prune.id], ['prune', '']);
  assert.match(prune.attrs.reclaimed!, /^\d+$/);
});

test('network create, connect (start and API), disconnect (API and exit), destroy, prune', async () => {
  const since = nowSec();
  const net = ok(d.docker(['network', 'create', 'evnet2'])).trim();
  const id = ok(d.docker(['run', '-d', '--name', 'evnc', '--network', 'evnet2', 'busybox', 'sleep', '60'])).trim();
  ok(d.docker(['network', 'disconnect', 'evnet2', 'evnc']));
  ok(d.docker(['network', 'connect', 'evnet2', 'evnc']));
  ok(d.docker(['rm', '-f', 'evnc']));
  ok(d.docker(['network', 'rm', 'evnet2']));
  ok(d.docker(['network', 'create', 'evnet3']));
  ok(d.docker(['network', 'prune', '-f']));
  const evs = await events(since, { type: ['network'] });
  const mine = evs.filter((e) => e.id === net);
  assert.deepEqual(actions(mine), ['create', 'connect', 'disconnect', 'connect', 'disconnect', 'destroy']);
  assert.deepEqual(mine[0]!.attrs, { name: 'evnet2', type: 'bridge' });
  for (const e of mine.slice(1, 5)) assert.deepEqual(e.attrs, { container: id, name: 'evnet2', type: 'bridge' });
  assert.deepEqual(actions(evs.filter((e) => e.attrs.name === 'evnet3')), ['create', 'destroy']);
  const prune = evs[evs.length - 1]!;
  assert.deepEqual([prune.Action, prune.id, prune.attrs], ['prune', '', { reclaimed: '0' }]);
});

test('volume create, mount (destination, read/write, propagation), unmount, destroy, prune', async () => {
  const since = nowSec();
  ok(d.docker(['volume', 'create', 'evvol2']));
  const id = ok(d.docker(['run', '-d', '--name', 'evvm', '-v', 'evvol2:/data:ro', 'busybox', 'sleep', '60'])).trim();
  ok(d.docker(['rm', '-f', 'evvm']));
  ok(d.docker(['volume', 'rm', 'evvol2']));
  ok(d.docker(['volume', 'create', 'evvol3']));
  ok(d.docker(['volume', 'prune', '-af']));
  const evs = await events(since, { type: ['volume'] });
  const mine = evs.filter((e) => e.id === 'evvol2');
  assert.deepEqual(actions(mine), ['create', 'create', 'mount', 'unmount', 'destroy']);
  assert.deepEqual(mine[0]!.attrs, { driver: 'local' });
  assert.deepEqual(mine[2]!.attrs, { container: id, destination: '/data', driver: 'local', propagation: '', 'read/write': 'false' });
  assert.deepEqual(mine[3]!.attrs, { container: id, driver: 'local' });
  assert.deepEqual(mine[4]!.attrs, { driver: 'local' });
  assert.deepEqual(actions(evs.filter((e) => e.id === 'evvol3')), ['create', 'destroy']);
  const prune = evs[evs.length - 1]!;
  assert.deepEqual([prune.Action, prune.id], ['prune', '']);
  assert.match(prune.attrs.reclaimed!, /^\d+$/);
});

test('container prune and builder prune log prune with the space reclaimed', async () => {
  const id = ok(d.docker(['create', '--name', 'evprune', 'busybox', 'true'])).trim();
  const since = nowSec();
  ok(d.docker(['container', 'prune', '-f']));
  ok(d.docker(['builder', 'prune', '-f'], { env: { DOCKER_BUILDKIT: '0' } }));
  const evs = await events(since, { type: ['container', 'builder'] });
  assert.ok(evs.some((e) => e.Action === 'destroy' && e.id === id), 'the pruned container is destroyed');
  assert.deepEqual(evs.slice(-2).map((e) => [e.Type, e.Action, e.id]), [['container', 'prune', ''], ['builder', 'prune', '']]);
  assert.match(evs[evs.length - 2]!.attrs.reclaimed!, /^\d+$/);
  assert.deepEqual(evs[evs.length - 1]!.attrs, { reclaimed: '0' });
});
