import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseNormalizedNamed, parseNormalizedTagged, parseAnyReference, formatReference, familiarString,
  familiarName, familiarize, withTag,
} from './reference.js';

const hex = 'a'.repeat(64);

test('normalization: Docker\'s defaults', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['foo/bar', 'docker.io/foo/bar:latest', 'foo/bar:latest'],
    ['localhost:5000/x:y', 'localhost:5000/x:y', 'localhost:5000/x:y'],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
    ['127.0.0.1:5000/a/b/c:v1.2-3_x', '127.0.0.1:5000/a/b/c:v1.2-3_x', '127.0.0.1:5000/a/b/c:v1.2-3_x'],
    ['example.com/library/x', 'example.com/library/x:latest', 'example.com/library/x:latest'],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000/x:latest'],
    ['a__b/c-d.e', 'docker.io/a__b/c-d.e:latest', 'a__b/c-d.e:latest'],
  ];
  for (const [input, full, familiar] of cases) {
    const r = parseNormalizedTagged(input);
    assert.equal(formatReference(r), full, input);
    assert.equal(familiarString(r), familiar, input);
  }
});

test('digests: kept, no default tag', () => {
  const r = parseNormalizedTagged(`busybox@sha256:${hex}`);
  assert.equal(r.tag, undefined);
  assert.equal(r.digest, `sha256:${hex}`);
  assert.equal(formatReference(r), `docker.io/library/busybox@sha256:${hex}`);
  const both = parseNormalizedNamed(`localhost:5000/x:1@sha256:${hex}`);
  assert.equal(both.tag, '1');
  assert.equal(both.domain, 'localhost:5000');
  assert.equal(both.path, 'x');
});

test('invalid references: Docker\'s messages', () => {
  const cases: [string, string][] = [
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['foo/Bar:1', 'invalid reference format: repository name (foo/Bar) must be lowercase'],
    ['', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['bad tag!', 'invalid reference format'],
    ['-foo', 'invalid reference format'],
    ['foo/', 'invalid reference format'],
    ['foo//bar', 'invalid reference format'],
    ['foo@sha256:abc', 'invalid reference format'],
    [':tag', 'invalid reference format'],
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    [`x:${'t'.repeat(129)}`, 'invalid reference format'],
  ];
  for (const [input, msg] of cases) assert.throws(() => parseNormalizedNamed(input), { message: msg }, JSON.stringify(input));
  assert.throws(() => parseNormalizedNamed(`${'a'.repeat(250)}/bbbbbb`), /must not be more than 255 characters/);
});

test('parseAnyReference: IDs and names', () => {
  assert.deepEqual(parseAnyReference(hex), { id: `sha256:${hex}` });
  assert.deepEqual(parseAnyReference(`sha256:${hex}`), { id: `sha256:${hex}` });
  const r = parseAnyReference('abc123');
  assert.ok('ref' in r && r.ref.name === 'docker.io/library/abc123');
});

test('familiar names', () => {
  assert.equal(familiarName('docker.io/library/busybox'), 'busybox');
  assert.equal(familiarName('docker.io/library/a/b'), 'library/a/b');
  assert.equal(familiarName('docker.io/foo/bar'), 'foo/bar');
  assert.equal(familiarName('quay.io/x/y'), 'quay.io/x/y');
  assert.equal(familiarize('docker.io/library/busybox:latest'), 'busybox:latest');
});

test('withTag: repo + tag as the tag and import endpoints take them', () => {
  assert.equal(formatReference(withTag('busybox', 'v1')), 'docker.io/library/busybox:v1');
  assert.equal(formatReference(withTag('busybox:old', 'new')), 'docker.io/library/busybox:new');
  assert.equal(formatReference(withTag('localhost:5000/x')), 'localhost:5000/x:latest');
  assert.throws(() => withTag('busybox', 'bad tag'), { message: 'invalid tag format' });
  assert.throws(() => withTag(`busybox@sha256:${hex}`), { message: 'cannot import digest reference' });
});
