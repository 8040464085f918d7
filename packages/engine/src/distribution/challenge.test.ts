import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './challenge.js';

test('WWW-Authenticate: Docker Hub\'s bearer challenge', () => {
  const [c, ...rest] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"');
  assert.equal(rest.length, 0);
  assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } });
});

test('WWW-Authenticate: basic, unquoted values, escapes, several challenges and headers', () => {
  assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  assert.deepEqual(parseChallenges('Bearer realm=https://r/token, error=invalid_token'), [{ scheme: 'bearer', params: { realm: 'https://r/token', error: 'invalid_token' } }]);
  assert.deepEqual(parseChallenges('Bearer realm="a \\"b\\" c",scope="repository:x:pull,push"'), [{ scheme: 'bearer', params: { realm: 'a "b" c', scope: 'repository:x:pull,push' } }]);
  assert.deepEqual(parseChallenges('Basic realm="x", Bearer realm="y",service="s"').map((c) => c.scheme), ['basic', 'bearer']);
  assert.deepEqual(parseChallenges(['Basic realm="x"', 'Bearer realm="y"']).map((c) => c.params.realm), ['x', 'y']);
  assert.deepEqual(parseChallenges(undefined), []);
  assert.deepEqual(parseChallenges(''), []);
});
