import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { layerText, newModel, reduce } from './progress-view.js';
import { layout, sizeValue, sortRows, type StatsRow } from './stats-view.js';

const row = (Name: string, CPUPerc: string, MemUsage: string, PIDs = '1'): StatsRow =>
  ({ ID: Name.padEnd(12, 'x').slice(0, 12), Name, CPUPerc, MemUsage, MemPerc: '1.00%', NetIO: '1kB / 2kB', BlockIO: '0B / 0B', PIDs });

describe('progress model', () => {
  it('keeps layers in a live block until a plain line closes it', () => {
    const m = newModel();
    reduce(m, { status: 'Pulling from library/busybox', id: 'latest' }, 120, 0);
    reduce(m, { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' }, 120, 0);
    reduce(m, { status: 'Downloading', progressDetail: { current: 500000, total: 1000000 }, id: 'aaa' }, 120, 1000);
    assert.deepEqual(m.done.map((d) => d.text), ['latest: Pulling from library/busybox']);
    assert.equal(m.layers.length, 1);
    assert.match(layerText(m.layers[0]!, 120), /^aaa: Downloading \[=+> +\] 500kB\/1MB {2}500kB\/s$/);
    reduce(m, { status: 'Pull complete', progressDetail: {}, id: 'aaa' }, 120, 1200);
    reduce(m, { status: 'Digest: sha256:abc' }, 120, 1300);
    assert.deepEqual(m.done.map((d) => d.text), ['latest: Pulling from library/busybox', 'aaa: Pull complete', 'Digest: sha256:abc']);
    assert.equal(m.layers.length, 0);
  });
  it('records the error and aux lines', () => {
    const m = newModel();
    reduce(m, { aux: { Tag: 'v1' } }, 80);
    reduce(m, { errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' }, 80);
    assert.equal(m.error, 'manifest unknown');
    assert.equal(m.aux.length, 1);
  });
  it('draws no bar on a narrow terminal', () => {
    assert.equal(layerText({ id: 'abc', status: 'Downloading', current: 1000, total: 2000, at: 0, bytesAt: 0 }, 30), 'abc: Downloading 1kB/2kB');
  });
});

describe('stats table', () => {
  const rows = [row('web', '2.00%', '10MiB / 1GiB', '3'), row('db', '15.50%', '200MiB / 1GiB', '12'), row('cache', '0.10%', '50MiB / 1GiB', '2')];
  it('sorts by a key', () => {
    assert.equal(sizeValue('1.5MiB / 2GiB'), 1.5 * 1024 * 1024);
    assert.deepEqual(sortRows(rows, 'cpu').map((r) => r.Name), ['db', 'web', 'cache']);
    assert.deepEqual(sortRows(rows, 'mem').map((r) => r.Name), ['db', 'cache', 'web']);
    assert.deepEqual(sortRows(rows, 'name').map((r) => r.Name), ['cache', 'db', 'web']);
    assert.deepEqual(sortRows(rows, 'pids', true).map((r) => r.Name), ['cache', 'web', 'db']);
  });
  it('lays out Docker\'s columns and drops I/O columns when narrow', () => {
    const wide = layout(rows, 200);
    assert.equal(wide[0], 'CONTAINER ID   NAME    CPU %    MEM USAGE / LIMIT   MEM %   NET I/O     BLOCK I/O   PIDS');
    assert.equal(layout(rows, 75)[0], 'CONTAINER ID   NAME    CPU %    MEM USAGE / LIMIT   MEM %   PIDS');
    const narrow = layout(rows, 62);
    assert.equal(narrow[0], 'CONTAINER ID   NAME    CPU %    MEM USAGE / LIMIT   MEM %');
    assert.ok(narrow.every((l) => l.length <= 62));
  });
  it('renders live under a pty and redraws on its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-stats-view-'));
    try {
      const driver = path.join(dir, 'driver.mts');
      fs.writeFileSync(driver, `import { runStatsView } from ${JSON.stringify(path.resolve(import.meta.dirname, 'stats-view.tsx'))};
let n = 0;
const rows = () => [{ ID: 'aaaaaaaaaaaa', Name: 'web', CPUPerc: (n++) + '.00%', MemUsage: '1MiB / 1GiB', MemPerc: '0.10%', NetIO: '0B / 0B', BlockIO: '0B / 0B', PIDs: '1' }];
const ac = new AbortController();
setTimeout(() => ac.abort(), 700);
await runStatsView({ rows, out: process.stdout, input: process.stdin, sort: 'cpu', interval: 100, signal: ac.signal });
`);
      const r = spawnSync('script', ['-qfec', `stty cols 100 rows 20; ${process.execPath} --import tsx ${driver}`, '/dev/null'], { encoding: 'utf8', timeout: 30000, cwd: import.meta.dirname });
      assert.equal(r.status, 0, r.stderr);
      const text = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
      assert.match(text, /CONTAINER ID {3}NAME {3}CPU % {3}MEM USAGE \/ LIMIT/);
      assert.match(text, /sort: cpu/);
      const frames = text.match(/aaaaaaaaaaaa {3}web/g) ?? [];
      assert.ok(frames.length >= 3, `redrawn ${frames.length} times`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
