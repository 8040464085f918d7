import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MT, parseManifest, parsePlatform, selectManifest, configMatches, formatPlatform, type ManifestIndex } from './manifest.js';

const d = (digest: string, platform: Record<string, string>, annotations?: Record<string, string>) =>
  ({ mediaType: MT.ociManifest, digest: `sha256:${digest.repeat(64).slice(0, 64)}`, size: 1, platform: platform as never, annotations });

const index: ManifestIndex = {
  schemaVersion: 2,
  mediaType: MT.ociIndex,
  manifests: [
    d('a', { os: 'linux', architecture: 'arm', variant: 'v6' }),
    d('b', { os: 'linux', architecture: 'arm', variant: 'v7' }),
    d('c', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    d('e', { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
    d('f', { os: 'linux', architecture: 'amd64' }),
    d('9', { os: 'windows', architecture: 'amd64' }),
  ],
};

test('platform selection: linux/amd64 by default, variants, arm64 without v8', () => {
  const pick = (p?: string) => selectManifest(index, parsePlatform(p)).digest.slice(7, 8);
  assert.equal(pick(undefined), 'f');
  assert.equal(pick('linux/amd64'), 'f');
  assert.equal(pick('amd64'), 'f');
  assert.equal(pick('linux/arm64'), 'c');
  assert.equal(pick('linux/arm64/v8'), 'c');
  assert.equal(pick('linux/arm/v6'), 'a');
  assert.equal(pick('linux/arm'), 'b');
  assert.equal(pick('windows/amd64'), '9');
  assert.throws(() => selectManifest(index, parsePlatform('linux/s390x')), { message: 'no matching manifest for linux/s390x in the manifest list entries' });
  assert.throws(() => parsePlatform('linux//x'), /invalid platform format/);
});

test('parseManifest: Docker schema2, OCI, lists, and schema1 refused', () => {
  const m = { schemaVersion: 2, mediaType: MT.dockerManifest, config: { mediaType: MT.dockerConfig, digest: 'sha256:x', size: 1 }, layers: [] };
  assert.equal(parseManifest(Buffer.from(JSON.stringify(m))).kind, 'image');
  const { mediaType: _mt, ...oci } = m;
  const p = parseManifest(Buffer.from(JSON.stringify(oci)), `${MT.ociManifest}; charset=utf-8`);
  assert.equal(p.mediaType, MT.ociManifest);
  assert.equal(parseManifest(Buffer.from(JSON.stringify(index))).kind, 'index');
  assert.equal(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] })), MT.dockerList).mediaType, MT.dockerList);
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1,"name":"x"}')), /schema 1 support has been removed/);
  assert.throws(() => parseManifest(Buffer.from('nope')), /invalid manifest/);
});

test('config platform check and formatting', () => {
  assert.ok(configMatches({ os: 'linux', architecture: 'amd64' }, parsePlatform('linux/amd64')));
  assert.ok(!configMatches({ os: 'linux', architecture: 'amd64' }, parsePlatform('linux/arm64')));
  assert.equal(formatPlatform(parsePlatform('linux/arm/v7')), 'linux/arm/v7');
});
