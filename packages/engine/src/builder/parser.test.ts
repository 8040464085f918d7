import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, splitWords } from './parser.js';
import { toInstruction, toStages } from './instructions.js';

const one = (text: string) => parseDockerfile(text).nodes[0]!;

test('instructions, comments, continuations and original text (Docker reference examples)', () => {
  const cases: [string, { cmd: string; rest: string; original: string; startLine: number; json?: string[] }][] = [
    ['FROM busybox', { cmd: 'from', rest: 'busybox', original: 'FROM busybox', startLine: 1 }],
    ['from  busybox:1.36 AS Build', { cmd: 'from', rest: 'busybox:1.36 AS Build', original: 'from  busybox:1.36 AS Build', startLine: 1 }],
    ['# comment\n\nRUN echo hi', { cmd: 'run', rest: 'echo hi', original: 'RUN echo hi', startLine: 3 }],
    ['RUN /bin/bash -c \'source $HOME/.bashrc && \\\necho $HOME\'', { cmd: 'run', rest: 'RUN /bin/bash -c \'source $HOME/.bashrc && echo $HOME\''.slice(4), original: 'RUN /bin/bash -c \'source $HOME/.bashrc && echo $HOME\'', startLine: 1 }],
    ['RUN echo hello \\\n# comment\nworld', { cmd: 'run', rest: 'echo hello world', original: 'RUN echo hello world', startLine: 1 }],
    ['RUN echo a \\\n\n  b', { cmd: 'run', rest: 'echo a   b', original: 'RUN echo a   b', startLine: 1 }],
    ['CMD ["echo", "hi"]', { cmd: 'cmd', rest: '["echo", "hi"]', original: 'CMD ["echo", "hi"]', startLine: 1, json: ['echo', 'hi'] }],
    ['CMD [echo, "hi"]', { cmd: 'cmd', rest: '[echo, "hi"]', original: 'CMD [echo, "hi"]', startLine: 1 }],
    ['  ENV A=1', { cmd: 'env', rest: 'A=1', original: 'ENV A=1', startLine: 1 }],
  ];
  for (const [text, want] of cases) {
    const n = one(text);
    assert.equal(n.cmd, want.cmd, text);
    assert.equal(n.rest, want.rest, text);
    assert.equal(n.original, want.original, text);
    assert.equal(n.startLine, want.startLine, text);
    assert.deepEqual(n.json, want.json, text);
  }
});

test('parser directives: escape (backtick), syntax, only at the top', () => {
  const r = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo done\n');
  assert.equal(r.escape, '`');
  assert.equal(r.directives.syntax, 'docker/dockerfile:1');
  assert.equal(r.nodes[1]!.rest, 'dir c:\\   && echo done');
  // After a comment or instruction a directive is a comment.
  const late = parseDockerfile('FROM busybox\n# escape=`\nRUN a \\\n b');
  assert.equal(late.escape, '\\');
  assert.equal(late.nodes[1]!.rest, 'a  b');
  assert.throws(() => parseDockerfile('# escape=x\nFROM a'), /invalid escape token/);
  // An unknown directive is a comment, and ends the directives.
  assert.equal(parseDockerfile('# foo=bar\n# escape=`\nFROM a').escape, '\\');
});

test('flags are split off; JSON form only for a valid string array', () => {
  const n = one('COPY --from=build --chown=1:2 a b /dst/');
  assert.deepEqual(n.flags, ['--from=build', '--chown=1:2']);
  assert.equal(n.rest, 'a b /dst/');
  const ins = toInstruction(n, '\\');
  assert.equal(ins.kind, 'copy');
  if (ins.kind === 'copy') { assert.deepEqual(ins.srcs, ['a', 'b']); assert.equal(ins.dest, '/dst/'); assert.equal(ins.from, 'build'); assert.equal(ins.chown, '1:2'); }
  const j = toInstruction(one('COPY ["a b", "/x y/"]'), '\\');
  if (j.kind === 'copy') { assert.deepEqual(j.srcs, ['a b']); assert.equal(j.dest, '/x y/'); }
});

test('heredocs: RUN <<EOF, <<-EOF (tabs stripped), quoted (no expansion), COPY <<EOF', () => {
  const r = parseDockerfile('FROM a\nRUN <<EOF\necho 1\necho 2\nEOF\nRUN <<-"END" sh\n\techo $X\n\tEND\nCOPY <<F1 <<F2 /d/\none\nF1\ntwo\nF2\nCMD x\n');
  const [, run1, run2, copy, cmd] = r.nodes;
  assert.deepEqual(run1!.heredocs, [{ name: 'EOF', content: 'echo 1\necho 2\n', expand: true, chomp: false }]);
  assert.equal(run1!.original, 'RUN <<EOF');
  assert.deepEqual(run2!.heredocs, [{ name: 'END', content: 'echo $X\n', expand: false, chomp: true }]);
  assert.deepEqual(copy!.heredocs.map((h) => [h.name, h.content]), [['F1', 'one\n'], ['F2', 'two\n']]);
  assert.equal(cmd!.cmd, 'cmd');
  assert.equal(cmd!.startLine, 14);
});

test('parse errors name the line with Docker\'s messages', () => {
  const cases: [string, string][] = [
    ['FROM a\nRUN b\nFOO bar', 'dockerfile parse error on line 3: unknown instruction: FOO'],
    ['RUN b', 'dockerfile parse error on line 1: no build stage in current context'],
    ['FROM a\nENV', 'dockerfile parse error on line 2: ENV requires at least one argument'],
    ['FROM a\nENV A', 'dockerfile parse error on line 2: ENV must have two arguments'],
    ['FROM a\nENV =b', 'dockerfile parse error on line 2: ENV names can not be blank'],
    ['FROM a b', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
    ['FROM a\nADD x', 'dockerfile parse error on line 2: ADD requires at least two arguments'],
    ['FROM a\nRUN --mount=type=cache,target=/x true', 'dockerfile parse error on line 2: the --mount option requires BuildKit'],
    ['FROM a\nSHELL /bin/sh', 'dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form'],
    ['FROM a\nHEALTHCHECK FOO x', 'dockerfile parse error on line 2: Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['FROM a\nHEALTHCHECK --interval=x CMD true', 'dockerfile parse error on line 2: time: invalid duration "x"'],
    ['FROM a\nONBUILD ONBUILD RUN x', 'dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['FROM a\nONBUILD FROM b', 'dockerfile parse error on line 2: FROM isn\'t allowed as an ONBUILD trigger'],
    ['FROM a\nCOPY --nope a b', 'dockerfile parse error on line 2: unknown flag: nope'],
    ['FROM a\nCOPY --chown a b', 'dockerfile parse error on line 2: missing a value on flag: chown'],
    ['# only a comment\n', 'file with no instructions'],
  ];
  for (const [text, msg] of cases) {
    assert.throws(() => { const p = parseDockerfile(text); toStages(p.nodes, p.escape); }, (e: Error) => e.message.startsWith(msg), `${JSON.stringify(text)} → ${msg}`);
  }
});

test('stages, meta args, ENV/LABEL both syntaxes, ARG forms', () => {
  const p = parseDockerfile('ARG V=1\nARG B\nFROM a:${V} AS one\nENV A 1 2  3\nENV B="x y" C=z\nLABEL k=v "q r"=s\nARG X Y=2\nFROM one\n');
  const { stages, metaArgs } = toStages(p.nodes, p.escape);
  assert.deepEqual(metaArgs.map((m) => m.args), [[{ key: 'V', value: '1' }], [{ key: 'B' }]]);
  assert.equal(stages.length, 2);
  assert.equal(stages[0]!.name, 'one');
  const [env1, env2, label, arg] = stages[0]!.commands;
  assert.deepEqual(env1!.kind === 'env' && env1.pairs, [['A', '1 2  3']]);
  assert.deepEqual(env2!.kind === 'env' && env2.pairs, [['B', '"x y"'], ['C', 'z']]);
  assert.deepEqual(label!.kind === 'label' && label.pairs, [['k', 'v'], ['"q r"', 's']]);
  assert.deepEqual(arg!.kind === 'arg' && arg.args, [{ key: 'X' }, { key: 'Y', value: '2' }]);
  assert.deepEqual(splitWords('a "b c" d\\ e \'f g\''), ['a', '"b c"', 'd\\ e', '\'f g\'']);
});
