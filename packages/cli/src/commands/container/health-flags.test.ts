import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyHealthFlags, parseGoDuration } from './health-flags.js';

test('health flags → Config.Healthcheck', () => {
  const body: Record<string, unknown> = {};
  applyHealthFlags(body, { _: [], 'health-cmd': 'true', 'health-interval': '1m30s', 'health-retries': '2' } as never);
  assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 90e9, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 2 });
  const none: Record<string, unknown> = {};
  applyHealthFlags(none, { _: [], 'no-healthcheck': true } as never);
  assert.deepEqual(none.Healthcheck, { Test: ['NONE'] });
  const nothing: Record<string, unknown> = {};
  applyHealthFlags(nothing, { _: [] } as never);
  assert.equal(nothing.Healthcheck, undefined);
  assert.throws(() => applyHealthFlags({}, { _: [], 'no-healthcheck': true, 'health-cmd': 'x' } as never), /--no-healthcheck conflicts with --health-\* options/);
  assert.throws(() => applyHealthFlags({}, { _: [], 'health-timeout': '-1s' } as never), /--health-timeout cannot be negative/);
  assert.equal(parseGoDuration('250ms'), 250e6);
  assert.throws(() => parseGoDuration('5 minutes'), /time: invalid duration "5 minutes"/);
});
