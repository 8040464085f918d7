import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseBind, parseMountSpec, parseMountFlag, parseVolumesFrom, splitVolumeFlags, parseVolumeFlag,
  tmpfsOptionsString, validateVolumeName, validMountMode, parseTmpfsFlag,
} from './mounts.js';

test('parseBind: the -v forms', () => {
  const cases: [string, Partial<ReturnType<typeof parseBind>>][] = [
    ['/data', { Type: 'volume', Name: '', Destination: '/data', RW: true, CopyData: true, Driver: 'local' }],
    ['/data/', { Destination: '/data' }],
    ['vol:/data', { Type: 'volume', Name: 'vol', Destination: '/data', RW: true, Mode: '' }],
    ['vol:/data:ro', { Type: 'volume', Name: 'vol', RW: false, Mode: 'ro' }],
    ['vol:/data:nocopy', { Type: 'volume', CopyData: false, Mode: 'nocopy' }],
    ['/host:/c', { Type: 'bind', Source: '/host', Destination: '/c', RW: true, Propagation: 'rprivate', Driver: '' }],
    ['/host/:/c:ro,Z', { Type: 'bind', Source: '/host', RW: false, Mode: 'ro,Z' }],
    ['/host:/c:rshared', { Propagation: 'rshared', RW: true }],
    ['/host:/c:z', { Mode: 'z', RW: true }],
  ];
  for (const [raw, want] of cases) {
    const got = parseBind(raw);
    for (const [k, v] of Object.entries(want)) assert.equal((got as any)[k], v, `${raw}: ${k}`);
  }
});

test('parseBind: Docker\'s errors', () => {
  const cases: [string, string][] = [
    ['', "invalid volume specification: ''"],
    ['/data:ro', "invalid volume specification: '/data:ro'"],
    ['a:b:c:d', "invalid volume specification: 'a:b:c:d'"],
    ['/h:/c:bogus', 'invalid mode: bogus'],
    ['/h:/c:ro,rw', 'invalid mode: ro,rw'],
    ['/h:/', `invalid volume specification: '/h:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ['/h:rel', `invalid volume specification: '/h:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
  ];
  for (const [raw, msg] of cases) assert.throws(() => parseBind(raw), { message: msg }, raw);
});

test('parseMountSpec: bind, volume, tmpfs and errors', () => {
  const yes = () => true;
  const no = () => false;
  assert.deepEqual(parseMountSpec({ Type: 'bind', Source: '/x', Target: '/y', ReadOnly: true }, yes),
    { Type: 'bind', Name: '', Source: '/x', Destination: '/y', RW: false, Mode: '', Propagation: 'rprivate', CopyData: true, Driver: '' });
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/x', Target: '/y' }, no),
    { message: 'invalid mount config for type "bind": bind source path does not exist: /x' });
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: 'rel', Target: '/y' }, yes),
    { message: `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute` });
  assert.throws(() => parseMountSpec({ Type: 'bind', Target: '/y' }, yes),
    { message: 'invalid mount config for type "bind": field Source must not be empty' });
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '/y', ReadOnly: true }, yes),
    { message: 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes' });
  assert.throws(() => parseMountSpec({ Type: 'foo', Target: '/y' }, yes), { message: 'invalid mount config for type "foo": mount type unknown' });
  const v = parseMountSpec({ Type: 'volume', Source: 'v1', Target: '/y', VolumeOptions: { NoCopy: true } }, yes);
  assert.equal(v.Name, 'v1');
  assert.equal(v.CopyData, false);
  const t = parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 64 * 2 ** 20, Mode: 0o1777 } }, yes);
  assert.equal(t.Data, 'mode=1777,size=64m');
  assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/t' }, yes),
    { message: 'invalid mount config for type "tmpfs": field Source must not be specified' });
});

test('parseMountFlag: the docker CLI --mount syntax', () => {
  assert.deepEqual(parseMountFlag('type=bind,source=/a,target=/b,readonly,bind-propagation=rslave'),
    { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rslave' } });
  assert.deepEqual(parseMountFlag('src=v,dst=/b,volume-nocopy,volume-opt=type=tmpfs'),
    { Type: 'volume', Source: 'v', Target: '/b', VolumeOptions: { Labels: {}, NoCopy: true, DriverConfig: { Options: { type: 'tmpfs' } } } });
  assert.deepEqual(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=700'),
    { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o700 } });
  assert.equal(parseMountFlag('type=bind,src=./x,dst=/y', '/home/u').Source, '/home/u/x');
  const bad: [string, string][] = [
    ['type=bind,source=/a', 'target is required'],
    ['type=bind,bogus', "invalid field 'bogus' must be a key=value pair"],
    ['type=bind,foo=bar,target=/a', "unexpected key 'foo' in 'foo=bar'"],
    ['type=bind,target=/a,readonly=maybe', 'invalid value for readonly: maybe'],
    ['type=bind,target=/a,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'"],
    ['type=volume,target=/a,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'volume'"],
    ['type=tmpfs,target=/a,tmpfs-size=big', 'invalid value for tmpfs-size: big'],
    ['type=,target=/a', 'type is required'],
  ];
  for (const [v, msg] of bad) assert.throws(() => parseMountFlag(v), { message: msg }, v);
});

test('splitVolumeFlags: binds vs anonymous volumes, relative paths made absolute', () => {
  assert.deepEqual(splitVolumeFlags(['/data', 'v:/x', '/h:/y:ro', './rel:/z', 'rel/dir:/w'], '/cwd'), {
    binds: ['v:/x', '/h:/y:ro', '/cwd/rel:/z', 'rel/dir:/w'],
    volumes: { '/data': {} },
  });
  assert.throws(() => parseVolumeFlag('a:b:c:d'), { message: 'invalid spec: a:b:c:d: too many colons' });
  assert.throws(() => parseVolumeFlag(''), { message: 'invalid empty volume spec' });
});

test('volumes-from, tmpfs, names, modes', () => {
  assert.deepEqual(parseVolumesFrom('c1'), { id: 'c1', mode: 'rw' });
  assert.deepEqual(parseVolumesFrom('c1:ro'), { id: 'c1', mode: 'ro' });
  assert.throws(() => parseVolumesFrom('c1:shared'), { message: 'invalid mode: shared' });
  assert.throws(() => parseVolumesFrom(''), { message: 'volumes-from specification cannot be an empty string' });
  assert.deepEqual(parseTmpfsFlag('/run:size=64m,mode=1777'), ['/run', 'size=64m,mode=1777']);
  assert.equal(tmpfsOptionsString({ SizeBytes: 1000 }, true), 'ro,size=1000');
  validateVolumeName('ok_name.1');
  assert.throws(() => validateVolumeName('a'), { message: /too short/ });
  assert.throws(() => validateVolumeName('foo/bar'), {
    message: '"foo/bar" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
  });
  assert.ok(validMountMode('ro,z,rshared,nocopy'));
  assert.ok(!validMountMode('ro,rw'));
});
