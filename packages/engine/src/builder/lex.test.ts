import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processWord, setEnv } from './lex.js';

test('variable substitution as Docker\'s lexer does it (table from the Dockerfile reference)', () => {
  const env = ['FOO=foo', 'BAR=bar baz', 'EMPTY=', 'PATH=/bin'];
  const cases: [string, string][] = [
    ['$FOO', 'foo'],
    ['${FOO}', 'foo'],
    ['${FOO}bar', 'foobar'],
    ['x$FOO/y', 'xfoo/y'],
    ['$UNSET', ''],
    ['${UNSET:-word}', 'word'],
    ['${EMPTY:-word}', 'word'],
    ['${EMPTY-word}', ''],
    ['${FOO:-word}', 'foo'],
    ['${FOO:+word}', 'word'],
    ['${UNSET:+word}', ''],
    ['${EMPTY+set}', 'set'],
    ['${UNSET:-$FOO}', 'foo'],
    ['${UNSET:-${BAR}}', 'bar baz'],
    ['\\$FOO', '$FOO'],
    ['\\${FOO}', '${FOO}'],
    ["'$FOO'", '$FOO'],
    ['"$FOO"', 'foo'],
    ['"\\$FOO"', '$FOO'],
    ['"a\\b"', 'a\\b'],
    ['"quoted \\"x\\""', 'quoted "x"'],
    ['a\\ b', 'a b'],
    ['$', '$'],
    ['$1', ''],
    ['abc', 'abc'],
    ['${PATH}:/usr/local/bin', '/bin:/usr/local/bin'],
  ];
  for (const [word, want] of cases) assert.equal(processWord(word, env), want, word);
  assert.equal(processWord('`$FOO', env, '`'), '$FOO');
  assert.equal(processWord('c:\\dir\\$FOO', env, '`'), 'c:\\dir\\foo');
  assert.equal(processWord('$K', { K: 'from map' }), 'from map');
});

test('substitution errors', () => {
  assert.throws(() => processWord("'open", []), /unexpected end of statement while looking for matching single-quote/);
  assert.throws(() => processWord('"open', []), /matching double-quote/);
  assert.throws(() => processWord('${FOO', []), /missing '}'/);
  assert.throws(() => processWord('${FOO:=x}', []), /unsupported modifier/);
  assert.throws(() => processWord('${FOO:?must be set}', []), /FOO: must be set/);
});

test('setEnv replaces in place or appends', () => {
  assert.deepEqual(setEnv(['A=1', 'B=2'], 'A', '3'), ['A=3', 'B=2']);
  assert.deepEqual(setEnv(['A=1'], 'C', 'x y'), ['A=1', 'C=x y']);
});
