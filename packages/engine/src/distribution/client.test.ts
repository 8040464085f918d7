import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openSession } from './client.js';
import { login } from './login.js';

// A fake registry on 127.0.0.1 with Docker Hub's token flow: /v2/ challenges, /token hands out
// a bearer token for user:secret, manifests need it.
const tokenRequests: URL[] = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  const challenge = `Bearer realm="${realm}",service="fake",scope="repository:foo:pull"`;
  if (url.pathname === '/token') {
    tokenRequests.push(url);
    const basic = req.headers.authorization;
    if (basic && basic !== `Basic ${Buffer.from('user:secret').toString('base64')}`) { res.writeHead(401); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: 'T1', refresh_token: url.searchParams.get('offline_token') ? 'R1' : undefined }));
    return;
  }
  if (req.headers.authorization !== 'Bearer T1') {
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
});
const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
after(() => server.close());
const endpoint = { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, insecure: true, mirror: false };

test('bearer flow: ping, token for the repository scope (with account), token reused', async () => {
  tokenRequests.length = 0;
  const s = await openSession([endpoint], { username: 'user', password: 'secret' }, 'foo', ['pull']);
  assert.equal(s.challenge?.scheme, 'bearer');
  let res = await s.fetch('GET', '/v2/foo/manifests/latest');
  assert.equal(res.statusCode, 200);
  await res.body.dump();
  res = await s.fetch('GET', '/v2/foo/manifests/other');
  await res.body.dump();
  assert.equal(tokenRequests.length, 1);
  assert.equal(tokenRequests[0]!.searchParams.get('service'), 'fake');
  assert.equal(tokenRequests[0]!.searchParams.get('scope'), 'repository:foo:pull');
  assert.equal(tokenRequests[0]!.searchParams.get('account'), 'user');
  // A mount needs another repository's pull scope: a second token, both scopes asked for.
  res = await s.fetch('GET', '/v2/foo/manifests/x', { scopes: ['repository:bar:pull'] });
  await res.body.dump();
  assert.deepEqual(tokenRequests[1]!.searchParams.getAll('scope'), ['repository:foo:pull', 'repository:bar:pull']);
});

test('anonymous bearer: a token without credentials', async () => {
  tokenRequests.length = 0;
  const s = await openSession([endpoint], {}, 'foo', ['pull']);
  const res = await s.fetch('GET', '/v2/foo/manifests/latest');
  await res.body.dump();
  assert.equal(res.statusCode, 200);
  assert.equal(tokenRequests[0]!.searchParams.get('account'), null);
});

test('login against a token registry: refresh token as IdentityToken; wrong password refused', async () => {
  const cfg = { insecureRegistries: [], registryMirrors: [] };
  const ok = await login(cfg, { username: 'user', password: 'secret', serveraddress: endpoint.host });
  assert.deepEqual(ok, { Status: 'Login Succeeded', IdentityToken: 'R1' });
  await assert.rejects(login(cfg, { username: 'user', password: 'nope', serveraddress: endpoint.host }),
    { status: 401, message: `Get "http://127.0.0.1:${port}/token": unauthorized: incorrect username or password` });
});

test('an unreachable registry: Docker-like connection error naming the last endpoint', async () => {
  const dead = { ...endpoint, url: 'http://127.0.0.1:1', host: '127.0.0.1:1' };
  await assert.rejects(openSession([dead], {}, 'foo', ['pull']), /^Error: Get "http:\/\/127\.0\.0\.1:1\/v2\/": .*ECONNREFUSED/);
});
