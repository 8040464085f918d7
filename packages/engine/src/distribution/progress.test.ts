import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressBar, bytes, status, throttled, type ProgressMessage } from './progress.js';

test('progress bar as dockerd sends it (width 200)', () => {
  assert.equal(progressBar(0, 0), '');
  assert.equal(progressBar(1500, 0), '   1.5kB');
  assert.equal(progressBar(1200000, 3400000), `[=================>${' '.repeat(33)}]    1.2MB/3.4MB`);
  assert.equal(progressBar(3400000, 3400000), `[${'='.repeat(50)}>]    3.4MB/3.4MB`);
  assert.equal(progressBar(5000, 4000), `[${'='.repeat(50)}>]      5kB`);
  assert.deepEqual(bytes('Downloading', 'abc', 1, 2).progressDetail, { current: 1, total: 2 });
  assert.deepEqual(status('Waiting', 'abc'), { status: 'Waiting', progressDetail: {}, id: 'abc' });
});

test('throttle: byte updates at most every interval per id, statuses at once', () => {
  const seen: ProgressMessage[] = [];
  const out = throttled((m) => seen.push(m), 1000);
  out(bytes('Downloading', 'a', 0, 10));
  out(bytes('Downloading', 'a', 5, 10));
  out(bytes('Downloading', 'b', 1, 10));
  out(bytes('Downloading', 'a', 10, 10));
  out(status('Download complete', 'a'));
  assert.deepEqual(seen.map((m) => `${m.id}:${m.status}:${m.progressDetail?.current ?? ''}`), ['a:Downloading:0', 'b:Downloading:1', 'a:Downloading:10', 'a:Download complete:']);
});
