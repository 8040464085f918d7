import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, renderHosts, renderResolvConf, usableNameservers } from './etc-files.js';

test('renderHosts: Docker\'s defaults, --add-host (host-gateway too), links, own record last', () => {
  const out = renderHosts({
    ips: ['172.17.0.2'], hostname: 'abc123', extraHosts: ['db:10.0.0.5', 'gw:host-gateway', 'eq=1.2.3.4'],
    links: [{ ip: '172.17.0.3', names: ['web', '0123456789ab', 'webby'] }], hostGateway: '172.17.0.1',
  });
  assert.equal(out, [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::\tip6-localnet', 'ff00::\tip6-mcastprefix',
    'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
    '10.0.0.5\tdb', '172.17.0.1\tgw', '1.2.3.4\teq', '172.17.0.3\tweb 0123456789ab webby', '172.17.0.2\tabc123', '',
  ].join('\n'));
  assert.match(renderHosts({ ips: ['10.0.0.2'], hostname: 'h', domainname: 'example.com' }), /\n10\.0\.0\.2\th\.example\.com h\n$/);
});

test('resolv.conf: host servers without loopback, --dns overrides, internal resolver with ndots:0', () => {
  const host = parseResolvConf('# c\nnameserver 127.0.0.53\nnameserver 10.0.0.1\nsearch a.example b.example\noptions edns0\n');
  assert.deepEqual(host, { nameservers: ['127.0.0.53', '10.0.0.1'], search: ['a.example', 'b.example'], options: ['edns0'] });
  assert.deepEqual(usableNameservers(['127.0.0.53']), ['8.8.8.8', '8.8.4.4']);
  let out = renderResolvConf({ host });
  assert.match(out, /\nnameserver 10\.0\.0\.1\nsearch a\.example b\.example\noptions edns0\n/);
  assert.doesNotMatch(out, /127\.0\.0\.53/);
  out = renderResolvConf({ host, dns: ['9.9.9.9'], dnsSearch: ['x.test'], dnsOptions: ['timeout:2'] });
  assert.match(out, /\nnameserver 9\.9\.9\.9\nsearch x\.test\noptions timeout:2\n/);
  out = renderResolvConf({ host, internal: '172.18.0.1' });
  assert.match(out, /\nnameserver 172\.18\.0\.1\nsearch a\.example b\.example\noptions edns0 ndots:0\n/);
  assert.match(out, /# ExtServers: \[host\(10\.0\.0\.1\)\]/);
});
