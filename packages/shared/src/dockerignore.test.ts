import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerIgnore, readDockerignore } from './dockerignore.js';

test('reading: comments, whitespace, cleaning, leading slash, exceptions', () => {
  assert.deepEqual(readDockerignore('# comment\n  *.md  \n\n/abs/path/\n!README.md\n./a/../b\n! keep \n'), ['*.md', 'abs/path', '!README.md', 'b', '!keep']);
});

test('matching: Docker\'s rules (examples from the .dockerignore reference)', () => {
  const ig = DockerIgnore.fromFile('# comment\n*/temp*\n*/*/temp*\ntemp?\n*.md\n!README*.md\nREADME-secret.md\n**/*.go\nbuild\n');
  const cases: [string, boolean][] = [
    ['somedir/temporary.txt', true],
    ['somedir/temp', true],
    ['temp', false],
    ['somedir/subdir/temporary.txt', true],
    ['temp1', true],
    ['tempa', true],
    ['temp12', false],
    ['notes.md', true],
    ['README.md', false],
    ['README-secret.md', true],
    ['README-public.md', false],
    ['main.go', true],
    ['a/b/c/main.go', true],
    ['build', true],
    ['build/out/x', true],
    ['builder', false],
    ['src/build', false],
  ];
  for (const [p, want] of cases) assert.equal(ig.matches(p), want, p);
});

test('a directory pattern excludes its contents; an exception inside it brings a file back', () => {
  const ig = DockerIgnore.fromFile('logs\n!logs/keep.log\n');
  assert.equal(ig.matches('logs'), true);
  assert.equal(ig.matches('logs/a.log'), true);
  assert.equal(ig.matches('logs/keep.log'), false);
  assert.equal(ig.hasExceptions, true);
  const star = DockerIgnore.fromFile('*\n!src\n');
  assert.equal(star.matches('x'), true);
  assert.equal(star.matches('src/a.ts'), false);
  const chars = DockerIgnore.fromFile('[abc].txt\n[!x]y\nfile\\*\n');
  assert.equal(chars.matches('a.txt'), true);
  assert.equal(chars.matches('d.txt'), false);
  assert.equal(chars.matches('zy'), true);
  assert.equal(chars.matches('xy'), false);
  assert.equal(chars.matches('file*'), true);
  assert.equal(chars.matches('files'), false);
});
