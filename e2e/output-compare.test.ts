/**
 * Output fidelity: every table command's `berth` output against the real docker CLI's output
 * (`docker -H` at the same berthd, same state), column by column — same headers, same column
 * starts, same cells. Only clock skew is forgiven: the CREATED column and the "N seconds" of
 * STATUS may differ by the moment each CLI ran. A command Berth does not offer yet is skipped.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useDaemon, type TestDaemon } from './harness.js';
import { ensureBusybox } from './images.js';

let d: TestDaemon;

before(async () => {
  d = await useDaemon();
  ensureBusybox(d);
  const ok = (args: string[]) => {
    const r = d.berth(args);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  ok(['tag', 'busybox:latest', 'example.com/team/busybox:1.0']);
  ok(['tag', 'busybox:latest', 'localhost:5000/a-rather-long-repository-name/busybox:some-long-tag']);
  ok(['run', '-d', '--name', 'cmp-web', '-l', 'tier=web', '-p', '127.0.0.1:18080:80', 'busybox', 'sleep', '600']);
  ok(['run', '-d', '--name', 'cmp-worker', 'busybox', 'sh', '-c', 'while true; do sleep 1; done']);
  assert.equal(d.berth(['run', '--name', 'cmp-exited', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
  ok(['create', '--name', 'cmp-created', 'busybox', 'echo', 'a command long enough to be truncated by the table']);
  ok(['network', 'create', 'cmp-net']);
  ok(['network', 'create', '--internal', 'cmp-internal']);
  ok(['volume', 'create', 'cmp-vol']);
  ok(['volume', 'create', '--label', 'x=y', 'cmp-vol-2']);
  // commit may not be there yet: without it, history compares busybox only.
  const commit = d.berth(['commit', '-m', 'a commit', 'cmp-worker', 'cmp/committed:v1']);
  assert.equal(commit.code, 0, commit.stderr);
});

interface Table { header: string; starts: number[]; names: string[]; rows: string[][] }

/** Column starts from the header: a title begins after a run of 2+ spaces (titles hold single spaces). */
function parse(text: string): Table {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = lines[0] ?? '';
  const starts = [0];
  for (const m of header.matchAll(/ {2,}(?=\S)/g)) starts.push(m.index! + m[0].length);
  const names = starts.map((s, i) => header.slice(s, starts[i + 1]).trim());
  const rows = lines.slice(1).map((l) => starts.map((s, i) => l.slice(s, starts[i + 1]).trim()));
  return { header, starts, names, rows };
}

const skew = (col: string, cell: string) =>
  /^CREATED( AT)?$/.test(col) ? '<time>' : col === 'STATUS' ? cell.replace(/\d+ seconds?|About a minute|\d+ minutes|Less than a second/g, '<t>') : cell;

function compare(args: string[]) {
  const ours = d.berth(args);
  const theirs = d.docker(args);
  assert.equal(theirs.code, 0, `docker ${args.join(' ')}: ${theirs.stderr}`);
  assert.equal(ours.code, 0, `berth ${args.join(' ')}: ${ours.stderr}`);
  const a = parse(ours.stdout);
  const b = parse(theirs.stdout);
  assert.deepEqual(a.names, b.names, `${args.join(' ')}: headers`);
  // docker prints the tags of one image in Go map order (random): compare images' rows as sets.
  const unordered = args[0] === 'images' || (args[0] === 'image' && args[1] === 'ls');
  const norm = (tb: Table) => {
    const rows = tb.rows.map((r) => r.map((c, i) => skew(tb.names[i]!, c)));
    return unordered ? rows.map((r) => JSON.stringify(r)).sort() : rows;
  };
  assert.deepEqual(norm(a), norm(b), `${args.join(' ')}: cells`);
  // Column starts may only differ where a skewed column's width changed.
  const skewed = a.names.findIndex((n) => /^CREATED|^STATUS$/.test(n));
  const fixed = (s: number[]) => (skewed < 0 ? s : s.slice(0, skewed + 1));
  assert.deepEqual(fixed(a.starts), fixed(b.starts), `${args.join(' ')}: column starts\n${ours.stdout}\n---\n${theirs.stdout}`);
  if (skewed < 0 && !unordered) assert.equal(ours.stdout, theirs.stdout);
}

describe('berth tables match the docker CLI', () => {
  const cases: string[][] = [
    ['images'],
    ['images', '-a'],
    ['images', '--digests'],
    ['images', '--no-trunc'],
    ['images', 'busybox'],
    ['image', 'ls', '--filter', 'reference=*/*/*'],
    ['ps'],
    ['ps', '-a'],
    ['ps', '-a', '--no-trunc'],
    ['ps', '-a', '-s'],
    ['ps', '-a', '--filter', 'status=exited'],
    ['ps', '--format', 'table {{.Names}}\t{{.Image}}\t{{.Ports}}\t{{.Labels}}'],
    ['history', 'busybox'],
    ['history', '--no-trunc', 'cmp/committed:v1'],
    ['history', '-H=false', 'cmp/committed:v1'],
    ['network', 'ls'],
    ['network', 'ls', '--no-trunc'],
    ['network', 'ls', '--filter', 'driver=bridge'],
    ['volume', 'ls'],
    ['volume', 'ls', '--format', 'table {{.Name}}\t{{.Driver}}\t{{.Labels}}'],
    ['top', 'cmp-web'],
    ['stats', '--no-stream', 'cmp-web', 'cmp-worker', '--format', 'table {{.Name}}\t{{.ID}}'],
    ['system', 'df'],
  ];
  for (const args of cases) {
    it(args.join(' '), () => compare(args));
  }
});
