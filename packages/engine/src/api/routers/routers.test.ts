/**
 * The routers in-process: the real API server (api/server.ts) over fake backends. What a route
 * parses from the request, which backend call it makes, and how errors, 304s and API versions
 * come back as Docker answers them.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conflict, InvalidArgument, NotFound, NotModified, API_VERSION, MIN_API_VERSION } from '@berth/shared';
import { createApiServer } from '../server.js';
import { containersRouter, type ContainersBackend } from './containers.js';
import { volumesRouter, type VolumesBackend } from './volumes.js';
import { networksRouter, type NetworksBackend } from './networks.js';
import { execRouter, type ExecBackend } from './exec.js';
import { eventsRouter } from './events.js';
import { imagesRouter } from './images.js';
import type { ImageService } from '../../images/service.js';
import type { DistributionService } from '../../distribution/service.js';
import { EventsService } from '../../events/service.js';

/** Every call a fake backend received, as [method, ...args]. */
const calls: unknown[][] = [];
/** Per method, what the fake does instead of recording a success. */
const behaviour = new Map<string, (...args: unknown[]) => unknown>();

function fake<T extends object>(): T {
  return new Proxy({} as T, {
    get: (_t, name: string) => (...args: unknown[]) => {
      calls.push([name, ...args]);
      const b = behaviour.get(name);
      return b ? b(...args) : undefined;
    },
  });
}

const events = new EventsService();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-routers-'));
const socketPath = path.join(dir, 'api.sock');
const server = createApiServer({
  serverVersion: 'test',
  routes: [
    ...containersRouter(fake<ContainersBackend>()),
    ...volumesRouter(fake<VolumesBackend>()),
    ...networksRouter(fake<NetworksBackend>()),
    ...execRouter(fake<ExecBackend>()),
    ...eventsRouter(events),
    ...imagesRouter(fake<ImageService>(), fake<DistributionService>()),
  ],
});
before(() => new Promise<void>((r) => server.listen(socketPath, r)));
after(() => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => behaviour.clear());

interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

function call(method: string, p: string, body?: unknown): Promise<Reply> {
  calls.length = 0;
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const headers: Record<string, string | number> = data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {};
    const req = http.request({ socketPath, method, path: p, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Argument `n` of the first backend call (unknown: no assertion narrows it). */
const arg = (n: number): unknown => calls[0]![n];

const message = (r: Reply) => (JSON.parse(r.body) as { message: string }).message;

test('routes parse the request and call the backend: create, start, stop, kill, rm, list', async () => {
  behaviour.set('create', () => ({ Id: 'abc', Warnings: [] }));
  let r = await call('POST', '/v1.51/containers/create?name=web', { Image: 'busybox', Cmd: ['true'] });
  assert.deepEqual([r.status, JSON.parse(r.body)], [201, { Id: 'abc', Warnings: [] }]);
  const [name, body, cname] = calls[0]!;
  assert.deepEqual([name, (body as { Image: string }).Image, (body as { Cmd: string[] }).Cmd, cname], ['create', 'busybox', ['true'], 'web']);

  r = await call('POST', '/containers/web/start');
  assert.deepEqual([r.status, calls], [204, [['start', 'web']]]);
  r = await call('POST', '/containers/web/stop?t=3&signal=SIGINT');
  assert.deepEqual([r.status, calls], [204, [['stop', 'web', 3, 'SIGINT']]]);
  r = await call('POST', '/containers/web/kill?signal=HUP');
  assert.deepEqual([r.status, calls], [204, [['kill', 'web', 'HUP']]]);
  r = await call('DELETE', '/containers/web?force=1&v=true');
  assert.deepEqual([r.status, calls], [204, [['remove', 'web', { force: true, volumes: true }]]]);
  behaviour.set('list', () => []);
  r = await call('GET', `/containers/json?all=1&limit=2&filters=${encodeURIComponent('{"status":["exited"]}')}`);
  assert.equal(r.status, 200);
  const opts = calls[0]![1] as { all: boolean; limit: number; filters: Map<string, string[]> };
  assert.deepEqual([opts.all, opts.limit, [...opts.filters]], [true, 2, [['status', ['exited']]]]);
});

test('errors map to Docker\'s status codes and {"message"}; 304 has no body', async () => {
  behaviour.set('start', () => { throw new NotModified('container already started'); });
  let r = await call('POST', '/containers/web/start');
  assert.deepEqual([r.status, r.body], [304, '']);
  behaviour.set('inspect', (ref) => { throw new NotFound(`No such container: ${ref as string}`); });
  r = await call('GET', '/containers/nope/json');
  assert.deepEqual([r.status, message(r), r.headers['content-type']], [404, 'No such container: nope', 'application/json']);
  behaviour.set('remove', () => { throw new Conflict('You cannot remove a running container x'); });
  r = await call('DELETE', '/containers/x');
  assert.deepEqual([r.status, message(r)], [409, 'You cannot remove a running container x']);
  behaviour.set('kill', () => { throw new InvalidArgument('Invalid signal: NOPE'); });
  r = await call('POST', '/containers/x/kill?signal=NOPE');
  assert.deepEqual([r.status, message(r)], [400, 'Invalid signal: NOPE']);
  behaviour.set('start', () => { throw new Error('disk on fire'); });
  r = await call('POST', '/containers/web/start');
  assert.deepEqual([r.status, message(r)], [500, 'disk on fire']);
  r = await call('GET', '/nowhere');
  assert.deepEqual([r.status, message(r)], [404, 'page not found']);
});

test('bad requests are refused before the backend is called', async () => {
  let r = await call('POST', '/containers/create', '{"Image": ');
  assert.equal(r.status, 400);
  assert.deepEqual(calls, []);
  r = await call('POST', '/containers/x/resize?h=-1&w=10');
  assert.deepEqual([r.status, message(r), calls], [400, 'invalid resize dimensions', []]);
  r = await call('POST', '/containers/x/stop?t=soon');
  assert.deepEqual([r.status, message(r), calls], [400, 'invalid value for t: soon', []]);
  r = await call('GET', '/containers/json?filters=notjson');
  assert.deepEqual([r.status, message(r), calls], [400, "invalid filter 'notjson'", []]);
});

test('API versions: the prefix is checked against the supported range; the bare path is the newest', async () => {
  let r = await call('POST', '/v1.12/containers/web/start');
  assert.deepEqual([r.status, message(r)], [400, `client version 1.12 is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`]);
  r = await call('POST', '/v9.99/containers/web/start');
  assert.deepEqual([r.status, message(r)], [400, `client version 9.99 is too new. Maximum supported API version is ${API_VERSION}`]);
  assert.deepEqual(calls, []);
  r = await call('POST', `/v${MIN_API_VERSION}/containers/web/start`);
  assert.equal(r.status, 204);
  assert.equal(r.headers['api-version'], API_VERSION);
});

test('wait streams its result; update, rename, pause, volume and network routes pass their arguments', async () => {
  behaviour.set('wait', () => ({ result: Promise.resolve({ Error: null, StatusCode: 7 }), cancel() {} }));
  let r = await call('POST', '/containers/web/wait?condition=removed');
  assert.deepEqual([r.status, JSON.parse(r.body), calls[0]], [200, { Error: null, StatusCode: 7 }, ['wait', 'web', 'removed']]);
  behaviour.set('update', () => ({ Warnings: [] }));
  r = await call('POST', '/containers/web/update', { CpuShares: 512 });
  assert.deepEqual([r.status, (calls[0]![2] as { CpuShares: number }).CpuShares], [200, 512]);
  r = await call('POST', '/containers/web/rename?name=db');
  assert.deepEqual([r.status, calls], [204, [['rename', 'web', 'db']]]);
  r = await call('POST', '/containers/web/pause');
  assert.deepEqual([r.status, calls], [204, [['pause', 'web']]]);
  behaviour.set('create', (b) => ({ Name: (b as { Name: string }).Name }));
  r = await call('POST', '/volumes/create', { Name: 'data' });
  assert.deepEqual([r.status, JSON.parse(r.body)], [201, { Name: 'data' }]);
  r = await call('DELETE', '/volumes/data?force=1');
  assert.deepEqual([r.status, calls], [204, [['remove', 'data', { force: true }]]]);
  behaviour.set('remove', () => { throw new Conflict('remove data: volume is in use - [abc]'); });
  r = await call('DELETE', '/volumes/data');
  assert.deepEqual([r.status, message(r)], [409, 'remove data: volume is in use - [abc]']);
  r = await call('POST', '/networks/net1/connect', { Container: 'web' });
  assert.deepEqual([r.status, calls[0]![0], calls[0]![1], (calls[0]![2] as { Container: string }).Container], [200, 'connect', 'net1', 'web']);
  behaviour.set('inspect', () => ({ ID: 'e1', Running: false }));
  r = await call('GET', '/exec/e1/json');
  assert.deepEqual([r.status, JSON.parse(r.body)], [200, { ID: 'e1', Running: false }]);
});

test('events: a bounded replay ends the stream; since after until is refused', async () => {
  events.emit('volume', 'create', 'v1', { driver: 'local' });
  events.emit('container', 'start', 'c1', { name: 'web', image: 'busybox' });
  const until = (Date.now() / 1000 + 0.001).toFixed(3);
  let r = await call('GET', `/events?since=1&until=${until}&filters=${encodeURIComponent('{"type":["container"]}')}`);
  assert.equal(r.status, 200);
  const lines = r.body.trim().split('\n').map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string } });
  assert.deepEqual(lines.map((m) => [m.Type, m.Action, m.Actor.ID]), [['container', 'start', 'c1']]);
  r = await call('GET', '/events?since=20&until=10');
  assert.deepEqual([r.status, message(r)], [400, '`since` time (20) cannot be after `until` time (10)']);
  r = await call('GET', `/events?since=1&until=${until}&filters=${encodeURIComponent('{"bogus":["1"]}')}`);
  assert.deepEqual([r.status, message(r)], [400, "invalid filter 'bogus'"]);
});

test('API version gates the routers apply (api/versions.ts), each at both sides of its version', async () => {
  await call('POST', '/v1.41/containers/web/stop?t=1&signal=SIGINT');
  assert.deepEqual(calls, [['stop', 'web', 1, undefined]]);
  await call('POST', '/v1.42/containers/web/restart?signal=SIGINT');
  assert.deepEqual(calls, [['restart', 'web', undefined, 'SIGINT']]);
  behaviour.set('wait', () => ({ result: Promise.resolve({ Error: null, StatusCode: 0 }), cancel() {} }));
  await call('POST', '/v1.29/containers/web/wait?condition=removed');
  assert.deepEqual(calls[0], ['wait', 'web', '']);
  await call('POST', '/v1.30/containers/web/wait?condition=removed');
  assert.deepEqual(calls[0], ['wait', 'web', 'removed']);
  await call('POST', '/v1.39/containers/web/update', { PidsLimit: 5, CpuShares: 2 });
  assert.deepEqual(arg(2), { CpuShares: 2 });
  await call('POST', '/v1.40/containers/web/update', { PidsLimit: 5, CpuShares: 2 });
  assert.deepEqual(arg(2), { PidsLimit: 5, CpuShares: 2 });
  await call('GET', '/v1.40/containers/web/stats?stream=0&one-shot=1');
  assert.deepEqual((arg(2) as { oneShot: boolean }).oneShot, false);
  await call('GET', '/v1.41/containers/web/stats?stream=0&one-shot=1');
  assert.deepEqual((arg(2) as { oneShot: boolean }).oneShot, true);
  behaviour.set('prune', () => ({ VolumesDeleted: null, SpaceReclaimed: 0 }));
  await call('POST', `/v1.41/volumes/prune?filters=${encodeURIComponent('{"label":["a"]}')}`);
  assert.deepEqual([...(arg(1) as Map<string, string[]>)], [['label', ['a']], ['all', ['true']]]);
  await call('POST', `/v1.42/volumes/prune?filters=${encodeURIComponent('{"label":["a"]}')}`);
  assert.deepEqual([...(arg(1) as Map<string, string[]>)], [['label', ['a']]]);
  behaviour.set('create', () => ({ Id: 'e1' }));
  await call('POST', '/v1.41/containers/web/exec', { Cmd: ['ls'], Tty: true, ConsoleSize: [10, 20] });
  assert.deepEqual(arg(2), { Cmd: ['ls'], Tty: true });
  await call('POST', '/v1.42/containers/web/exec', { Cmd: ['ls'], Tty: true, ConsoleSize: [10, 20] });
  assert.deepEqual(arg(2), { Cmd: ['ls'], Tty: true, ConsoleSize: [10, 20] });
  behaviour.set('create', () => ({ Id: 'c1', Warnings: ['from the service'] }));
  const withDriver = { Image: 'b', HostConfig: { VolumeDriver: 'local', Mounts: [{ Type: 'volume', Source: 'v', Target: '/v' }] } };
  assert.deepEqual(JSON.parse((await call('POST', '/v1.47/containers/create', withDriver)).body).Warnings, ['from the service']);
  assert.deepEqual(JSON.parse((await call('POST', '/v1.48/containers/create', withDriver)).body).Warnings,
    ['from the service', "WARNING: the container-wide volume-driver configuration is ignored for volumes specified via 'mount'. Use '--mount type=volume,volume-driver=...' instead"]);
  const r = await call('POST', '/v1.43/containers/create', { Image: 'b', NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } });
  assert.deepEqual([r.status, message(r), calls], [400, 'Container cannot be created with multiple network endpoints: a, b', []]);
  behaviour.set('list', () => [{ Id: 'c1', HostConfig: { NetworkMode: 'bridge', Annotations: { k: 'v' } } }]);
  assert.deepEqual(JSON.parse((await call('GET', '/v1.45/containers/json')).body)[0].HostConfig, { NetworkMode: 'bridge' });
  assert.deepEqual(JSON.parse((await call('GET', '/v1.46/containers/json')).body)[0].HostConfig, { NetworkMode: 'bridge', Annotations: { k: 'v' } });
  behaviour.set('inspect', () => ({ Id: '0123456789abcdef', Config: { Hostname: 'h' }, NetworkSettings: { Networks: { net1: { Aliases: null } } } }));
  assert.deepEqual(JSON.parse((await call('GET', '/v1.44/containers/web/json')).body).NetworkSettings.Networks.net1.Aliases, ['0123456789ab', 'h']);
  assert.equal(JSON.parse((await call('GET', '/v1.45/containers/web/json')).body).NetworkSettings.Networks.net1.Aliases, null);

  const multiplexed = 'application/vnd.docker.multiplexed-stream';
  behaviour.set('logs', (_ref, _opts, start) => { (start as (ct: string) => unknown)(multiplexed); });
  assert.equal((await call('GET', '/v1.41/containers/web/logs?stdout=1')).headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal((await call('GET', '/v1.42/containers/web/logs?stdout=1')).headers['content-type'], multiplexed);
  await call('POST', '/v1.31/images/create?fromImage=busybox&tag=latest&platform=linux/arm64');
  assert.equal((arg(3) as { platform?: string }).platform, undefined);
  await call('POST', '/v1.32/images/create?fromImage=busybox&tag=latest&platform=linux/arm64');
  assert.equal((arg(3) as { platform?: string }).platform, 'linux/arm64');

  // routes newer than the request's version (moby's WithMinimumAPIVersion)
  for (const [method, p, msg] of [
    ['POST', '/containers/prune', 'POST /containers/prune requires minimum API version 1.25'],
    ['POST', '/volumes/prune', 'POST /volumes/prune requires minimum API version 1.25'],
    ['POST', '/networks/prune', 'POST /networks/prune requires minimum API version 1.25'],
    ['POST', '/images/prune', 'POST /images/prune requires minimum API version 1.25'],
  ] as const) {
    const old = await call(method, `/v1.24${p}`);
    assert.deepEqual([old.status, message(old), calls], [400, msg, []]);
    behaviour.set('prune', () => ({}));
    assert.equal((await call(method, `/v1.25${p}`)).status, 200);
    assert.equal(calls[0]![0], 'prune');
  }
  let old = await call('GET', '/v1.29/distribution/busybox/json');
  assert.deepEqual([old.status, message(old)], [400, 'GET /distribution/{name:.*}/json requires minimum API version 1.30']);
  old = await call('PUT', '/v1.41/volumes/v1', {});
  assert.deepEqual([old.status, message(old)], [400, 'PUT /volumes/{name:.*} requires minimum API version 1.42']);
  old = await call('PUT', '/v1.42/volumes/v1?version=1', {});
  assert.deepEqual([old.status, message(old)], [503, 'volume update only valid for cluster volumes, but swarm is unavailable']);
  behaviour.set('create', (b) => ({ Name: (b as { Name: string }).Name }));
  const clusterVolume = { Name: 'cv', ClusterVolumeSpec: { Group: 'g' } };
  assert.deepEqual([(await call('POST', '/v1.41/volumes/create', clusterVolume)).status, calls[0]![0]], [201, 'create']);
  const cv = await call('POST', '/v1.42/volumes/create', clusterVolume);
  assert.deepEqual([cv.status, calls], [503, []]);
  assert.match(message(cv), /^This node is not a swarm manager\. Use "docker swarm init"/);

  events.emit('image', 'create', 'sha256:abc', { name: 'sha256:abc' });
  const until = (Date.now() / 1000 + 0.001).toFixed(3);
  const imageEvents = async (v: string) => (await call('GET', `/v${v}/events?since=1&until=${until}&filters=${encodeURIComponent('{"type":["image"]}')}`))
    .body.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Action: string }).Action);
  assert.deepEqual(await imageEvents('1.45'), []);
  assert.deepEqual(await imageEvents('1.46'), ['create']);
});
