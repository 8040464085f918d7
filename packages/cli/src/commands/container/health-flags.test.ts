import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandArgs } from '../../cli/args.js';
import { applyHealthFlags, parseGoDuration } from './health-flags.js';

const run = (...flags: string[]) => parseCommandArgs('container run', [...flags, 'busybox']);

test('health flags → Config.Healthcheck', () => {
  const body: Record<string, unknown> = {};
  applyHealthFlags(body, run('--health-cmd', 'true', '--health-interval', '1m30s', '--health-retries', '2'));
  assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 90e9, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 2 });
  const none: Record<string, unknown> = {};
  applyHealthFlags(none, run('--no-healthcheck'));
  assert.deepEqual(none.Healthcheck, { Test: ['NONE'] });
  const nothing: Record<string, unknown> = {};
  applyHealthFlags(nothing, run());
  assert.equal(nothing.Healthcheck, undefined);
  assert.throws(() => applyHealthFlags({}, run('--no-healthcheck', '--health-cmd', 'x')), /--no-healthcheck conflicts with --health-\* options/);
  assert.throws(() => applyHealthFlags({}, run('--health-timeout', '-1s')), /--health-timeout cannot be negative/);
  assert.equal(parseGoDuration('250ms'), 250e6);
  assert.throws(() => parseGoDuration('5 minutes'), /time: invalid duration "5 minutes"/);
});
