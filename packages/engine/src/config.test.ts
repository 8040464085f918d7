import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDaemonArgs } from './config.js';

const parse = (...argv: string[]) => parseDaemonArgs(['--config-file', '/dev/null', ...argv]).config;

test('boolean flags take Go\'s --flag=value forms, so an explicit false is known', () => {
  assert.equal(parse().tls, undefined);
  assert.equal(parse('--tls').tls, true);
  assert.equal(parse('--tls=false').tls, false);
  assert.equal(parse('--tls=0').tls, false);
  assert.equal(parse('--tlsverify=False').tlsverify, false);
  assert.equal(parse('--tlsverify=true').tlsverify, true);
  assert.equal(parse('--debug=true').debug, true);
  assert.equal(parse('-D', '--debug=false').debug, false);
  assert.throws(() => parse('--tls=maybe'), { message: 'invalid argument "maybe" for "--tls" flag: strconv.ParseBool: parsing "maybe": invalid syntax' });
  assert.throws(() => parse('--data-root'), /argument missing/);
});
