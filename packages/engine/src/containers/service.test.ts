/**
 * ContainerService's state machine against a fake runtime (no monitor, no namespaces): what each
 * lifecycle call does to the state, which errors it answers with (Docker's status codes), and
 * which events it logs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conflict, InvalidArgument, NotFound, NotModified, errorToStatus } from '@berth/shared';
import { ContainerService, type ContainerImages } from './service.js';
import { RestartManager } from './restart.js';
import { StartError, type ExitStatus } from '../runtime/protocol.js';
import type { ContainerRuntime, MonitorHandle, RunOptions } from '../runtime/runtime.js';
import type { EventSink } from '../events/types.js';
import type { ImageRecord } from '../images/types.js';
import type { ContainerLayerStore } from '../storage/container-layers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-svc-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const SIGKILL = 9;
const SIGTERM = 15;

class FakeMonitor implements MonitorHandle {
  private cb?: (st: ExitStatus) => void;
  private status?: ExitStatus;
  resized: [number, number][] = [];
  exit(code: number): void {
    if (this.status) return;
    this.status = { code, signal: null, oom: false, finishedAt: new Date().toISOString() };
    setImmediate(() => this.cb?.(this.status!));
  }
  onExit(cb: (st: ExitStatus) => void): void { this.cb = cb; if (this.status) setImmediate(() => cb(this.status!)); }
  resize(h: number, w: number): void { this.resized.push([h, w]); }
  close(): void {}
}

/** A runtime whose "processes" exit when signalled (SIGTERM unless told to ignore it) or when the test says. */
class FakeRuntime implements ContainerRuntime {
  readonly byPid = new Map<number, FakeMonitor>();
  readonly signals: [number, number][] = [];
  private nextPid = 1000;
  ignoreTerm = false;
  failNext?: StartError;
  runs = 0;
  async run(_bundle: string, opts: RunOptions): Promise<{ pid: number; monitor: MonitorHandle }> {
    const fail = this.failNext;
    this.failNext = undefined;
    if (fail) throw fail;
    await opts.onCreated();
    this.runs++;
    const pid = this.nextPid++;
    const monitor = new FakeMonitor();
    this.byPid.set(pid, monitor);
    return { pid, monitor };
  }
  async reconnect(): Promise<MonitorHandle> { throw new Error('no monitor'); }
  recordedExit(): undefined { return undefined; }
  signal(pid: number, sig: number): void {
    this.signals.push([pid, sig]);
    if (sig === SIGKILL || (sig === SIGTERM && !this.ignoreTerm)) this.byPid.get(pid)?.exit(128 + sig);
  }
}

const busybox: ImageRecord = {
  id: `sha256:${'b'.repeat(64)}`, repoTags: ['busybox:latest'], repoDigests: [], size: 1, parent: '', chainIDs: [],
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'], Labels: { tier: 'test' } } },
};

const images: ContainerImages = {
  async get(ref) { if (ref === 'busybox' || ref === busybox.id) return busybox; throw new NotFound(`No such image: ${ref}`); },
  resolve() { throw new NotFound('no'); },
  lease() { throw new Error('not in this test'); },
  async commit() { throw new Error('not in this test'); },
};

/** Containers' layers as plain directories (no snapshots, nothing mounted: the runtime is fake). */
function fakeLayers(dir: string): ContainerLayerStore {
  const paths = (id: string) => ({ upper: path.join(dir, id, 'diff'), work: path.join(dir, id, 'work'), merged: path.join(dir, id, 'merged'), lowers: [] });
  return {
    async create(id) { fs.mkdirSync(paths(id).upper, { recursive: true }); },
    async remove(id) { fs.rmSync(path.join(dir, id), { recursive: true, force: true }); },
    async retain() {},
    mounts: (id) => [{ type: 'overlay', source: 'overlay', options: [`upperdir=${paths(id).upper}`] }],
    paths,
    hasInitLayer: () => true,
    mountRootfs() { throw new Error('not in this test'); },
  };
}

function setup() {
  const dir = path.join(root, `d${n++}`);
  const runtime = new FakeRuntime();
  const events: [string, string, Record<string, string>][] = [];
  const sink: EventSink = { emit(type, action, _id, attrs = {}) { events.push([type, action, attrs]); } };
  const svc = new ContainerService({ dataRoot: path.join(dir, 'data'), execRoot: path.join(dir, 'exec'), images, layers: fakeLayers(path.join(dir, 'layers')), runtime, events: sink });
  const actions = () => events.map(([, a]) => a);
  /** Resolves once the container's exit is recorded. */
  const exited = (ref: string) => svc.wait(ref, 'next-exit').result;
  return { svc, runtime, events, actions, exited };
}

const state = (svc: ContainerService, ref: string) => svc.get(ref).rec.State;
const statusOf = (p: Promise<unknown>) => p.then(() => 0, (e) => errorToStatus(e));

test('create → start → die → rm: the states, the events and their attributes', async () => {
  const { svc, runtime, events, actions, exited } = setup();
  const { Id } = await svc.create({ Image: 'busybox', Labels: { team: 'a' } }, 'web');
  assert.equal(state(svc, 'web').Status, 'created');
  await svc.start('web');
  const st = state(svc, Id);
  assert.deepEqual([st.Status, st.Running, st.Pid], ['running', true, 1000]);
  const done = exited('web');
  runtime.byPid.get(1000)!.exit(3);
  assert.deepEqual(await done, { Error: null, StatusCode: 3 });
  assert.deepEqual([state(svc, 'web').Status, state(svc, 'web').ExitCode, state(svc, 'web').Running], ['exited', 3, false]);
  await svc.remove('web');
  assert.throws(() => svc.get('web'), NotFound);
  assert.deepEqual(actions(), ['create', 'start', 'die', 'destroy']);
  assert.deepEqual(events[0]![2], { image: 'busybox', name: 'web', team: 'a', tier: 'test' });
  assert.equal(events[2]![2].exitCode, '3');
  assert.match(events[2]![2].execDuration!, /^\d+$/);
});

test('start of a running container is 304; stop of a stopped one 304; kill of a stopped one 409', async () => {
  const { svc } = setup();
  await svc.create({ Image: 'busybox' }, 'cc');
  await assert.rejects(svc.kill('cc'), (e: unknown) => e instanceof Conflict && /Cannot kill container: cc: Container [0-9a-f]{64} is not running/.test((e as Error).message));
  await svc.start('cc');
  assert.equal(await statusOf(svc.start('cc')), 304);
  await svc.stop('cc');
  assert.equal(state(svc, 'cc').ExitCode, 128 + SIGTERM);
  await assert.rejects(svc.stop('cc'), NotModified);
  assert.equal(await statusOf(svc.stop('cc')), 304);
  assert.equal(await statusOf(svc.kill('cc')), 409);
});

test('stop: the stop signal, SIGKILL once the timeout passes; events kill, kill, die, stop', async () => {
  const { svc, runtime, events, actions } = setup();
  await svc.create({ Image: 'busybox' }, 'stubborn');
  await svc.start('stubborn');
  runtime.ignoreTerm = true;
  await svc.stop('stubborn', 0);
  assert.deepEqual(runtime.signals.map(([, s]) => s), [SIGTERM, SIGKILL]);
  assert.deepEqual(actions().slice(2), ['kill', 'kill', 'die', 'stop']);
  assert.deepEqual(events.filter(([, a]) => a === 'kill').map(([, , at]) => at.signal), ['15', '9']);
  assert.equal(state(svc, 'stubborn').ExitCode, 137);
});

test('rm of a running container: 409 without force; with force it is killed and gone', async () => {
  const { svc, runtime, actions } = setup();
  await svc.create({ Image: 'busybox' }, 'rr');
  await svc.start('rr');
  await assert.rejects(svc.remove('rr'), (e: unknown) => e instanceof Conflict && /You cannot remove a running container/.test((e as Error).message));
  assert.equal(state(svc, 'rr').Running, true);
  const gone = svc.wait('rr', 'removed').result;
  await svc.remove('rr', { force: true });
  assert.deepEqual(runtime.signals.map(([, s]) => s), [SIGKILL]);
  assert.equal((await gone).StatusCode, 137);
  assert.throws(() => svc.get('rr'), NotFound);
  assert.deepEqual(actions(), ['create', 'start', 'die', 'destroy']);
});

test('wait: not-running answers at once for a stopped container; next-exit waits; removed ends at rm; a bad condition is 400', async () => {
  const { svc, runtime } = setup();
  await svc.create({ Image: 'busybox' }, 'ww');
  assert.deepEqual(await svc.wait('ww', '').result, { Error: null, StatusCode: 0 });
  assert.throws(() => svc.wait('ww', 'sometime'), (e: unknown) => e instanceof InvalidArgument && /invalid condition: "sometime"/.test((e as Error).message));
  await svc.start('ww');
  let settled = false;
  const next = svc.wait('ww', 'next-exit');
  void next.result.then(() => { settled = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'next-exit waits for the exit');
  runtime.byPid.get(1000)!.exit(5);
  assert.equal((await next.result).StatusCode, 5);
  const removed = svc.wait('ww', 'removed');
  const cancelled = svc.wait('ww', 'removed');
  cancelled.cancel();
  assert.deepEqual(await cancelled.result, { Error: { Message: 'context canceled' }, StatusCode: -1 });
  await svc.remove('ww');
  assert.equal((await removed.result).StatusCode, 5);
});

test('restart policy on-failure:2: restarted twice after failing exits, then left exited; a stop ends restarts', async () => {
  const { svc, runtime, actions, exited } = setup();
  const policy = new RestartManager(svc);
  assert.ok(policy);
  await svc.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } }, 'flaky');
  await svc.start('flaky');
  for (let run = 0; run < 3; run++) {
    const done = exited('flaky');
    const pid = state(svc, 'flaky').Pid;
    runtime.byPid.get(pid)!.exit(1);
    await done;
    if (run < 2) {
      assert.equal(state(svc, 'flaky').Status, 'restarting');
      await new Promise<void>((r) => { const t = setInterval(() => { if (state(svc, 'flaky').Running) { clearInterval(t); r(); } }, 5); });
    }
  }
  assert.equal(runtime.runs, 3);
  assert.deepEqual([state(svc, 'flaky').Status, svc.get('flaky').rec.RestartCount], ['exited', 2]);
  assert.deepEqual(actions(), ['create', 'start', 'die', 'start', 'die', 'start', 'die']);

  await svc.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } } }, 'always');
  await svc.start('always');
  await svc.stop('always');
  await new Promise((r) => setTimeout(r, 300)); // past the first back-off
  assert.deepEqual([state(svc, 'always').Status, state(svc, 'always').Running], ['exited', false], 'a stopped container is not restarted');
});

test('a start that fails: 400 for a missing executable, the state stays created with the exit code', async () => {
  const { svc, runtime, actions } = setup();
  await svc.create({ Image: 'busybox' }, 'bad');
  runtime.failNext = new StartError(127, 'exec: "nope": executable file not found in $PATH');
  await assert.rejects(svc.start('bad'), (e: unknown) => e instanceof InvalidArgument
    && (e as Error).message === 'failed to create task for container: unable to start container process: exec: "nope": executable file not found in $PATH: unknown');
  assert.deepEqual([state(svc, 'bad').Status, state(svc, 'bad').ExitCode], ['created', 127]);
  assert.deepEqual(actions(), ['create']);
});

test('AutoRemove: the container goes once it exited', async () => {
  const { svc, runtime } = setup();
  await svc.create({ Image: 'busybox', HostConfig: { AutoRemove: true } }, 'tmp');
  await svc.start('tmp');
  const gone = svc.wait('tmp', 'removed').result;
  runtime.byPid.get(1000)!.exit(0);
  await gone;
  assert.throws(() => svc.get('tmp'), NotFound);
});

test('pause of a stopped container, rename to a taken name, resize of a stopped one: Docker\'s 409s', async () => {
  const { svc, runtime, events } = setup();
  await svc.create({ Image: 'busybox' }, 'p1');
  await svc.create({ Image: 'busybox' }, 'p2');
  await assert.rejects(svc.pause('p1'), (e: unknown) => e instanceof Conflict && /is not running/.test((e as Error).message));
  assert.throws(() => svc.rename('p1', 'p2'), (e: unknown) => errorToStatus(e) === 409 && /The container name "\/p2" is already in use/.test((e as Error).message));
  assert.throws(() => svc.resize('p1', 10, 20), Conflict);
  svc.rename('p1', 'p3');
  assert.equal(svc.get('p3').rec.Name, '/p3');
  assert.deepEqual(events[events.length - 1]!.slice(1), ['rename', { image: 'busybox', name: 'p3', oldName: '/p1', tier: 'test' }]);
  await svc.start('p3');
  svc.resize('p3', 10, 20);
  assert.deepEqual(runtime.byPid.get(1000)!.resized, [[10, 20]]);
  assert.deepEqual(events[events.length - 1]!.slice(1), ['resize', { height: '10', width: '20', image: 'busybox', name: 'p3', tier: 'test' }]);
});

test('create: an unknown image is 404 with the familiar name; a taken name 409 and nothing left behind', async () => {
  const { svc } = setup();
  await assert.rejects(svc.create({ Image: 'nope' }), (e: unknown) => e instanceof NotFound && (e as Error).message === 'No such image: nope:latest');
  await svc.create({ Image: 'busybox' }, 'same');
  assert.equal(await statusOf(svc.create({ Image: 'busybox' }, 'same')), 409);
  assert.equal(svc.all().length, 1);
});
