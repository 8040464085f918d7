import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventLine, parseEvent } from './events.js';
import { getTimestamp } from '../commands/system/events.js';

test('docker events line: RFC3339NanoFixed, sorted attributes', () => {
  process.env.TZ = 'UTC';
  const e = parseEvent('{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"x","image":"busybox"}},"scope":"local","time":1796103561,"timeNano":1796103561123456789}');
  assert.equal(eventLine(e), '2026-12-01T05:39:21.123456789Z container start abc (image=busybox, name=x)\n');
});

test('GetTimestamp: durations, unix seconds, dates', () => {
  assert.equal(getTimestamp('10m', 1_000_000_000), String(1_000_000 - 600));
  assert.equal(getTimestamp('1700000000.5'), '1700000000.5');
  assert.equal(getTimestamp('2026-12-01T05:39:21.5Z'), '1796103561.500000000');
  assert.throws(() => getTimestamp('yesterday'), /failed to parse value as time or duration: "yesterday"/);
});
