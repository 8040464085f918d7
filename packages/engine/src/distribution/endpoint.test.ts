import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNormalizedNamed } from '@berth/shared/reference';
import { endpointsFor, isInsecure, serverAddressDomain, indexServerAddress } from './endpoint.js';
import { decodeAuthHeader, authFromBody } from './auth-config.js';
import { splitSearchTerm } from './search.js';
import { decodeRequestBody } from '@berth/shared/api/request-bodies';
import type { RequestBodies } from '@berth/shared/api/types';

const cfg = { insecureRegistries: [] as string[], registryMirrors: [] as string[] };
const urls = (name: string, c = cfg, push = false) => endpointsFor(parseNormalizedNamed(name).domain, c, push).map((e) => e.url);

test('reference → registry endpoints: Docker Hub, mirrors, https, http for loopback and insecure registries', () => {
  assert.deepEqual(urls('busybox'), ['https://registry-1.docker.io']);
  assert.deepEqual(urls('docker.io/library/busybox:1'), ['https://registry-1.docker.io']);
  const mirrored = { ...cfg, registryMirrors: ['https://mirror.example:5000/', 'http://10.0.0.1:5000'] };
  assert.deepEqual(urls('busybox', mirrored), ['https://mirror.example:5000', 'http://10.0.0.1:5000', 'https://registry-1.docker.io']);
  assert.deepEqual(urls('busybox', mirrored, true), ['https://registry-1.docker.io'], 'no mirrors for push');
  assert.deepEqual(urls('quay.io/x/y'), ['https://quay.io']);
  assert.deepEqual(urls('localhost:5000/x'), ['https://localhost:5000', 'http://localhost:5000']);
  assert.deepEqual(urls('127.0.0.1:5000/x'), ['https://127.0.0.1:5000', 'http://127.0.0.1:5000']);
  assert.deepEqual(urls('127.8.9.1:5000/x'), ['https://127.8.9.1:5000', 'http://127.8.9.1:5000']);
  assert.deepEqual(urls('10.1.2.3:5000/x'), ['https://10.1.2.3:5000']);
  assert.deepEqual(urls('reg.local:5000/x', { ...cfg, insecureRegistries: ['reg.local:5000'] }), ['https://reg.local:5000', 'http://reg.local:5000']);
  assert.deepEqual(urls('10.1.2.3:5000/x', { ...cfg, insecureRegistries: ['10.0.0.0/8'] }), ['https://10.1.2.3:5000', 'http://10.1.2.3:5000']);
  assert.ok(isInsecure('[::1]:5000', []));
  assert.ok(!isInsecure('example.com', ['10.0.0.0/8']));
});

test('login server addresses and X-Registry-Auth decoding', () => {
  assert.equal(serverAddressDomain('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(serverAddressDomain(''), 'docker.io');
  assert.equal(serverAddressDomain('http://localhost:5000/'), 'localhost:5000');
  assert.equal(serverAddressDomain('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(indexServerAddress('docker.io'), 'https://index.docker.io/v1/');
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.deepEqual(decodeAuthHeader(enc({ username: 'u', password: 'p?>', serveraddress: 's' })), { username: 'u', password: 'p?>', serveraddress: 's' });
  assert.deepEqual(decodeAuthHeader(Buffer.from('{"identitytoken":"tok"}').toString('base64')), { identitytoken: 'tok' });
  assert.deepEqual(decodeAuthHeader(enc({})), {});
  assert.deepEqual(decodeAuthHeader('%%%'), {});
  assert.deepEqual(decodeAuthHeader(undefined), {});
  assert.deepEqual(authFromBody({ auth: Buffer.from('me:secret').toString('base64') }), { auth: 'bWU6c2VjcmV0', username: 'me', password: 'secret' });
  // Any spelling a client sends: the body as the route decodes it (Go's case-insensitive field match)…
  assert.deepEqual(authFromBody(decodeRequestBody<RequestBodies['SystemAuth']>('SystemAuth', '{"Username":"U","Password":"P","ServerAddress":"x"}').value),
    { username: 'U', password: 'P', serveraddress: 'x' });
  // …and the header, which Go decodes into the same struct.
  assert.deepEqual(decodeAuthHeader(enc({ USERNAME: 'u', Password: 'p', serverAddress: 's', IdentityToken: 't' })),
    { username: 'u', password: 'p', serveraddress: 's', identitytoken: 't' });
  // A value of the wrong type is a decode error: anonymous, as an undecodable header is.
  assert.deepEqual(decodeAuthHeader(enc({ username: 5 })), {});
});

test('search terms: index and remote name', () => {
  assert.deepEqual(splitSearchTerm('busybox'), { index: 'docker.io', remote: 'busybox' });
  assert.deepEqual(splitSearchTerm('foo/bar'), { index: 'docker.io', remote: 'foo/bar' });
  assert.deepEqual(splitSearchTerm('localhost:5000/busybox'), { index: 'localhost:5000', remote: 'busybox' });
  assert.deepEqual(splitSearchTerm('quay.io/x/y'), { index: 'quay.io', remote: 'x/y' });
});
