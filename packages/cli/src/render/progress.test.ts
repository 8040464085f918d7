import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { renderEvents, progressString, displayProgress, ProgressStreamError } from './progress.js';
import type { ProgressEvent } from '../client/modem.js';

const pull: ProgressEvent[] = [
  { status: 'Pulling from library/busybox', id: 'latest' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bbb' },
  { status: 'Downloading', progressDetail: { current: 500, total: 1000 }, progress: '[=>] 500B/1kB', id: 'aaa' },
  { status: 'Download complete', progressDetail: {}, id: 'aaa' },
  { status: 'Pull complete', progressDetail: {}, id: 'bbb' },
  { status: 'Digest: sha256:abc' },
  { status: 'Status: Downloaded newer image for busybox:latest' },
];

test('plain output: append-only lines, byte counts left out', () => {
  assert.equal(renderEvents(pull, { tty: false, width: 0 }), [
    'latest: Pulling from library/busybox',
    'aaa: Pulling fs layer',
    'bbb: Pulling fs layer',
    'aaa: Download complete',
    'bbb: Pull complete',
    'Digest: sha256:abc',
    'Status: Downloaded newer image for busybox:latest',
    '',
  ].join('\n'));
});

test('TTY output: one line per layer id rewritten in place with cursor movement', () => {
  const out = renderEvents(pull, { tty: true, width: 80 });
  const E = '\x1b[';
  assert.equal(out, [
    'latest: Pulling from library/busybox\n',
    `\n${E}1A${E}2K\raaa: Pulling fs layer \r${E}1B`,
    `\n${E}1A${E}2K\rbbb: Pulling fs layer \r${E}1B`,
    `${E}2A${E}2K\raaa: Downloading     500B/1kB\r${E}2B`,
    `${E}2A${E}2K\raaa: Download complete \r${E}2B`,
    `${E}1A${E}2K\rbbb: Pull complete \r${E}1B`,
    'Digest: sha256:abc\n',
    'Status: Downloaded newer image for busybox:latest\n',
  ].join(''));
});

test('the bar appears only on terminals wider than 110 columns', () => {
  assert.equal(progressString({ current: 500, total: 1000 }, 80), '    500B/1kB');
  assert.equal(progressString({ current: 500, total: 1000 }, 120), `[${'='.repeat(25)}>${' '.repeat(25)}]     500B/1kB`);
  assert.equal(progressString({}, 120), '');
  assert.equal(progressString({ current: 2000 }, 120), '     2kB');
});

test('displayProgress: aux collected, an error line rejects with its message', async () => {
  const lines = (evs: ProgressEvent[]) => Readable.from([evs.map((e) => JSON.stringify(e)).join('\r\n')]);
  let text = '';
  const aux = await displayProgress(lines([{ status: 'latest: digest: sha256:x size: 1' }, { aux: { Tag: 'latest' } }]), { write: (s: string) => { text += s; } }, { tty: false, width: 0 });
  assert.equal(text, 'latest: digest: sha256:x size: 1\n');
  assert.deepEqual(aux, [{ aux: { Tag: 'latest' } }]);
  await assert.rejects(displayProgress(lines([{ status: 'x' }, { errorDetail: { message: 'boom' }, error: 'boom' }]), { write: () => {} }, { tty: false, width: 0 }),
    (e: Error) => e instanceof ProgressStreamError && e.message === 'boom');
});
