import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { API_VERSION, MIN_API_VERSION, compareVersions, InvalidArgument } from '@berth/shared';
import type { ContainerInspect, ContainerSummary } from '@berth/shared/api/types';
import { API_VERSION_GATES, atLeast, below, type GateName } from './versions.js';
import { adjustCreateForVersion, inspectForVersion, listForVersion } from './container-version.js';
import type { CreateBody } from '../containers/create-config.js';

const src = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && p !== path.join(src, 'api', 'versions.ts')) out.push(p);
  }
  return out;
}

test('every gate lies inside the API range Berth serves and says what changes', () => {
  for (const [name, g] of Object.entries(API_VERSION_GATES)) {
    assert.ok(compareVersions(g.since, MIN_API_VERSION) > 0, `${name}: ${g.since} is not above ${MIN_API_VERSION}: no request can be below it`);
    assert.ok(compareVersions(g.since, API_VERSION) <= 0, `${name}: ${g.since} is above ${API_VERSION}: no request can reach it`);
    assert.ok(g.change.length > 20, name);
  }
});

test('every gate is applied by code that names it, and no code compares API versions by hand', () => {
  const files = sources(src).map((f) => [f, fs.readFileSync(f, 'utf8')] as const);
  for (const name of Object.keys(API_VERSION_GATES)) {
    const users = files.filter(([, text]) => new RegExp(`(atLeast|below)\\([^)]*'${name}'`).test(text) || text.includes(`'${name}'`));
    assert.ok(users.length > 0, `gate ${name} is applied nowhere`);
  }
  for (const [file, text] of files) {
    if (file.endsWith(path.join('api', 'server.ts'))) continue; // the version range check itself
    assert.doesNotMatch(text, /compareVersions\(\s*\w*[vV]ersion\s*,\s*'1\.\d+'/, `${file} compares an API version outside the table`);
  }
});

test('atLeast/below split at the gate\'s version', () => {
  const cases: [string, GateName, boolean][] = [
    ['1.41', 'volumePruneAnonymousOnly', false],
    ['1.42', 'volumePruneAnonymousOnly', true],
    ['1.51', 'volumePruneAnonymousOnly', true],
    ['1.24', 'imageListFiltersOnly', false],
    ['1.25', 'imageListFiltersOnly', true],
    ['1.44', 'imageNoContainerConfig', false],
    ['1.45', 'imageNoContainerConfig', true],
    ['1.9', 'waitCondition', false], // numeric, not string, comparison
  ];
  for (const [v, gate, want] of cases) {
    assert.equal(atLeast(v, gate), want, `${v} ${gate}`);
    assert.equal(below(v, gate), !want, `${v} ${gate}`);
  }
});

const create = (body: object, version: string) => {
  const b = structuredClone(body) as CreateBody;
  adjustCreateForVersion(b, version);
  return b;
};
const createError = (body: object, version: string) => {
  try { create(body, version); } catch (e) { assert.ok(e instanceof InvalidArgument); return e.message; }
  return 'accepted';
};

test('create bodies as each API version had them', () => {
  const mounts = (m: object) => ({ Image: 'b', HostConfig: { Mounts: [m] } });
  // < 1.40: NonRecursive reset, IpcMode defaults to shareable
  assert.deepEqual(create(mounts({ Type: 'bind', BindOptions: { NonRecursive: true } }), '1.39').HostConfig,
    { Mounts: [{ Type: 'bind', BindOptions: { NonRecursive: false, CreateMountpoint: false } }], IpcMode: 'shareable' });
  assert.deepEqual(create(mounts({ Type: 'bind', BindOptions: { NonRecursive: true } }), '1.40').HostConfig,
    { Mounts: [{ Type: 'bind', BindOptions: { NonRecursive: true, CreateMountpoint: false } }] });
  assert.deepEqual(create({ Image: 'b' }, '1.39').HostConfig, { IpcMode: 'shareable' });
  assert.equal(create({ Image: 'b', HostConfig: { IpcMode: 'private' } }, '1.39').HostConfig?.IpcMode, 'private');
  // < 1.42: options of another mount type dropped; from 1.42 refused
  assert.deepEqual(create(mounts({ Type: 'tmpfs', VolumeOptions: { NoCopy: true }, TmpfsOptions: { SizeBytes: 1 } }), '1.41').HostConfig?.Mounts,
    [{ Type: 'tmpfs', TmpfsOptions: { SizeBytes: 1 } }]);
  assert.equal(createError(mounts({ Type: 'tmpfs', VolumeOptions: { NoCopy: true } }), '1.42'), 'VolumeOptions must not be specified on mount type "tmpfs"');
  assert.equal(createError(mounts({ Type: 'volume', BindOptions: {} }), '1.51'), 'BindOptions must not be specified on mount type "volume"');
  assert.equal(createError(mounts({ Type: 'bind', TmpfsOptions: {} }), '1.51'), 'TmpfsOptions must not be specified on mount type "bind"');
  assert.deepEqual(create(mounts({ Type: 'bind', BindOptions: { CreateMountpoint: true } }), '1.42').HostConfig?.Mounts,
    [{ Type: 'bind', BindOptions: { CreateMountpoint: true } }]);
  // ConsoleSize, Annotations, StartInterval
  assert.deepEqual(create({ Image: 'b', HostConfig: { ConsoleSize: [5, 6] } }, '1.41').HostConfig?.ConsoleSize, [0, 0]);
  assert.deepEqual(create({ Image: 'b', HostConfig: { ConsoleSize: [5, 6] } }, '1.42').HostConfig?.ConsoleSize, [5, 6]);
  assert.equal(create({ Image: 'b', HostConfig: { Annotations: { a: 'b' } } }, '1.42').HostConfig?.Annotations, undefined);
  assert.deepEqual(create({ Image: 'b', HostConfig: { Annotations: { a: 'b' } } }, '1.43').HostConfig?.Annotations, { a: 'b' });
  assert.equal(create({ Image: 'b', Healthcheck: { StartInterval: 5e9 } }, '1.43').Healthcheck?.StartInterval, 0);
  assert.equal(create({ Image: 'b', Healthcheck: { StartInterval: 5e9 } }, '1.44').Healthcheck?.StartInterval, 5e9);
  // features newer than the version are refused
  const two = { Image: 'b', NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } };
  assert.equal(createError(two, '1.43'), 'Container cannot be created with multiple network endpoints: a, b');
  assert.equal(createError(two, '1.44'), 'accepted');
  const rofr = mounts({ Type: 'bind', BindOptions: { ReadOnlyForceRecursive: true } });
  assert.equal(createError(rofr, '1.43'), 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
  assert.equal(createError(rofr, '1.44'), 'accepted');
  const sub = mounts({ Type: 'volume', VolumeOptions: { Subpath: 'x' } });
  assert.equal(createError(sub, '1.44'), 'VolumeOptions.Subpath needs API v1.45 or newer');
  assert.equal(createError(sub, '1.45'), 'accepted');
  assert.equal(createError(mounts({ Type: 'image', Source: 'b' }), '1.47'), 'Mount type "Image" needs API v1.48 or newer');
  assert.equal(createError(mounts({ Type: 'image', Source: 'b' }), '1.48'), 'accepted');
  const gw = { Image: 'b', NetworkingConfig: { EndpointsConfig: { a: { GwPriority: 7 } } } };
  assert.deepEqual(create(gw, '1.47').NetworkingConfig, { EndpointsConfig: { a: { GwPriority: 0 } } });
  assert.deepEqual(create(gw, '1.48').NetworkingConfig, { EndpointsConfig: { a: { GwPriority: 7 } } });
});

test('inspect and list documents as each API version had them', () => {
  const doc = (): ContainerInspect => ({
    Id: 'abcdef0123456789', Config: { Hostname: 'host1' },
    NetworkSettings: { Networks: { bridge: { Aliases: null }, mynet: { Aliases: ['web'] } } },
  });
  assert.deepEqual(inspectForVersion(doc(), '1.44').NetworkSettings?.Networks,
    { bridge: { Aliases: null }, mynet: { Aliases: ['web', 'abcdef012345', 'host1'] } });
  assert.deepEqual(inspectForVersion(doc(), '1.45').NetworkSettings?.Networks, { bridge: { Aliases: null }, mynet: { Aliases: ['web'] } });
  const list = (): ContainerSummary[] => [{ Id: 'a', HostConfig: { NetworkMode: 'bridge', Annotations: { k: 'v' } } }];
  assert.deepEqual(listForVersion(list(), '1.45')[0]!.HostConfig, { NetworkMode: 'bridge' });
  assert.deepEqual(listForVersion(list(), '1.46')[0]!.HostConfig, { NetworkMode: 'bridge', Annotations: { k: 'v' } });
});
