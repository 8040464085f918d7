/**
 * Swarm and plugin endpoints in-process: every route of moby's swarm and plugin routers answers
 * as a dockerd that is not in a swarm and has no plugins, with the router's own checks first.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiServer } from '../server.js';
import { disabledRouter, NOT_A_MANAGER, NOT_IN_SWARM, LIVE_RESTORE_NO_SWARM, BERTHD_NO_SWARM, PLUGINS_UNSUPPORTED, EXPERIMENTAL_OFF } from './disabled.js';

let liveRestore = false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-disabled-'));
const socketPath = path.join(dir, 'api.sock');
const server = createApiServer({ serverVersion: 'test', routes: disabledRouter({ liveRestore: () => liveRestore }) });
const listening = new Promise<void>((r) => server.listen(socketPath, r));
after(() => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

async function call(method: string, p: string, body?: string): Promise<[number, string]> {
  await listening;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const req = http.request({ socketPath, method, path: p, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve([res.statusCode ?? 0, res.headers['content-type'] === 'application/json' && text.startsWith('{"message"') ? (JSON.parse(text) as { message: string }).message : text]));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Case = [method: string, path: string, body: string | undefined, status: number, message: string];

async function check(cases: Case[]) {
  for (const [method, p, body, status, msg] of cases) {
    assert.deepEqual(await call(method, p, body), [status, msg], `${method} ${p} ${body ?? ''}`);
  }
}

test('every swarm route answers as an inactive node: 503, "not a swarm manager" or "not part of a swarm"', async () => {
  const spec = '{"Name":"x"}';
  await check([
    ['POST', '/swarm/leave', undefined, 503, NOT_IN_SWARM],
    ['POST', '/swarm/leave?force=1', undefined, 503, NOT_IN_SWARM],
    ['GET', '/swarm', undefined, 503, NOT_A_MANAGER],
    ['GET', '/swarm/unlockkey', undefined, 503, NOT_A_MANAGER],
    ['POST', '/swarm/update?version=1', spec, 503, NOT_A_MANAGER],
    ['POST', '/swarm/unlock', '{"UnlockKey":"k"}', 503, NOT_A_MANAGER],
    ['GET', '/services', undefined, 503, NOT_A_MANAGER],
    ['GET', '/services/web', undefined, 503, NOT_A_MANAGER],
    ['POST', '/services/create', spec, 503, NOT_A_MANAGER],
    ['POST', '/services/web/update?version=3', spec, 503, NOT_A_MANAGER],
    ['DELETE', '/services/web', undefined, 503, NOT_A_MANAGER],
    ['GET', '/services/web/logs?stdout=1', undefined, 503, NOT_A_MANAGER],
    ['GET', '/nodes', undefined, 503, NOT_A_MANAGER],
    ['GET', '/nodes/n1', undefined, 503, NOT_A_MANAGER],
    ['DELETE', '/nodes/n1?force=1', undefined, 503, NOT_A_MANAGER],
    ['POST', '/nodes/n1/update?version=1', '{"Role":"worker"}', 503, NOT_A_MANAGER],
    ['GET', '/tasks', undefined, 503, NOT_A_MANAGER],
    ['GET', '/tasks/t1', undefined, 503, NOT_A_MANAGER],
    ['GET', '/tasks/t1/logs?stderr=1', undefined, 503, NOT_A_MANAGER],
    ['GET', '/secrets', undefined, 503, NOT_A_MANAGER],
    ['POST', '/secrets/create', '{"Name":"s","Data":"eA=="}', 503, NOT_A_MANAGER],
    ['GET', '/secrets/s1', undefined, 503, NOT_A_MANAGER],
    ['DELETE', '/secrets/s1', undefined, 503, NOT_A_MANAGER],
    ['POST', '/secrets/s1/update?version=2', spec, 503, NOT_A_MANAGER],
    ['GET', '/configs', undefined, 503, NOT_A_MANAGER],
    ['POST', '/configs/create', spec, 503, NOT_A_MANAGER],
    ['GET', '/configs/c1', undefined, 503, NOT_A_MANAGER],
    ['DELETE', '/configs/c1', undefined, 503, NOT_A_MANAGER],
    ['POST', '/configs/c1/update?version=2', spec, 503, NOT_A_MANAGER],
    // methods and paths moby's swarm router does not have
    ['PUT', '/swarm', undefined, 404, 'page not found'],
    ['POST', '/services', undefined, 404, 'page not found'],
    ['GET', '/swarm/init', undefined, 404, 'page not found'],
  ]);
});

test('swarm init and join: the body is read, then the refusal of a daemon that cannot run swarm mode', async () => {
  await check([
    ['POST', '/swarm/init', '{"ListenAddr":"0.0.0.0:2377"}', 500, BERTHD_NO_SWARM],
    ['POST', '/swarm/join', '{"RemoteAddrs":["10.0.0.1:2377"]}', 500, BERTHD_NO_SWARM],
    ['POST', '/swarm/init', '{"ListenAddr":', 400, 'invalid JSON: unexpected EOF'],
  ]);
  liveRestore = true;
  try {
    await check([['POST', '/swarm/init', '{}', 500, LIVE_RESTORE_NO_SWARM]]);
  } finally {
    liveRestore = false;
  }
});

test('swarm routes check their request first, as moby\'s router does', async () => {
  await check([
    ['POST', '/swarm/update', '{}', 400, 'invalid swarm version \'\': strconv.ParseUint: parsing "": invalid syntax'],
    ['POST', '/swarm/update?version=x', '{}', 400, 'invalid swarm version \'x\': strconv.ParseUint: parsing "x": invalid syntax'],
    ['POST', '/swarm/update?version=1&rotateWorkerToken=maybe', '{}', 400, 'invalid value for rotateWorkerToken: maybe'],
    ['POST', '/services/web/update?version=-1', '{}', 400, 'invalid service version \'-1\': strconv.ParseUint: parsing "-1": invalid syntax'],
    ['POST', '/services/web/update?version=1&registryAuthFrom=elsewhere', '{}', 400, "invalid registryAuthFrom 'elsewhere'"],
    ['POST', '/nodes/n1/update', '{}', 400, 'invalid node version \'\': strconv.ParseUint: parsing "": invalid syntax'],
    ['POST', '/secrets/s1/update?version=99999999999999999999', '{}', 400, 'invalid secret version'],
    ['POST', '/configs/c1/update', '{}', 400, 'invalid config version'],
    ['GET', '/services/web?insertDefaults=perhaps', undefined, 400, 'invalid value for insertDefaults: perhaps: strconv.ParseBool: parsing "perhaps": invalid syntax'],
    ['GET', `/services?filters=${encodeURIComponent('{"bogus":["1"]}')}`, undefined, 400, "invalid filter 'bogus'"],
    ['GET', `/nodes?filters=${encodeURIComponent('{"node.label":["a"],"mode":["x"]}')}`, undefined, 400, "invalid filter 'mode'"],
    ['GET', `/secrets?filters=${encodeURIComponent('{"driver":["x"]}')}`, undefined, 400, "invalid filter 'driver'"],
    ['GET', '/services/web/logs', undefined, 400, "must specify at least one of 'stdout' or 'stderr'"],
    ['GET', '/tasks/t1/logs?stdout=0', undefined, 400, "must specify at least one of 'stdout' or 'stderr'"],
    ['POST', '/services/create', 'nope', 400, "invalid JSON: invalid character 'o' in literal null (expecting 'u')"],
  ]);
  const [status, msg] = await new Promise<[number, string]>((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: '/services/create', headers: { 'Content-Type': 'text/plain', 'Content-Length': 2 }, agent: false }, (res) => {
      let t = '';
      res.on('data', (c) => { t += c; });
      res.on('end', () => resolve([res.statusCode ?? 0, (JSON.parse(t) as { message: string }).message]));
    });
    req.on('error', reject);
    req.end('{}');
  });
  assert.deepEqual([status, msg], [400, "unsupported Content-Type header (text/plain): must be 'application/json'"]);
});

test('version-gated swarm behaviour: secrets from 1.25, configs from 1.30, templating from 1.37, services status from 1.41', async () => {
  const templ = '{"Name":"s","templating":{"Name":"golang"}}';
  await check([
    ['GET', '/v1.24/secrets', undefined, 400, 'GET /secrets requires minimum API version 1.25'],
    ['DELETE', '/v1.24/secrets/s1', undefined, 400, 'DELETE /secrets/{id} requires minimum API version 1.25'],
    ['GET', '/v1.25/secrets', undefined, 503, NOT_A_MANAGER],
    ['POST', '/v1.29/configs/create', '{}', 400, 'POST /configs/create requires minimum API version 1.30'],
    ['GET', '/v1.30/configs/c1', undefined, 503, NOT_A_MANAGER],
    ['POST', '/v1.36/secrets/create', templ, 400, 'secret templating is not supported on the specified API version: 1.36'],
    ['POST', '/v1.36/configs/create', templ, 400, 'config templating is not supported on the specified API version: 1.36'],
    ['POST', '/v1.36/secrets/create', '{"Name":"s","Templating":null}', 503, NOT_A_MANAGER],
    ['POST', '/v1.37/secrets/create', templ, 503, NOT_A_MANAGER],
    ['GET', '/v1.40/services?status=sure', undefined, 503, NOT_A_MANAGER],
    ['GET', '/v1.41/services?status=sure', undefined, 400, 'invalid value for status: sure: strconv.ParseBool: parsing "sure": invalid syntax'],
    ['GET', '/v1.41/services?status=true', undefined, 503, NOT_A_MANAGER],
  ]);
});

test('plugins: none installed', async () => {
  await check([
    ['GET', '/plugins', undefined, 200, '[]'],
    ['GET', `/plugins?filters=${encodeURIComponent('{"enabled":["true"]}')}`, undefined, 200, '[]'],
    ['GET', `/plugins?filters=${encodeURIComponent('{"name":["x"]}')}`, undefined, 400, "invalid filter 'name'"],
    ['GET', '/plugins/sshfs/json', undefined, 404, 'plugin "sshfs" not found'],
    ['GET', '/plugins/vieux/sshfs:latest/json', undefined, 404, 'plugin "vieux/sshfs:latest" not found'],
    ['DELETE', '/plugins/vieux/sshfs?force=1', undefined, 404, 'plugin "vieux/sshfs" not found'],
    ['POST', '/plugins/sshfs/enable?timeout=30', undefined, 404, 'plugin "sshfs" not found'],
    ['POST', '/plugins/sshfs/enable', undefined, 400, 'strconv.Atoi: parsing "": invalid syntax'],
    ['POST', '/plugins/sshfs/disable', undefined, 404, 'plugin "sshfs" not found'],
    ['POST', '/plugins/sshfs/push', undefined, 404, 'plugin "sshfs" not found'],
    ['POST', '/plugins/sshfs/set', '["DEBUG=1"]', 404, 'plugin "sshfs" not found'],
    ['POST', '/plugins/sshfs/upgrade?remote=vieux/sshfs:next', '[]', 404, 'plugin "sshfs:latest" not found'],
    ['POST', '/v1.25/plugins/sshfs/upgrade?remote=vieux/sshfs:next', '[]', 400, 'POST /plugins/{name:.*}/upgrade requires minimum API version 1.26'],
    ['POST', '/v1.26/plugins/sshfs:v2/upgrade?remote=vieux/sshfs:next', '[]', 404, 'plugin "sshfs:v2" not found'],
    ['GET', '/plugins/privileges?remote=vieux/sshfs', undefined, 500, PLUGINS_UNSUPPORTED],
    ['GET', '/plugins/privileges?remote=vieux/SSHFS', undefined, 400, 'invalid reference format: repository name (vieux/SSHFS) must be lowercase'],
    ['POST', '/plugins/pull?remote=vieux/sshfs', '[]', 500, PLUGINS_UNSUPPORTED],
    ['POST', '/plugins/create?name=x', undefined, 500, PLUGINS_UNSUPPORTED],
    ['POST', '/plugins/sshfs/frobnicate', undefined, 404, 'page not found'],
    ['GET', '/plugins/sshfs', undefined, 404, 'page not found'],
  ]);
});

test('checkpoints: an experimental feature, off', async () => {
  await check([
    ['GET', '/containers/web/checkpoints', undefined, 501, EXPERIMENTAL_OFF],
    ['POST', '/containers/web/checkpoints', '{"CheckpointID":"c1"}', 501, EXPERIMENTAL_OFF],
    ['DELETE', '/containers/web/checkpoints/c1', undefined, 501, EXPERIMENTAL_OFF],
  ]);
});
