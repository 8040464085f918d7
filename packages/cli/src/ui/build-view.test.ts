import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceBuild, type BuildModel } from './build-view.js';

test('the live view\'s model: steps, cache hits, image IDs, output lines, closing notes', () => {
  const m: BuildModel = { steps: [], notes: [] };
  reduceBuild(m, 'Step 1/3 : FROM busybox\n ---> 0f6f7b810532\n', 1000);
  reduceBuild(m, 'Step 2/3 : RUN echo hi\n ---> Using cache\n ---> aaaaaaaaaaaa\n', 1100);
  reduceBuild(m, 'Step 3/3 : RUN make\n ---> Running in 123456789abc\nline one\nline ', 1200);
  reduceBuild(m, 'two\nRemoving intermediate container 123456789abc\n ---> bbbbbbbbbbbb\n', 1300);
  reduceBuild(m, 'Successfully built bbbbbbbbbbbb\nSuccessfully tagged x:latest\n', 1500);
  assert.deepEqual(m.steps.map((s) => [s.title, s.cached, s.id, s.started, s.ended]), [
    ['Step 1/3 : FROM busybox', false, '0f6f7b810532', 1000, 1100],
    ['Step 2/3 : RUN echo hi', true, 'aaaaaaaaaaaa', 1100, 1200],
    ['Step 3/3 : RUN make', false, 'bbbbbbbbbbbb', 1200, 1500],
  ]);
  assert.deepEqual(m.steps[2]!.lines, ['line one', 'line two']);
  assert.deepEqual(m.notes, ['Successfully built bbbbbbbbbbbb', 'Successfully tagged x:latest']);
});
