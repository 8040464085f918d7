import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotation, validateLogConfig, withLogDefaults } from './logging.js';
import { formatSyslog } from './syslog.js';
import type { HostConfig } from './types.js';

const hc = (Type: string, Config: Record<string, string> = {}) => ({ LogConfig: { Type, Config } }) as unknown as HostConfig;

test('daemon defaults: driver when none given, opts only for the same driver, keys sorted', () => {
  const d = { driver: 'json-file', opts: { 'max-size': '10k', 'max-file': '2' } };
  assert.deepEqual(withLogDefaults<Partial<HostConfig>>({}, d).LogConfig, { Type: 'json-file', Config: { 'max-file': '2', 'max-size': '10k' } });
  assert.deepEqual(withLogDefaults({ LogConfig: { Type: '', Config: { 'max-size': '1m' } } }, d).LogConfig, { Type: 'json-file', Config: { 'max-file': '2', 'max-size': '1m' } });
  assert.deepEqual(withLogDefaults({ LogConfig: { Type: 'none', Config: {} } }, d).LogConfig, { Type: 'none', Config: {} });
});

test('log opts validated per driver with dockerd\'s messages', () => {
  assert.throws(() => validateLogConfig('json-file', { bogus: '1' }), /unknown log opt 'bogus' for json-file log driver/);
  assert.throws(() => validateLogConfig('nope', {}), (e: Error) => e.message === `logger: no log driver named 'nope' is registered`);
  assert.throws(() => validateLogConfig('json-file', { 'max-file': '0', 'max-size': '1k' }), /max-file cannot be less than 1/);
  validateLogConfig('json-file', { 'max-file': '3' }); // moby: no rotation without max-size, not an error
  assert.throws(() => validateLogConfig('local', { bogus: '1' }), (e: Error) => e.message === `unknown log opt 'bogus' for log driver local`);
  // Every driver's own options (moby's builtInLogOpts), and `none` takes anything.
  validateLogConfig('json-file', { mode: 'non-blocking', 'max-buffer-size': '4m' });
  assert.throws(() => validateLogConfig('json-file', { mode: 'fast' }), (e: Error) => e.message === 'logger: logging mode not supported: fast');
  assert.throws(() => validateLogConfig('json-file', { 'max-buffer-size': '4m' }), /max-buffer-size option is only supported with 'mode=non-blocking'/);
  validateLogConfig('none', { whatever: '1' });
  assert.throws(() => validateLogConfig('syslog', { 'syslog-address': 'ftp://x' }), /unsupported scheme: 'ftp'/);
  validateLogConfig('syslog', { 'syslog-address': 'udp://127.0.0.1:514', tag: 'x' });
});

test('rotation: json-file only when max-size is set, local rotates by default', () => {
  assert.deepEqual(rotation(hc('json-file')), { maxSize: 0, maxFile: 1, compress: false });
  assert.deepEqual(rotation(hc('json-file', { 'max-size': '1k', 'max-file': '3', compress: 'true' })), { maxSize: 1000, maxFile: 3, compress: true });
  assert.deepEqual(rotation(hc('local')), { maxSize: 20_000_000, maxFile: 5, compress: true });
});

test('syslog message formats', () => {
  const base = { facility: 3, tag: 'web', hostname: 'h', pid: 42, time: new Date('2026-12-01T05:39:21Z'), msg: 'hi', network: true };
  assert.equal(formatSyslog({ ...base, format: '', stderr: false }), '<30>2026-12-01T05:39:21Z h web[42]: hi');
  assert.equal(formatSyslog({ ...base, format: '', stderr: true }), '<27>2026-12-01T05:39:21Z h web[42]: hi');
  assert.equal(formatSyslog({ ...base, format: 'rfc5424', stderr: false }), '<30>1 2026-12-01T05:39:21Z h web 42 web - hi');
  assert.match(formatSyslog({ ...base, format: 'rfc3164', stderr: false }), /^<30>Dec  1 \d\d:39:21 h web\[42\]: hi$/);
});
