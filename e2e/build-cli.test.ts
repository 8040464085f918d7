/**
 * `berth build` on the CLI side: the live view on a terminal (under a pty), --progress=plain,
 * Dockerfiles and contexts from stdin, -f outside the context, -q, --network, --rm=false /
 * --force-rm, and the image config's history (empty_layer) as Docker's classic builder writes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { berthBin, type TestDaemon } from './harness.js';
import { buildEnv, ok } from './build-helpers.js';
import { registryPool } from './registry.js';

const registries = registryPool();

let d: TestDaemon;
const env = buildEnv((daemon) => { d = daemon; });
const context = env.context;
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run berth under a pty (script(1)); returns what the terminal got and the exit code. */
function onTty(args: string[]): { code: number; out: string } {
  const cmd = [process.execPath, berthBin, '-H', d.host, ...args].map(sh).join(' ');
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', COLUMNS: '120', BERTH_CONFIG: path.join(d.dir, 'berth-config') }, timeout: 120000 });
  return { code: r.status ?? -1, out: r.stdout };
}

test('the live view on a terminal: steps with timers, cache hits marked, a failure with its output', () => {
  const dir = context({ Dockerfile: 'FROM busybox\nRUN echo live-output-line\nCOPY a.txt /a.txt\n', 'a.txt': 'a' });
  const first = onTty(['build', '-t', 'tty:one', dir]);
  assert.equal(first.code, 0, first.out);
  const plain = first.out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(plain, /✓ Step 2\/3 : RUN echo live-output-line {2}\d+\.\ds {2}→ [0-9a-f]{12}/);
  assert.match(plain, /Successfully tagged tty:one/);
  const again = onTty(['build', dir]).out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(again, /⚡ Step 2\/3 : RUN echo live-output-line {2}CACHED \d+\.\ds/);
  const bad = context({ Dockerfile: 'FROM busybox\nRUN echo shown-before-failing; exit 7\n' });
  const failed = onTty(['build', bad]);
  assert.equal(failed.code, 7);
  const fp = failed.out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(fp, /✗ Step 2\/2 : RUN echo shown-before-failing; exit 7[^\n]*\n\s*│ shown-before-failing/);
  assert.match(fp, /The command '\/bin\/sh -c echo shown-before-failing; exit 7' returned a non-zero code: 7/);
  // --progress=plain on a terminal: Docker's lines.
  const p = onTty(['build', '--progress=plain', dir]).out;
  assert.match(p, /Step 2\/3 : RUN echo live-output-line\r?\n ---> Using cache/);
});

test('Dockerfile from stdin (-f -), context from stdin (- with a tar or a Dockerfile), -f outside the context', () => {
  const dir = context({ 'f.txt': 'from-context\n' });
  let out = ok(d.berth(['build', '-f', '-', '-t', 'stdin:df', dir], { input: 'FROM busybox\nCOPY . /c\n' }));
  assert.match(out, /Successfully tagged stdin:df/);
  const listed = ok(d.berth(['run', '--rm', 'stdin:df', 'ls', '-A', '/c'])).trim().split('\n');
  assert.deepEqual(listed, ['f.txt']); // the generated Dockerfile name is not copied
  out = ok(d.berth(['build', '-t', 'stdin:nocontext', '-'], { input: 'FROM busybox\nRUN echo no-context > /x\n' }));
  assert.match(out, /Step 2\/2 : RUN echo no-context > \/x/);
  const tarDir = context({ Dockerfile: 'FROM busybox\nCOPY f.txt /f.txt\n', 'f.txt': 'in-tar\n' });
  const tarball = execFileSync('tar', ['-cz', '-C', tarDir, '.']);
  ok(d.berth(['build', '-t', 'stdin:tar', '-'], { input: tarball }));
  assert.equal(ok(d.berth(['run', '--rm', 'stdin:tar', 'cat', '/f.txt'])), 'in-tar\n');
  const outside = path.join(d.dir, 'Outside.Dockerfile');
  fs.writeFileSync(outside, 'FROM busybox\nCOPY f.txt /g.txt\n');
  ok(d.berth(['build', '-f', outside, '-t', 'outside', dir]));
  assert.equal(ok(d.berth(['run', '--rm', 'outside', 'cat', '/g.txt'])), 'from-context\n');
  const missing = d.berth(['build', path.join(d.dir, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /unable to prepare context: path ".*nope" not found/);
});

test('-q prints only the ID; --network none/host; --rm=false keeps intermediate containers, --force-rm not', () => {
  const dir = context({ Dockerfile: 'FROM busybox\nRUN cat /proc/net/dev | grep -c : > /ifaces\n' });
  const q = ok(d.berth(['build', '-q', '--network', 'none', '-t', 'net:none', dir]));
  assert.match(q, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(ok(d.berth(['run', '--rm', 'net:none', 'cat', '/ifaces'])), '1\n'); // lo only
  ok(d.berth(['build', '--no-cache', '--network', 'host', '-t', 'net:host', dir]));
  const hostIfaces = Number(ok(d.berth(['run', '--rm', 'net:host', 'cat', '/ifaces'])).trim());
  assert.ok(hostIfaces >= 1);
  const keep = ok(d.berth(['build', '--no-cache', '--rm=false', dir]));
  assert.doesNotMatch(keep, /Removing intermediate container/);
  const left = ok(d.berth(['ps', '-aq'])).trim().split('\n').filter(Boolean);
  assert.equal(left.length, 1);
  ok(d.berth(['rm', ...left]));
  const bad = context({ Dockerfile: 'FROM busybox\nRUN exit 2\n' });
  assert.equal(d.berth(['build', '--force-rm', bad]).code, 2);
  assert.equal(ok(d.berth(['ps', '-aq'])).trim(), '');
});

test('history: empty_layer for metadata steps, a layer for RUN/COPY, created_by as Docker writes it', () => {
  const dir = context({ Dockerfile: 'FROM busybox\nLABEL a=b\nRUN true\nWORKDIR /\nCOPY x /x\nCMD ["sh"]\n', x: 'x' });
  ok(d.berth(['build', '-t', 'hist', dir]));
  const id = JSON.parse(ok(d.berth(['image', 'inspect', 'hist'])))[0].Id as string;
  const cfg = JSON.parse(fs.readFileSync(path.join(d.dataRoot, 'image/blobs/sha256', id.slice(7)), 'utf8'));
  const own = cfg.history.slice(-5);
  assert.deepEqual(own.map((h: { empty_layer?: boolean }) => !!h.empty_layer), [true, true, true, false, true]);
  assert.deepEqual(own.map((h: { created_by: string }) => h.created_by.replace(/[0-9a-f]{64}/, 'H')), [
    '/bin/sh -c #(nop)  LABEL a=b', '/bin/sh -c true', '/bin/sh -c #(nop) WORKDIR /', '/bin/sh -c #(nop) COPY file:H in /x ', '/bin/sh -c #(nop)  CMD ["sh"]',
  ]);
  assert.equal(cfg.rootfs.diff_ids.length, cfg.history.filter((h: { empty_layer?: boolean }) => !h.empty_layer).length);
  assert.equal(cfg.config.Image.startsWith('sha256:'), true);
  // docker history agrees.
  const rows = ok(d.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}\t{{.Size}}', 'hist'])).trim().split('\n').slice(0, 5);
  assert.match(rows[0]!, /CMD \["sh"\]\t0B$/);
  assert.match(rows[1]!, /COPY file:[0-9a-f]{64} in \/x \t1B$/);
});

test('FROM an image that is not here pulls it (progress in the build output); --pull pulls again; a bad tag is refused', async () => {
  const reg = await registries.start(d);
  const ref = `${reg.host}/base/busybox:1`;
  ok(d.berth(['tag', 'busybox', ref]));
  ok(d.berth(['push', ref]));
  ok(d.berth(['rmi', ref]));
  const dir = context({ Dockerfile: `FROM ${ref}\nRUN echo pulled > /p\n` });
  const out = ok(d.berth(['build', '-t', 'from-registry', dir]));
  assert.match(out, /Step 1\/2 : FROM 127\.0\.0\.1:\d+\/base\/busybox:1\n/);
  assert.match(out, /Status: (Downloaded newer image|Image is up to date) for 127\.0\.0\.1:\d+\/base\/busybox:1\n ---> [0-9a-f]{12}\n/);
  assert.equal(ok(d.berth(['run', '--rm', 'from-registry', 'cat', '/p'])), 'pulled\n');
  const again = ok(d.berth(['build', '--pull', dir]));
  assert.match(again, /Status: Image is up to date for/);
  assert.match(again, / ---> Using cache/);
  const missing = context({ Dockerfile: `FROM ${reg.host}/nope/none:1\n` });
  const r = d.berth(['build', missing]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not found|manifest unknown|does not exist/);
  const badTag = d.berth(['build', '-t', 'Bad:Tag', dir]);
  assert.equal(badTag.code, 125);
  assert.match(badTag.stderr, /^invalid argument "Bad:Tag" for "-t, --tag" flag: invalid reference format: repository name \(library\/Bad\) must be lowercase\n\nUsage: {2}berth build \[OPTIONS\] PATH \| URL \| -\n/);
});
