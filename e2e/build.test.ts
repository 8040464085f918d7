/**
 * Build end to end (classic builder) with `berth build` and `DOCKER_BUILDKIT=0 docker build`:
 * the seeds' Dockerfiles (000 appendix, 001, 002's multi-stage shape), history and layers,
 * the cache's hits and misses, parse errors, a failing RUN, .dockerignore, ONBUILD, --target,
 * --iidfile, ADD of a local tar.gz, COPY --chown/--chmod.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { TestDaemon } from './harness.js';
import { buildEnv, ok } from './build-helpers.js';

let d: TestDaemon;
const env = buildEnv((daemon) => { d = daemon; });
const context = env.context;
const docker0 = (args: string[]) => d.docker(args, { env: { DOCKER_BUILDKIT: '0' } });

const steps = (out: string) => out.split('\n').filter((l) => l.startsWith('Step '));
const cacheHits = (out: string) => (out.match(/ ---> Using cache/g) ?? []).length;
const history = (ref: string) => ok(d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', ref])).trim().split('\n');
const inspect = (ref: string) => JSON.parse(ok(d.berth(['image', 'inspect', ref])))[0];

test('seed 000: FROM, MAINTAINER, RUN — Docker\'s classic output, layers and history', () => {
  const dir = context({ Dockerfile: '# This is a comment\nFROM busybox\nMAINTAINER user info\nRUN mkdir abc\n' });
  const out = ok(d.berth(['build', '-t', 'ouruser/ubuntu:v3', dir]));
  // docker's bytes: the size right-aligned in 8 columns, then "\r\r\n" (its raw progress formatter).
  assert.match(out, /^Sending build context to Docker daemon {2}\d\.\d+kB\r\r\nStep 1\/3/);
  assert.deepEqual(steps(out), ['Step 1/3 : FROM busybox', 'Step 2/3 : MAINTAINER user info', 'Step 3/3 : RUN mkdir abc']);
  assert.match(out, /Step 3\/3 : RUN mkdir abc\n ---> Running in ([0-9a-f]{12})\nRemoving intermediate container \1\n ---> [0-9a-f]{12}\n/);
  assert.match(out, /Successfully built ([0-9a-f]{12})\nSuccessfully tagged ouruser\/ubuntu:v3\n$/);
  const img = inspect('ouruser/ubuntu:v3');
  assert.equal(img.Author, 'user info');
  const base = inspect('busybox');
  assert.equal(img.RootFS.Layers.length, base.RootFS.Layers.length + 1);
  const h = history('ouruser/ubuntu:v3');
  assert.match(h[0]!, /^\/bin\/sh -c mkdir abc\|/);
  assert.match(h[1]!, /^\/bin\/sh -c #\(nop\) {2}MAINTAINER user info\|0B$/);
  assert.ok(fs.existsSync(path.join(img.GraphDriver.Data.UpperDir, 'abc')));
  assert.equal(ok(d.berth(['run', '--rm', 'ouruser/ubuntu:v3', 'ls', '-d', '/abc'])).trim(), '/abc');
  // No intermediate container is left.
  assert.equal(ok(d.berth(['ps', '-aq'])).trim(), '');
});

test('seed 001: WORKDIR, ADD ., RUN, EXPOSE, ENV, CMD exec form — config and a run', () => {
  const dir = context({
    Dockerfile: '# base image\nFROM busybox\n# work dir\nWORKDIR /app\n\nADD . /app\n\nRUN cat requirements.txt > installed.txt\nEXPOSE 80\n\nENV NAME World\nCMD ["sh", "app.sh"]\n',
    'requirements.txt': 'Flask\nRedis\n',
    'app.sh': 'echo "Hello $NAME from $(pwd)"; cat installed.txt\n',
  });
  const out = ok(d.berth(['build', '-t', 'helloworld', dir]));
  assert.equal(steps(out).length, 7);
  const img = inspect('helloworld');
  assert.equal(img.Config.WorkingDir, '/app');
  assert.deepEqual(img.Config.ExposedPorts, { '80/tcp': {} });
  assert.ok(img.Config.Env.includes('NAME=World'));
  assert.ok(img.Config.Env.some((e: string) => e.startsWith('PATH=')));
  assert.deepEqual(img.Config.Cmd, ['sh', 'app.sh']);
  assert.equal(ok(d.berth(['run', '--rm', 'helloworld'])), 'Hello World from /app\nFlask\nRedis\n');
  const h = history('helloworld');
  assert.match(h[0]!, /^\/bin\/sh -c #\(nop\) {2}CMD \["sh" "app.sh"\]\|0B$/);
  assert.match(h[1]!, /^\/bin\/sh -c #\(nop\) {2}ENV NAME=World\|0B$/);
  // As the real Docker's history has it (e2e/fixtures/multilayer.tar): the port as written.
  assert.match(h[2]!, /^\/bin\/sh -c #\(nop\) {2}EXPOSE 80\|0B$/);
  assert.match(h[3]!, /^\/bin\/sh -c cat requirements.txt > installed.txt\|\d/);
  assert.match(h[4]!, /^\/bin\/sh -c #\(nop\) ADD dir:[0-9a-f]{64} in \/app \|\d/);
  assert.match(h[5]!, /^\/bin\/sh -c #\(nop\) WORKDIR \/app\|\d/);
});

/** Seed 002's shape: a builder stage makes the "server", a small final stage copies it. */
const serverFiles = () => ({
  Dockerfile: '# 用于程序编译\nFROM busybox as builder\nWORKDIR /build\nCOPY . .\nRUN sh build.sh\n\n# 用于程序运行\nFROM busybox\nMAINTAINER VVFock3r\nWORKDIR /\nCOPY --from=builder /build/server .\nEXPOSE 80\nCMD ["./server"]\n',
  'build.sh': 'printf \'#!/bin/sh\\necho "Hello, world!"\\n\' > server && chmod 755 server\n',
  'server.go': 'package main\n',
});

test('seed 002: multi-stage build — 10 steps, COPY --from, the final image has no builder layers', () => {
  const dir = context(serverFiles());
  const out = ok(d.berth(['build', '-t', 'server:v3', dir]));
  assert.equal(steps(out).length, 10);
  assert.equal(steps(out)[0], 'Step 1/10 : FROM busybox as builder');
  assert.equal(steps(out)[4], 'Step 5/10 : FROM busybox');
  assert.equal(steps(out)[7], 'Step 8/10 : COPY --from=builder /build/server .');
  assert.equal(ok(d.berth(['run', '--rm', 'server:v3'])), 'Hello, world!\n');
  const img = inspect('server:v3');
  assert.equal(img.RootFS.Layers.length, inspect('busybox').RootFS.Layers.length + 1); // only COPY --from (WORKDIR / exists)
  assert.ok(!fs.existsSync(path.join(img.GraphDriver.Data.UpperDir, 'build')));
  assert.ok(!history('server:v3').some((l) => l.includes('build.sh')));
  // Again: every step but the FROMs from the cache, same image.
  const again = ok(d.berth(['build', '-t', 'server:v3b', dir]));
  assert.equal(cacheHits(again), 8);
  assert.equal(inspect('server:v3b').Id, img.Id);
});

test('COPY sums are Docker\'s: a context file\'s as in real Docker\'s history; a COPY --from never takes another file\'s cache', () => {
  // e2e/fixtures/multilayer.tar was built by the real Docker with `COPY hello.txt /data/hello.txt`.
  const dir = context({ Dockerfile: 'FROM busybox\nCOPY hello.txt /data/hello.txt\n', 'hello.txt': 'copied from build context\n' });
  ok(docker0(['build', '-t', 'sums:ctx', dir]));
  assert.equal(history('sums:ctx')[0], '/bin/sh -c #(nop) COPY file:d3873765b0aef6f81dbd4680c47a1aae0a79848c34a3d0ec9dde417cd87a8f28 in /data/hello.txt |26B');
  // The same bytes and mode, once from the context and once from a stage, to the same place:
  // two different steps (Docker's sum carries the file's path), so the second builds its own layer.
  const first = context({ Dockerfile: 'FROM busybox\nCOPY app.sh /\n', 'app.sh': 'echo app\n' });
  fs.chmodSync(path.join(first, 'app.sh'), 0o755);
  ok(docker0(['build', '-t', 'sums:first', first]));
  const second = context({ Dockerfile: 'FROM busybox AS b\nCOPY app.sh /build/app\nFROM busybox\nCOPY --from=b /build/app /\n', 'app.sh': 'echo app\n' });
  fs.chmodSync(path.join(second, 'app.sh'), 0o755);
  const out = ok(docker0(['build', '-t', 'sums:second', second]));
  assert.doesNotMatch(out, /Step 4\/4 : COPY --from=b \/build\/app \/\n ---> Using cache/);
  assert.equal(ok(d.berth(['run', '--rm', 'sums:second', 'sh', '-c', 'ls /app /app.sh 2>&1; true'])), 'ls: /app.sh: No such file or directory\n/app\n');
});

test('docker CLI (DOCKER_BUILDKIT=0) builds the seed Dockerfiles against berthd', () => {
  const dir = context(serverFiles());
  let r = docker0(['build', '--no-cache', '-t', 'server:docker', dir]);
  const out = ok(r);
  assert.match(out, /Sending build context to Docker daemon/);
  assert.match(out, /Step 10\/10 : CMD \["\.\/server"\]/);
  assert.match(out, /Successfully built [0-9a-f]{12}\nSuccessfully tagged server:docker\n/);
  assert.equal(ok(docker0(['run', '--rm', 'server:docker'])), 'Hello, world!\n');
  const seed000 = context({ Dockerfile: '# This is a comment\nFROM busybox\nMAINTAINER user info\nRUN mkdir abc\n' });
  r = docker0(['build', '-t=ouruser/ubuntu:docker', seed000]);
  assert.match(ok(r), /Step 3\/3 : RUN mkdir abc\n/);
  assert.equal(ok(d.docker(['history', '--format', '{{.CreatedBy}}', 'ouruser/ubuntu:docker'])).split('\n')[0], '/bin/sh -c mkdir abc');
  // -q prints the ID only; --iidfile writes it.
  const iid = path.join(d.dir, 'docker.iid');
  const q = ok(docker0(['build', '-q', '--iidfile', iid, seed000])).trim();
  assert.match(q, /^sha256:[0-9a-f]{64}$/);
  assert.equal(fs.readFileSync(iid, 'utf8').trim(), q); // with -q the CLI writes the stream's text, newline included
});

test('cache: identical rebuild hits every step; an edited file misses from its COPY on; a changed instruction misses from there; --no-cache misses all', () => {
  const dir = context({
    Dockerfile: 'FROM busybox\nENV A=1\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD ["cat", "/copy"]\n',
    'data.txt': 'v1\n',
  });
  const first = ok(d.berth(['build', '-t', 'cache:a', dir]));
  assert.equal(cacheHits(first), 0);
  const second = ok(d.berth(['build', '-t', 'cache:b', dir]));
  assert.equal(cacheHits(second), 5);
  assert.doesNotMatch(second, /Running in/);
  assert.equal(inspect('cache:a').Id, inspect('cache:b').Id);
  // mtime only: still a hit.
  fs.utimesSync(path.join(dir, 'data.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(cacheHits(ok(d.berth(['build', dir]))), 5);
  // Content changed: ENV and the first RUN hit, COPY and everything after miss.
  fs.writeFileSync(path.join(dir, 'data.txt'), 'v2\n');
  const edited = ok(d.berth(['build', '-t', 'cache:c', dir]));
  assert.equal(cacheHits(edited), 2);
  assert.match(edited, /Step 4\/6 : COPY data.txt \/data.txt\n ---> [0-9a-f]{12}\n/);
  assert.equal(ok(d.berth(['run', '--rm', 'cache:c'])), 'v2\n');
  // Mode changed: a miss too.
  fs.chmodSync(path.join(dir, 'data.txt'), 0o600);
  assert.equal(cacheHits(ok(d.berth(['build', dir]))), 2);
  fs.chmodSync(path.join(dir, 'data.txt'), 0o644);
  assert.equal(cacheHits(ok(d.berth(['build', dir]))), 5);
  // An instruction changed: the steps before hit, it and the rest miss.
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nENV A=1\nRUN echo two > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD ["cat", "/copy"]\n');
  const changed = ok(d.berth(['build', dir]));
  assert.equal(cacheHits(changed), 1);
  assert.equal(cacheHits(ok(d.berth(['build', '--no-cache', dir]))), 0);
});

test('bad Dockerfiles: Docker\'s messages with the line, exit 1, nothing built', () => {
  const cases: [string, string][] = [
    ['FROM busybox\nRUN true\nFOO bar\n', 'dockerfile parse error on line 3: unknown instruction: FOO'],
    ['# c\nRUN true\n', 'dockerfile parse error on line 2: no build stage in current context'],
    ['FROM busybox\nENV\n', 'dockerfile parse error on line 2: ENV requires at least one argument'],
    ['FROM busybox\nENV A\n', 'dockerfile parse error on line 2: ENV must have two arguments'],
    ['FROM busybox\nCOPY onlyone\n', 'dockerfile parse error on line 2: COPY requires at least two arguments'],
    ['FROM busybox\nCOPY --bogus=1 a b\n', 'dockerfile parse error on line 2: unknown flag: bogus'],
    ['FROM busybox \\\n  AS\n', 'dockerfile parse error on line 1: FROM requires either one or three arguments'],
  ];
  for (const [text, msg] of cases) {
    const dir = context({ Dockerfile: text });
    const r = d.berth(['build', dir]);
    assert.equal(r.code, 1, text);
    assert.equal(r.stderr, `Error response from daemon: ${msg}\n`);
    const rd = docker0(['build', dir]);
    assert.equal(rd.code, 1);
    assert.match(rd.stderr, new RegExp(`Error response from daemon: ${msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
  const empty = context({ Dockerfile: '\n' });
  assert.equal(d.berth(['build', empty]).stderr, 'Error response from daemon: the Dockerfile (Dockerfile) cannot be empty\n');
  const missing = context({ 'x.txt': '' });
  assert.equal(d.berth(['build', '-f', path.join(missing, 'x.txt'), missing]).code, 1);
});

test('a failing RUN stops the build with its exit code and leaves no container', () => {
  const dir = context({ Dockerfile: 'FROM busybox\nRUN echo before\nRUN echo out; echo err >&2; exit 3\nRUN echo never\n' });
  const r = d.berth(['build', '-t', 'fails', dir]);
  assert.equal(r.code, 3);
  // stderr marked red in the stream, as Docker's classic builder does, and printed as the docker CLI prints it
  assert.match(r.stdout, /Step 3\/4 : RUN echo out; echo err >&2; exit 3\n ---> Running in [0-9a-f]{12}\nout\n\u001b\[91merr\n\u001b\[0m/);
  assert.doesNotMatch(r.stdout, /Step 4\/4/);
  assert.equal(r.stderr, 'The command \'/bin/sh -c echo out; echo err >&2; exit 3\' returned a non-zero code: 3\n');
  assert.equal(ok(d.berth(['ps', '-aq'])).trim(), '');
  assert.equal(d.berth(['image', 'inspect', 'fails']).code, 1);
  const rd = docker0(['build', dir]);
  assert.equal(rd.code, 3);
  assert.match(rd.stderr, /The command '\/bin\/sh -c echo out; echo err >&2; exit 3' returned a non-zero code: 3/);
  assert.equal(ok(d.berth(['ps', '-aq'])).trim(), '');
});

test('.dockerignore: ignored files are not in the image, ! exceptions are', () => {
  const dir = context({
    Dockerfile: 'FROM busybox\nCOPY . /ctx\n',
    '.dockerignore': '# comment\nsecret.txt\nlogs\n!logs/keep.log\n**/*.tmp\n',
    'secret.txt': 's', 'app.txt': 'a', 'logs/a.log': 'x', 'logs/keep.log': 'k', 'deep/x/y.tmp': 't', 'deep/x/z.txt': 'z',
  });
  ok(d.berth(['build', '-t', 'ignored', dir]));
  const files = ok(d.berth(['run', '--rm', 'ignored', 'find', '/ctx', '-type', 'f'])).trim().split('\n').sort();
  // The Dockerfile and .dockerignore are sent (and kept) unless they are themselves ignored.
  assert.deepEqual(files, ['/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/app.txt', '/ctx/deep/x/z.txt', '/ctx/logs/keep.log']);
  ok(docker0(['build', '-t', 'ignored-docker', dir]));
  assert.deepEqual(ok(d.berth(['run', '--rm', 'ignored-docker', 'find', '/ctx', '-type', 'f'])).trim().split('\n').sort(), files);
});

test('ONBUILD triggers run in the child build', () => {
  const parent = context({ Dockerfile: 'FROM busybox\nONBUILD COPY hello.txt /from-child.txt\nONBUILD RUN echo triggered > /onbuild.txt\n' });
  ok(d.berth(['build', '-t', 'onbuild-parent', parent]));
  assert.deepEqual(inspect('onbuild-parent').Config.OnBuild, ['COPY hello.txt /from-child.txt', 'RUN echo triggered > /onbuild.txt']);
  const child = context({ Dockerfile: 'FROM onbuild-parent\nCMD ["cat", "/onbuild.txt", "/from-child.txt"]\n', 'hello.txt': 'hi\n' });
  const out = ok(d.berth(['build', '-t', 'onbuild-child', child]));
  assert.match(out, /# Executing 2 build triggers\n/);
  assert.equal(ok(d.berth(['run', '--rm', 'onbuild-child'])), 'triggered\nhi\n');
  assert.equal(inspect('onbuild-child').Config.OnBuild, null);
});

test('--target builds up to a stage; --iidfile writes the ID; --label adds labels', () => {
  const dir = context(serverFiles());
  const iid = path.join(d.dir, 'target.iid');
  const out = ok(d.berth(['build', '--target', 'builder', '--iidfile', iid, '-t', 'server:builder', dir]));
  assert.equal(steps(out).length, 4);
  assert.equal(fs.readFileSync(iid, 'utf8'), inspect('server:builder').Id);
  assert.equal(ok(d.berth(['run', '--rm', 'server:builder', 'cat', '/build/server.go'])), 'package main\n');
  const bad = d.berth(['build', '--target', 'nope', dir]);
  assert.equal(bad.stderr, 'Error response from daemon: failed to reach build target nope in Dockerfile\n');
  const lab = ok(d.berth(['build', '--label', 'team=build', '--label', 'x=1', '-t', 'labelled', dir]));
  assert.match(lab, /Step 11\/12 : LABEL team=build\n/);
  assert.deepEqual(inspect('labelled').Config.Labels, { team: 'build', x: '1' });
});

test('ADD auto-extracts a local tar.gz; ADD fetches a URL; COPY --chown/--chmod', async () => {
  const dir = context({ Dockerfile: 'FROM busybox\nADD files.tar.gz /opt/\nADD plain.txt /opt/plain/\nCOPY --chown=1000:1001 --chmod=0751 run.sh /usr/local/bin/\nADD http://127.0.0.1:18089/remote.txt /remote/\n', 'plain.txt': 'p', 'run.sh': 'echo run\n' });
  const src = path.join(dir, 'src');
  fs.mkdirSync(path.join(src, 'inner'), { recursive: true });
  fs.writeFileSync(path.join(src, 'inner', 'a.txt'), 'A');
  execFileSync('tar', ['-czf', path.join(dir, 'files.tar.gz'), '-C', src, 'inner']);
  fs.rmSync(src, { recursive: true });
  const { spawn } = await import('node:child_process');
  const server = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '--', process.execPath, '-e',
    'require("http").createServer((q,s)=>{s.setHeader("Last-Modified","Wed, 21 Oct 2015 07:28:00 GMT");s.end("remote\\n")}).listen(18089,"127.0.0.1",()=>console.log("up"))'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((r) => server.stdout!.once('data', r));
    const out = ok(d.berth(['build', '-t', 'adds', dir]));
    assert.equal(steps(out).length, 5);
    const sum = `sha256:${crypto.createHash('sha256').update('remote\n').digest('hex')}`;
    ok(d.berth(['build', context({ Dockerfile: `FROM busybox\nADD --checksum=${sum} http://127.0.0.1:18089/r.txt /r.txt\n` })]));
    const bad = d.berth(['build', context({ Dockerfile: `FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} http://127.0.0.1:18089/r.txt /r.txt\n` })]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /digest mismatch sha256:[0-9a-f]{64}: sha256:0{64}/);
  } finally { server.kill(); }
  const sh = (c: string) => ok(d.berth(['run', '--rm', 'adds', 'sh', '-c', c]));
  assert.equal(sh('cat /opt/inner/a.txt'), 'A');
  assert.equal(sh('ls /opt/plain/'), 'plain.txt\n');
  assert.equal(sh('stat -c "%u:%g %a" /usr/local/bin/run.sh'), '1000:1001 751\n');
  // Names come from the image's /etc/passwd and /etc/group; a user alone gives its UID as GID.
  const names = context({ Dockerfile: 'FROM busybox\nCOPY --chown=www:nogroup a /a\nCOPY --chown=www a /b\n', a: 'a' });
  ok(d.berth(['build', '-t', 'chown-names', names]));
  const www = ok(d.berth(['run', '--rm', 'chown-names', 'sh', '-c', 'id -u www'])).trim();
  assert.equal(ok(d.berth(['run', '--rm', 'chown-names', 'stat', '-c', '%u:%g', '/a', '/b'])), `${www}:65533\n${www}:${www}\n`);
  const unknown = d.berth(['build', context({ Dockerfile: 'FROM busybox\nCOPY --chown=nosuch a /a\n', a: 'a' })]);
  assert.equal(unknown.stderr, 'unable to convert uid/gid chown string to host mapping: can\'t find uid for user nosuch: no such user: nosuch\n');
  assert.equal(sh('cat /remote/remote.txt; stat -c "%a" /remote/remote.txt'), 'remote\n600\n');
});

test('ARG/ENV substitution, --build-arg, heredocs, SHELL, ENTRYPOINT/CMD, USER, VOLUME, HEALTHCHECK, STOPSIGNAL', () => {
  const dir = context({ Dockerfile: [
    'ARG BASE=busybox',
    'FROM ${BASE}',
    'ARG V=1',
    'ENV X=${V}-x Y="a b" Z=${UNSET:-dflt}',
    'RUN echo "$X $Y $Z" > /out',
    'RUN <<EOF',
    'echo one > /here',
    'echo two >> /here',
    'EOF',
    'COPY <<EOT /doc.txt',
    'doc $X',
    'EOT',
    'SHELL ["/bin/sh", "-ec"]',
    'RUN echo shell > /shell',
    'RUN ["/bin/sh", "-c", "echo exec > /exec"]',
    'WORKDIR rel',
    'WORKDIR sub',
    'USER 1000',
    'VOLUME /data',
    'HEALTHCHECK --interval=5s --retries=2 CMD true',
    'STOPSIGNAL SIGINT',
    'ENTRYPOINT ["echo", "ep"]',
    'CMD ["c1"]',
  ].join('\n') + '\n' });
  const out = ok(d.berth(['build', '--build-arg', 'V=2', '--build-arg', 'UNUSED=1', '-t', 'vars', dir]));
  assert.match(out, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\n/);
  const img = inspect('vars');
  assert.equal(img.Config.WorkingDir, '/rel/sub');
  assert.equal(img.Config.User, '1000');
  assert.deepEqual(img.Config.Volumes, { '/data': {} });
  assert.deepEqual(img.Config.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 2 });
  assert.equal(img.Config.StopSignal, 'SIGINT');
  assert.deepEqual(img.Config.Shell, ['/bin/sh', '-ec']);
  assert.deepEqual(img.Config.Entrypoint, ['echo', 'ep']);
  assert.deepEqual(img.Config.Cmd, ['c1']);
  assert.ok(img.Config.Env.includes('X=2-x') && img.Config.Env.includes('Y=a b') && img.Config.Env.includes('Z=dflt'));
  assert.equal(ok(d.berth(['run', '--rm', 'vars'])), 'ep c1\n');
  const cat = (f: string) => ok(d.berth(['run', '--rm', '--entrypoint', 'cat', '-u', '0', 'vars', f]));
  assert.equal(cat('/out'), '2-x a b dflt\n');
  assert.equal(cat('/here'), 'one\ntwo\n');
  assert.equal(cat('/doc.txt'), 'doc 2-x\n');
  assert.equal(cat('/shell'), 'shell\n');
  assert.equal(cat('/exec'), 'exec\n');
  assert.ok(history('vars').some((l) => l.startsWith('|1 V=2 /bin/sh -c echo "$X $Y $Z" > /out|')));
});

test('FROM scratch, COPY --from by stage index and by image, several FROMs', () => {
  const dir = context({ Dockerfile: 'FROM busybox\nRUN echo zero > /z\n\nFROM scratch\nENV A=1\nCOPY --from=0 /z /z\nCOPY --from=busybox /bin/busybox /bin/busybox\nCOPY hello.txt /\nCMD ["/bin/busybox", "cat", "/z", "/hello.txt"]\n', 'hello.txt': 'hello\n' });
  const out = ok(d.berth(['build', '-t', 'scratchy', dir]));
  assert.match(out, /Step 3\/8 : FROM scratch\n ---> \n/);
  const img = inspect('scratchy');
  assert.equal(img.RootFS.Layers.length, 3);
  assert.ok(img.Config.Env.includes('A=1') && img.Config.Env.some((e: string) => e.startsWith('PATH=')));
  assert.equal(ok(d.berth(['run', '--rm', 'scratchy'])), 'zero\nhello\n');
  assert.equal(cacheHits(ok(d.berth(['build', dir]))), 6);
});

test('symlinks resolve inside the image and the context, never on the host', () => {
  const hostProbe = `/etc/berth-scope-${process.pid}`;
  const dir = context({
    Dockerfile: `FROM busybox\nRUN ln -s /etc /app && mkdir -p /data && ln -s /data /etc/datalink\nCOPY f.txt /app/berth-scope-${process.pid}\nCOPY f.txt /etc/datalink/\nCOPY --from=busybox /bin/sh /sh-copy\nWORKDIR /app/wd\n`,
    'f.txt': 'scoped\n',
  });
  ok(d.berth(['build', '-t', 'scoped', dir]));
  assert.ok(!fs.existsSync(hostProbe), 'wrote to the host');
  assert.equal(ok(d.berth(['run', '--rm', 'scoped', 'cat', hostProbe, '/data/f.txt'])), 'scoped\nscoped\n');
  assert.equal(ok(d.berth(['run', '--rm', 'scoped', 'sh', '-c', 'test -f /sh-copy && test ! -L /sh-copy && pwd && test -d /etc/wd && echo ok'])), '/etc/wd\nok\n');
  // A context symlink pointing outside the context is resolved inside it: not found.
  const leak = context({ Dockerfile: 'FROM busybox\nCOPY leak /leak\n' });
  fs.symlinkSync('/etc/hostname', path.join(leak, 'leak'));
  const r = d.berth(['build', leak]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat leak: file does not exist/);
});
