import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectLinks, linkEnv, parseLink } from './links.js';

test('parseLink: name:alias, name alone, the /name:/parent/alias form of a stored HostConfig', () => {
  assert.deepEqual(parseLink('db:data'), { name: 'db', alias: 'data' });
  assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
  assert.deepEqual(parseLink('/db:/web/data'), { name: 'db', alias: 'data' });
  assert.throws(() => parseLink('a:b:c'), /bad format for links: a:b:c/);
});

test('linkEnv: links.go variables, consecutive ports as a range, TCP first, the child env but PATH and HOME', () => {
  const env = linkEnv('/web/my-db', '172.17.0.2', ['PATH=/x', 'HOME=/h', 'PASSWORD=s=1', 'NOVALUE'], { '6380/tcp': {}, '53/udp': {}, '6379/tcp': {} });
  assert.deepEqual(env, [
    'MY_DB_PORT=tcp://172.17.0.2:6379',
    'MY_DB_PORT_6379_TCP=tcp://172.17.0.2:6379', 'MY_DB_PORT_6379_TCP_ADDR=172.17.0.2', 'MY_DB_PORT_6379_TCP_PORT=6379', 'MY_DB_PORT_6379_TCP_PROTO=tcp',
    'MY_DB_PORT_6380_TCP=tcp://172.17.0.2:6380', 'MY_DB_PORT_6380_TCP_ADDR=172.17.0.2', 'MY_DB_PORT_6380_TCP_PORT=6380', 'MY_DB_PORT_6380_TCP_PROTO=tcp',
    // the range is written when the next port breaks it (as links.go does): after that port's own variables
    'MY_DB_PORT_53_UDP=udp://172.17.0.2:53', 'MY_DB_PORT_53_UDP_ADDR=172.17.0.2', 'MY_DB_PORT_53_UDP_PORT=53', 'MY_DB_PORT_53_UDP_PROTO=udp',
    'MY_DB_PORT_6379_TCP_START=tcp://172.17.0.2:6379', 'MY_DB_PORT_6379_TCP_PORT_START=6379',
    'MY_DB_PORT_6379_TCP_END=tcp://172.17.0.2:6380', 'MY_DB_PORT_6379_TCP_PORT_END=6380',
    'MY_DB_NAME=/web/my-db',
    'MY_DB_ENV_PASSWORD=s=1',
  ]);
  assert.deepEqual(linkEnv('/web/x', '10.0.0.2', null, null), ['X_NAME=/web/x']);
});

test('inspectLinks: legacy links as /child:/parent/alias; none on a user-defined network', () => {
  assert.deepEqual(inspectLinks(['db:data', 'cache', '/x:/web/y'], '/web', 'bridge'), ['/db:/web/data', '/cache:/web/cache', '/x:/web/y']);
  assert.equal(inspectLinks(['db:data'], '/web', 'mynet'), null);
  assert.equal(inspectLinks(null, '/web', 'bridge'), null);
});
