import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandArgs, UsageError } from './args.js';

const run = (...args: string[]) => parseCommandArgs('container run', args);

test('run: the first positional ends berth\'s flags; the rest is the container\'s command line', () => {
  const a = run('--rm', 'busybox', 'myapp', '--stop-timeout', '--pids-limit', '-it', '--', 'x');
  assert.deepEqual(a._, ['busybox', 'myapp', '--stop-timeout', '--pids-limit', '-it', '--', 'x']);
  assert.equal(a.given.has('stop-timeout'), false);
  assert.equal(a.given.has('pids-limit'), false);
  assert.equal(a.given.has('interactive'), false);
  assert.equal(a.interactive, false);
  assert.equal(a['stop-timeout'], 0);
  assert.equal(a.given.has('rm'), true);
  // `--` before the image ends the flags too, and is not part of the command.
  assert.deepEqual(run('-d', '--', 'busybox', '-x')._, ['busybox', '-x']);
});

test('given: flags on the command line, in any spelling, and only those', () => {
  const a = run('--stop-timeout=0', '-m512m', '--pids-limit', '0', '-e', 'A=1', '--env=B=2', 'busybox');
  assert.equal(a.given.has('stop-timeout'), true);
  assert.equal(a['stop-timeout'], 0);
  assert.equal(a.given.has('pids-limit'), true);
  assert.equal(a['pids-limit'], 0);
  assert.equal(a.given.has('memory'), true);
  assert.equal(a.memory, '512m');
  assert.deepEqual(a.env, ['A=1', 'B=2']);
  assert.equal(a.given.has('entrypoint'), false);
  assert.equal(a.given.has('detach'), false);
  assert.equal(run('--entrypoint=', 'busybox').given.has('entrypoint'), true);
  assert.equal(run('--entrypoint=', 'busybox').entrypoint, '');
});

test('types: bools, numbers, lists and defaults as Docker\'s table says', () => {
  const a = run('-dit', '--rm=false', '--cpus', '1.5', '--stop-timeout', '7', '-p', '80', '-p', '81', '--name', 'a', '--name', 'b', 'busybox');
  assert.equal(a.detach, true);
  assert.equal(a.interactive, true);
  assert.equal(a.tty, true);
  assert.equal(a.rm, false);
  assert.equal(a.given.has('rm'), true);
  assert.equal(a.cpus, 1.5);
  assert.equal(a['stop-timeout'], 7);
  assert.deepEqual(a.publish, ['80', '81']);
  assert.equal(a.name, 'b'); // a repeated scalar: the last wins
  const d = run('busybox');
  assert.equal(d['sig-proxy'], true); // default "true"
  assert.equal(d.pull, 'missing');
  assert.equal(d.restart, 'no');
  assert.deepEqual(d.volume, []);
  assert.equal(d.memory, undefined); // a size of 0 is not sent
  assert.equal(d.cpus, undefined);
  assert.equal(d['memory-swappiness'], -1);
});

test('a flag that takes a value takes the next token, whatever it looks like (pflag)', () => {
  assert.equal(run('--name', '-x', 'busybox').name, '-x');
  assert.deepEqual(run('-e', '--rm', 'busybox').env, ['--rm']);
  assert.equal(run('-e', '--rm', 'busybox').rm, false);
  assert.equal(run('-h', 'host', 'busybox').hostname, 'host'); // run's -h is --hostname, not help
  assert.equal(parseCommandArgs('container ls', ['-h']).help, true);
});

test('commands that take flags between positionals (rm a -f b)', () => {
  const a = parseCommandArgs('container rm', ['a', '-f', 'b']);
  assert.deepEqual(a._, ['a', 'b']);
  assert.equal(a.force, true);
  assert.equal(a.given.has('force'), true);
  assert.equal(a.given.has('volumes'), false);
});

const rejects = (args: string[], message: string, path: Parameters<typeof parseCommandArgs>[0] = 'container run') =>
  assert.throws(() => parseCommandArgs(path, args), (e: unknown) => e instanceof UsageError && e.message === message && e.exitCode === 125, message);

test('Docker\'s words for bad flags', () => {
  rejects(['--stop-timeout'], 'flag needs an argument: --stop-timeout');
  rejects(['-m'], "flag needs an argument: 'm' in -m");
  rejects(['--bogus', 'busybox'], 'unknown flag: --bogus');
  rejects(['-e', 'A', '--bogus', 'busybox'], 'unknown flag: --bogus'); // a flag's value does not end the flags
  rejects(['-dx', 'busybox'], "unknown shorthand flag: 'x' in -x");
  rejects(['--rm=maybe', 'busybox'], 'invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  rejects(['--stop-timeout', 'x', 'busybox'], 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax');
  rejects(['--stop-timeout=', 'busybox'], 'invalid argument "" for "--stop-timeout" flag: strconv.ParseInt: parsing "": invalid syntax');
  rejects(['--cpus', 'abc', 'busybox'], 'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number');
  rejects(['--last', 'x'], 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax', 'container ls');
  rejects(['-f=maybe', 'x'], 'invalid argument "maybe" for "-f, --force" flag: strconv.ParseBool: parsing "maybe": invalid syntax', 'container rm');
});

test('the argument types come from the table (checked by tsc: each @ts-expect-error must be an error)', () => {
  const a = run('busybox');
  const timeout: number = a['stop-timeout'];
  const env: string[] = a.env;
  const rm: boolean = a.rm;
  const name: string | undefined = a.name;
  const pull: string = a.pull; // default "missing": never undefined
  // @ts-expect-error: run has no --all flag
  void a.all;
  // @ts-expect-error: --stop-timeout is a number
  const wrong: string = a['stop-timeout'];
  // @ts-expect-error: --name may be absent
  const absent: string = a.name;
  // @ts-expect-error: `given` knows run's flag names only
  void a.given.has('no-such-flag');
  void [timeout, env, rm, name, pull, wrong, absent];
});
