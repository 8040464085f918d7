import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, renderHosts, renderResolvConf, usableNameservers } from './etc-files.js';

test('renderHosts: Docker\'s defaults, --add-host (host-gateway too), links, own record last', () => {
  const out = renderHosts({
    ips: ['172.17.0.2'], hostname: 'abc123', extraHosts: ['db:10.0.0.5', 'gw:host-gateway', 'eq=1.2.3.4'],
    links: [{ ip: '172.17.0.3', names: ['web', '0123456789ab', 'webby'] }], hostGateway: '172.17.0.1',
  });
  assert.equal(out, [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
    '10.0.0.5\tdb', '172.17.0.1\tgw', '1.2.3.4\teq', '172.17.0.3\tweb 0123456789ab webby', '172.17.0.2\tabc123', '',
  ].join('\n'));
  assert.match(renderHosts({ ips: ['10.0.0.2'], hostname: 'h', domainname: 'example.com' }), /\n10\.0\.0\.2\th\.example\.com h\n$/);
  // A hostname that is an FQDN gets its bare name too (libnetwork's updateHostsFile).
  assert.match(renderHosts({ ips: ['10.0.0.2'], hostname: 'test.example.com' }), /\n10\.0\.0\.2\ttest\.example\.com test\n$/);
  assert.match(renderHosts({ ips: ['10.0.0.2'], hostname: 'a.b', domainname: 'c.d' }), /\n10\.0\.0\.2\ta\.b\.c\.d a\n$/);
});

test('resolv.conf as dockerd 20.10 writes it: the host file without loopback servers, --dns options built, the embedded resolver first', () => {
  const text = '# c\nnameserver 127.0.0.53\nnameserver 10.0.0.1\nsearch a.example b.example\noptions edns0\n';
  const host = parseResolvConf(text);
  assert.deepEqual(host, { nameservers: ['127.0.0.53', '10.0.0.1'], search: ['a.example', 'b.example'], options: ['edns0'] });
  assert.deepEqual(usableNameservers(['127.0.0.53']), ['8.8.8.8', '8.8.4.4']);
  // No DNS options: the host's file, its comments kept, its loopback servers gone.
  assert.equal(renderResolvConf({ host: { ...host, text } }), '# c\nnameserver 10.0.0.1\nsearch a.example b.example\noptions edns0\n');
  // Only loopback servers on the host: Google's instead.
  const loop = '# c\nnameserver 127.0.0.53\n';
  assert.equal(renderResolvConf({ host: { ...parseResolvConf(loop), text: loop } }), '# c\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4');
  // Any DNS option: built from the options, the host's values for the rest.
  assert.equal(renderResolvConf({ host, dns: ['9.9.9.9'], dnsSearch: ['x.test'], dnsOptions: ['timeout:2'] }),
    'search x.test\nnameserver 9.9.9.9\noptions timeout:2\n');
  assert.equal(renderResolvConf({ host, dns: ['8.8.8.8', '8.8.4.4'] }), 'search a.example b.example\nnameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0\n');
  assert.equal(renderResolvConf({ host, dnsSearch: ['.'] }), 'nameserver 127.0.0.53\nnameserver 10.0.0.1\noptions edns0\n');
  // User-defined networks: the embedded resolver, search and options kept, ndots:0 unless set.
  assert.equal(renderResolvConf({ host: { ...host, text }, internal: '172.18.0.1' }), 'search a.example b.example\nnameserver 172.18.0.1\noptions edns0 ndots:0\n');
  assert.equal(renderResolvConf({ host, dnsOptions: ['ndots:3'], internal: '172.18.0.1' }), 'search a.example b.example\nnameserver 172.18.0.1\noptions ndots:3\n');
});
