import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDuration, mergeHealthcheck, probeCommand } from './health.js';

test('the image\'s HEALTHCHECK fills what the container leaves empty; zeros are omitted', () => {
  const image = { Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 };
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
  assert.deepEqual(mergeHealthcheck({ Test: null, Interval: 1e9, Timeout: 0 }, image), { Test: ['CMD', 'true'], Interval: 1e9, Retries: 2 });
  assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 5e9, Retries: 2 });
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});

test('probe commands and Go durations', () => {
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'curl -f x || exit 1'] }), ['/bin/sh', '-c', 'curl -f x || exit 1']);
  assert.deepEqual(probeCommand({ Test: ['CMD', 'a', 'b'] }), ['a', 'b']);
  assert.equal(probeCommand({ Test: ['NONE'] }), null);
  assert.equal(probeCommand(undefined), null);
  assert.equal(goDuration(300e6), '300ms');
  assert.equal(goDuration(30e9), '30s');
  assert.equal(goDuration(90e9), '1m30s');
  assert.equal(goDuration(1.5e9), '1.5s');
});
