/** Raw mode on a real pty (util-linux `script`): cfmakeraw's flags, and the terminal restored however the process ends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const raw = new URL('./raw.ts', import.meta.url).href;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Enters raw mode, writes `stty -a` to `during`, then ends the way `how` says. */
const fixture = (how: string, during: string) => `
  import { execSync } from 'node:child_process';
  import fs from 'node:fs';
  const { enterRaw } = await import(${JSON.stringify(raw)});
  const restore = await enterRaw(process.stdin);
  const stty = (...args) => execSync(['stty', ...args].join(' '), { stdio: ['inherit', 'pipe', 'inherit'] });
  fs.writeFileSync(${JSON.stringify(during)}, stty('-a'));
  ${how}
`;

function underPty(how: string): { before: string; during: string; after: string; restored: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-raw-'));
  const f = (n: string) => path.join(dir, n);
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', fixture(how.replace('RESTORED', JSON.stringify(f('restored'))), f('during'))].map(q).join(' ');
  const r = spawnSync('script', ['-qec', `stty -g > ${q(f('before'))}; ${node} < /dev/tty; stty -g > ${q(f('after'))}`, '/dev/null'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const read = (n: string) => fs.readFileSync(f(n), 'utf8');
  try { return { before: read('before'), during: read('during'), after: read('after'), restored: fs.existsSync(f('restored')) ? read('restored') : '' }; } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

test('raw mode is cfmakeraw\'s: no output processing, no echo, no signals from keys, no CR→NL', () => {
  const { during } = underPty('');
  for (const flag of ['-opost', '-icrnl', '-echo', '-isig', '-icanon', '-iexten', '-ixon', 'cs8']) {
    assert.match(during, new RegExp(`(^|\\s)${flag}(\\s|$)`), `${flag} in\n${during}`);
  }
});

test('restore() at the end of a session gives the terminal back while berth goes on', () => {
  const { before, restored } = underPty('restore(); fs.writeFileSync(RESTORED, stty("-g"));');
  assert.equal(restored, before);
});

for (const [name, how] of [
  ['a normal exit', ''],
  ['an uncaught exception', 'throw new Error("boom");'],
  ['process.exit', 'process.exit(3);'],
  ['SIGTERM', 'process.kill(process.pid, "SIGTERM"); await new Promise((r) => setTimeout(r, 5000));'],
  ['SIGHUP', 'process.kill(process.pid, "SIGHUP"); await new Promise((r) => setTimeout(r, 5000));'],
  ['SIGINT', 'process.kill(process.pid, "SIGINT"); await new Promise((r) => setTimeout(r, 5000));'],
] as const) {
  test(`the terminal's settings come back after ${name}`, () => {
    const { before, during, after } = underPty(how || 'process.stdin.pause();');
    assert.doesNotMatch(during, /(^|\s)opost/); // raw while it ran
    assert.equal(after, before);
  });
}
