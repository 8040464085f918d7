import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimestamp } from './timestamps.js';

test('since/until values as docker sends them', () => {
  const now = Date.parse('2024-01-01T00:10:00.250Z');
  assert.equal(parseTimestamp('10m', now), '1704067200');
  assert.equal(parseTimestamp('1h2m', now), String(Math.floor((now - 3720000) / 1000)));
  assert.equal(parseTimestamp('1704067200.5', now), '1704067200.500000000');
  assert.equal(parseTimestamp('2024-01-01T00:00:01.123456789Z', now), '1704067201.123456789');
  assert.equal(parseTimestamp('2024-01-01', now), '1704067200.000000000');
  assert.throws(() => parseTimestamp('yesterday', now), /failed to parse value as time or duration/);
});
