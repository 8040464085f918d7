import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buildEvents, renderBuildEvent, type BuildOutcome } from './build.js';

test('classic build events → plain text, image ID from aux, errorDetail → error with its code', async () => {
  const lines = [
    '{"stream":"Step 1/2 : FROM busybox\\n"}',
    '{"stream":" ---> 0f6f7b810532\\n"}',
    '{"status":"Pulling fs layer","progressDetail":{},"id":"abc"}',
    '{"status":"Downloading","progress":"[==>   ] 1MB/2MB","id":"abc"}',
    '{"aux":{"ID":"sha256:1111"}}',
    '{"errorDetail":{"code":3,"message":"The command \'/bin/sh -c exit 3\' returned a non-zero code: 3"},"error":"x"}',
  ];
  // Chunked at odd places, with Docker's \r\n.
  const body = lines.join('\r\n') + '\r\n';
  const stream = Readable.from([body.slice(0, 17), body.slice(17, 90), body.slice(90)]);
  const outcome: BuildOutcome = {};
  let text = '';
  for await (const ev of buildEvents(stream)) text += renderBuildEvent(ev, outcome);
  assert.equal(text, 'Step 1/2 : FROM busybox\n ---> 0f6f7b810532\nabc: Pulling fs layer\n');
  assert.equal(outcome.imageId, 'sha256:1111');
  assert.deepEqual(outcome.error, { message: 'The command \'/bin/sh -c exit 3\' returned a non-zero code: 3', code: 3 });
  const plain: BuildOutcome = {};
  renderBuildEvent({ error: 'boom' }, plain);
  assert.deepEqual(plain.error, { message: 'boom', code: 1 });
});
