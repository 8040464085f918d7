/**
 * The CLI experience: help in Docker's layout (wrapped options, aliases, examples), "Did you
 * mean this?" for mistyped commands, bash completion driven through `berth __complete` with
 * names from the daemon, and the pull/load progress rendered by Ink under a pty vs plain lines
 * when piped.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { berthBin, dockerBin, runSync, useDaemon, type TestDaemon } from './harness.js';
import { ensureBusybox } from './images.js';
import { registryPool, type TestRegistry } from './registry.js';

const registries = registryPool();
let d: TestDaemon;
let reg: TestRegistry;

before(async () => {
  d = await useDaemon();
  ensureBusybox(d);
  reg = await registries.start(d);
});

/** `docker X --help` as berth would word it. */
function dockerHelp(args: string[]): string {
  const r = runSync(dockerBin, [...args, '--help'], { env: { DOCKER_CONFIG: path.join(d.dir, 'docker-config') } });
  return r.stdout.replace(/\bDocker(?!file|\s+Hub)\b/g, 'Berth').replace(/(^|[\s"'(])docker(?= [a-z])/g, '$1berth')
    .replace(/^Usage:  docker/m, 'Usage:  berth').replace(/Run 'docker/g, "Run 'berth");
}

const section = (text: string, title: string) => {
  const i = text.indexOf(`\n${title}:\n`);
  if (i < 0) return undefined;
  const rest = text.slice(i + title.length + 3);
  const end = rest.search(/\n\n|$/);
  return rest.slice(0, end);
};

describe('help', () => {
  it('wraps options exactly as the docker CLI does at 80 columns', () => {
    for (const cmd of [['ps'], ['images'], ['network', 'ls'], ['context', 'ls'], ['volume', 'ls'], ['image', 'ls']]) {
      const ours = d.berth([...cmd, '--help']).stdout;
      const theirs = dockerHelp(cmd);
      const opts = section(theirs, 'Options');
      assert.ok(opts, `docker ${cmd.join(' ')} has options`);
      // The flag descriptions themselves come from Docker's reference; compare the layout.
      const names = (s: string) => s.split('\n').map((l) => l.replace(/^(\s+(?:-\w, )?--[\w-]+(?: \w+)?\s+).*$/, '$1'));
      assert.deepEqual(names(section(ours, 'Options')!), names(opts), `options of ${cmd.join(' ')}`);
    }
    assert.equal(section(d.berth(['ps', '--help']).stdout, 'Options'), section(dockerHelp(['ps']), 'Options'));
  });

  it('shows aliases and examples from the tutorials', () => {
    const out = d.berth(['ps', '--help']).stdout;
    assert.match(out, /\nAliases:\n {2}berth container ls, berth container list, berth container ps, berth ps\n/);
    assert.match(out, /\nExamples:\n {2}# List running containers\n {2}\$ berth ps\n/);
    for (const cmd of [['run'], ['images'], ['build'], ['exec'], ['logs'], ['network', 'create'], ['volume', 'create'], ['commit'], ['save'], ['load']]) {
      assert.match(d.berth([...cmd, '--help']).stdout, /\nExamples:\n {2}# .+\n {2}\$ berth /, cmd.join(' '));
    }
  });

  it('groups the root help as Docker does', () => {
    const ours = d.berth(['--help']).stdout;
    const theirs = dockerHelp([]);
    assert.equal(section(ours, 'Common Commands'), section(theirs, 'Common Commands'));
    assert.match(ours, /\nGlobal Options:\n {6}--config string {6}Location of client config files \(default\n/);
  });

  it('suggests the nearest command', () => {
    let r = d.berth(['imgaes']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "berth: unknown command: berth imgaes\n\nDid you mean this?\n\timages\n\nRun 'berth --help' for more information\n");
    r = d.berth(['zzzzzz']);
    assert.equal(r.stderr, "berth: unknown command: berth zzzzzz\n\nRun 'berth --help' for more information\n");
    r = d.berth(['network', 'lss']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "berth: unknown command: berth network lss\n\nDid you mean this?\n\tls\n\nUsage:  berth network COMMAND\n\nRun 'berth network --help' for more information\n");
  });
});

describe('bash completion', () => {
  let driver: string;
  before(() => {
    const bin = path.join(d.dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'berth'), `#!/bin/sh\nexec ${process.execPath} ${berthBin} "$@"\n`, { mode: 0o755 });
    const script = d.berth(['completion', 'bash']).stdout;
    fs.writeFileSync(path.join(d.dir, 'berth.bash'), script);
    // Sets COMP_LINE/COMP_POINT as readline would and prints COMPREPLY, one per line.
    driver = path.join(d.dir, 'complete-driver.sh');
    fs.writeFileSync(driver, `#!/bin/bash
export PATH=${bin}:$PATH
source ${path.join(d.dir, 'berth.bash')}
COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}
_berth_complete
printf '%s\\n' "\${COMPREPLY[@]}"
`, { mode: 0o755 });
    assert.equal(d.berth(['run', '-d', '--name', 'web1', 'busybox', 'sleep', '300']).code, 0);
    assert.equal(d.berth(['network', 'create', 'compnet']).code, 0);
    assert.equal(d.berth(['volume', 'create', 'compvol']).code, 0);
  });

  const complete = (line: string) => {
    const r = runSync('bash', [driver, line], { env: { BERTH_HOST: d.host, BERTH_CONFIG: path.join(d.dir, 'berth-config') } });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('completes commands, subcommands and flags', () => {
    assert.deepEqual(complete('berth ima'), ['image', 'images']);
    assert.deepEqual(complete('berth network c'), ['connect', 'create']);
    assert.deepEqual(complete('berth ps --no'), ['--no-trunc']);
    assert.ok(complete('berth run --'). includes('--network'));
    assert.deepEqual(complete('berth completion '), ['bash', 'zsh']);
  });

  it('completes container, image, network and volume names from the daemon', () => {
    assert.deepEqual(complete('berth stop we'), ['web1']);
    assert.deepEqual(complete('berth exec -it we'), ['web1']);
    assert.deepEqual(complete('berth run --rm busy'), ['busybox:latest']);
    // bash breaks words at ':' — only the part after it is offered.
    assert.deepEqual(complete('berth rmi busybox:la'), ['latest']);
    assert.deepEqual(complete('berth network rm comp'), ['compnet']);
    assert.deepEqual(complete('berth run --network comp'), ['compnet']);
    assert.deepEqual(complete('berth volume inspect comp'), ['compvol']);
    assert.deepEqual(complete('berth network connect compnet we'), ['web1']);
  });

  it('prints a zsh script too', () => {
    const r = d.berth(['completion', 'zsh']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^#compdef berth\n/);
    assert.match(r.stdout, /__complete/);
  });
});

/** Run berth in a pty (script(1)) of a fixed size inside the daemon's netns. */
function inPty(args: string[], env: Record<string, string> = {}) {
  const cmd = [process.execPath, berthBin, '-H', d.host, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const argv = d.nsArgv(['script', '-qfec', `stty cols 120 rows 40; ${cmd}`, '/dev/null']);
  return runSync(argv[0]!, argv.slice(1), { env: { BERTH_CONFIG: path.join(d.dir, 'berth-config'), ...env }, timeout: 120000 });
}
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

describe('progress views', () => {
  let ref: string;
  before(() => {
    ref = `${reg.host}/cli/busybox:latest`;
    assert.equal(d.berth(['tag', 'busybox:latest', ref]).code, 0);
    const r = d.berth(['push', ref]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('pull draws with Ink on a terminal', () => {
    assert.equal(d.berth(['rmi', ref]).code, 0);
    const r = inPty(['pull', ref]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\x1b\[\?25l/, 'Ink hides the cursor while drawing');
    const text = plain(r.stdout);
    assert.match(text, /Using default tag|latest: Pulling from cli\/busybox/);
    assert.match(text, /: (Pull complete|Already exists)\n/);
    assert.match(text, /Digest: sha256:[0-9a-f]{64}\n/);
    assert.match(text, new RegExp(`Status: Downloaded newer image for ${ref.replace(/[.]/g, '\\.')}\n`));
    assert.match(text, new RegExp(`\n${ref.replace(/[.]/g, '\\.')}\n`));
  });

  it('pull prints plain append-only lines when piped, with NO_COLOR no colors on a tty', () => {
    assert.equal(d.berth(['rmi', ref]).code, 0);
    const r = d.berth(['pull', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b/);
    assert.match(r.stdout, /^latest: Pulling from cli\/busybox\n/);
    assert.match(r.stdout, /: (Pull complete|Already exists)\n/);
    assert.equal(d.berth(['rmi', ref]).code, 0);
    const t = inPty(['pull', ref], { NO_COLOR: '1' });
    assert.equal(t.code, 0, t.stdout);
    assert.doesNotMatch(t.stdout, /\x1b\[(3\d|2|1)m/);
  });

  it('BERTH_PROGRESS=plain keeps Docker\'s ANSI rendering off Ink', () => {
    const r = inPty(['pull', ref], { BERTH_PROGRESS: 'plain' });
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /\x1b\[\?25l/);
    assert.match(plain(r.stdout), /Status: Image is up to date for/);
  });

  it('load draws its lines through the Ink view on a terminal', () => {
    const tar = path.join(d.dir, 'bb.tar');
    assert.equal(d.berth(['save', '-o', tar, 'busybox:latest']).code, 0);
    const r = inPty(['load', '-i', tar]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(plain(r.stdout), /Loaded image: busybox:latest\n/);
  });
});
