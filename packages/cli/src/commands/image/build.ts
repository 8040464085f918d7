/**
 * berth build [OPTIONS] PATH | -: sends the context (honouring .dockerignore) to POST /build
 * and shows the classic builder's steps — plain lines when stdout is not a terminal (or with
 * --progress=plain), a live Ink view on a terminal (ui/build-view.tsx, loaded only then).
 * A failing step exits with its code, as `docker build` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { humanSize, ramInBytes } from '@berth/shared';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { usageLine } from '../../cli/spec.js';
import { parseNormalizedNamed } from '@berth/shared/reference';
import { buildEvents, renderBuildEvent, type BuildOutcome } from '../../render/build.js';
import { packContext } from './build-context.js';
import { loadView } from '../../ui/load.js';
import type { QueryValue } from '../../client/index.js';


/** `--build-arg K=V` / `--build-arg K` (value from the environment, else declared without one). */
export function buildArgsOf(values: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq >= 0) out[v.slice(0, eq)] = v.slice(eq + 1);
    else out[v] = env[v] ?? null;
  }
  return out;
}

function readStdin(stdin: NodeJS.ReadStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stdin.on('data', (c: Buffer) => chunks.push(c));
    stdin.on('end', () => resolve(Buffer.concat(chunks)));
    stdin.on('error', reject);
  });
}

const isTar = (b: Buffer) => (b[0] === 0x1f && b[1] === 0x8b) || (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar')
  || b.subarray(0, 3).toString('latin1') === 'BZh' || (b[0] === 0xfd && b.subarray(1, 6).toString('latin1') === '7zXZ\0');

/** The request body and the Dockerfile name the daemon should read. */
async function contextOf(argv: Args<'image build'>, ctx: CommandContext): Promise<{ body: Readable; dockerfile: string }> {
  const target = argv._[0]!;
  const file = argv.file ?? '';
  if (target === '-') {
    if (file === '-') throw new StatusError(1, 'invalid argument: can\'t use stdin for both build context and dockerfile');
    const data = await readStdin(ctx.stdin);
    if (isTar(data)) return { body: Readable.from([data]), dockerfile: file };
    // A Dockerfile on stdin, no context.
    const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'berth-build-'));
    try {
      const packed = packContext({ dir, dockerfile: { text: data.toString('utf8') } });
      return { body: packed.stream, dockerfile: packed.dockerfileName };
    } finally { setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 0); }
  }
  if (/^(https?|git):\/\//.test(target) || target.startsWith('git@')) throw new StatusError(1, 'berth build does not fetch remote contexts yet; clone or download the context first');
  const dir = path.resolve(target);
  let st: fs.Stats;
  try { st = fs.statSync(dir); } catch { throw new StatusError(1, `unable to prepare context: path "${target}" not found`); }
  if (!st.isDirectory()) throw new StatusError(1, `unable to prepare context: context must be a directory: ${dir}`);
  if (file === '-') {
    const text = (await readStdin(ctx.stdin)).toString('utf8');
    const packed = packContext({ dir, dockerfile: { text } });
    return { body: packed.stream, dockerfile: packed.dockerfileName };
  }
  const dfAbs = file ? path.resolve(file) : path.join(dir, 'Dockerfile');
  if (!file && !fs.existsSync(dfAbs) && fs.existsSync(path.join(dir, 'dockerfile'))) {
    const packed = packContext({ dir, dockerfile: { rel: 'dockerfile' } });
    return { body: packed.stream, dockerfile: 'dockerfile' };
  }
  if (!fs.existsSync(dfAbs)) throw new StatusError(1, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfAbs}: no such file or directory`);
  const rel = path.relative(dir, dfAbs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    const packed = packContext({ dir, dockerfile: { text: fs.readFileSync(dfAbs, 'utf8') } });
    return { body: packed.stream, dockerfile: packed.dockerfileName };
  }
  const relPosix = rel.split(path.sep).join('/');
  return { body: packContext({ dir, dockerfile: { rel: relPosix } }).stream, dockerfile: relPosix };
}

const GO_BOOL: Record<string, boolean> = { 1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false, FALSE: false, false: false, False: false };

/**
 * DOCKER_BUILDKIT, read as the docker CLI does (processBuilder): not a Go boolean is an error; `0`
 * picks the legacy builder with docker's deprecation notice. Berth's builder is that classic one
 * whatever the variable says: unset or `1` build the same, without docker's buildx advice, since
 * there is no buildx to install for Berth.
 */
function checkBuildkitEnv(ctx: CommandContext): void {
  const v = process.env.DOCKER_BUILDKIT;
  if (!v) return;
  if (!(v in GO_BOOL)) throw new StatusError(1, `DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  if (!GO_BOOL[v]) {
    ctx.stderr.write('DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n'
      + '            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n'
      + '            environment-variable.\n\n');
  }
}

export default async function (argv: Args<'image build'>, ctx: CommandContext): Promise<number> {
  checkBuildkitEnv(ctx);
  const quiet = argv.quiet;
  const progress = argv.progress;
  if (!['auto', 'plain', 'tty'].includes(progress)) throw new StatusError(1, `invalid argument "${progress}" for "--progress" flag: must be one of auto, plain, tty`);
  for (const t of argv.tag) {
    try { parseNormalizedNamed(t); } catch (e) {
      throw new StatusError(125, `invalid argument "${t}" for "-t, --tag" flag: ${(e as Error).message}\n\nUsage:  ${usageLine(ctx.path)}\n\nRun 'berth ${ctx.path} --help' for more information`);
    }
  }
  const { body, dockerfile } = await contextOf(argv, ctx);
  let sent = 0;
  const meter = new Transform({ transform(c: Buffer, _e, cb) { sent += c.length; cb(null, c); } });
  const counted = body.pipe(meter).pipe(new PassThrough());
  body.on('error', (e) => counted.destroy(e));
  const bytes = (v: string | undefined) => (v ? ramInBytes(v) : undefined);
  const labels: Record<string, string> = {};
  for (const l of argv.label) { const eq = l.indexOf('='); labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1); }
  const cacheFrom = argv['cache-from'].flatMap((v) => v.split(',')).filter(Boolean); // a stringSlice
  const query: Record<string, QueryValue> = {
    t: argv.tag, dockerfile, q: quiet ? 1 : undefined, nocache: argv['no-cache'] ? 1 : undefined, pull: argv.pull ? 1 : undefined,
    rm: argv.rm ? 1 : 0, forcerm: argv['force-rm'] ? 1 : undefined, target: argv.target || undefined,
    buildargs: JSON.stringify(buildArgsOf(argv['build-arg'])), labels: JSON.stringify(labels),
    networkmode: argv.network && argv.network !== 'default' ? argv.network : undefined,
    extrahosts: argv['add-host'].length ? argv['add-host'] : undefined,
    cachefrom: cacheFrom.length ? JSON.stringify(cacheFrom) : undefined,
    memory: bytes(argv.memory), memswap: bytes(argv['memory-swap']), shmsize: bytes(argv['shm-size']),
    cpusetcpus: argv['cpuset-cpus'] || undefined, cpushares: argv['cpu-shares'] || undefined,
    cpuperiod: argv['cpu-period'] || undefined, cpuquota: argv['cpu-quota'] || undefined,
    cgroupparent: argv['cgroup-parent'] || undefined, platform: argv.platform || undefined, version: '1',
  };
  for (const k of Object.keys(query)) if (query[k] === undefined) delete query[k];
  let announced = false;
  const announce = () => {
    if (announced || quiet) return;
    announced = true;
    // docker's raw progress line, last update only: action, size right-aligned in 8, "\r", then "\r\n".
    ctx.stdout.write(`Sending build context to Docker daemon ${humanSize(sent).padStart(8)}\r\r\n`);
  };
  meter.on('end', announce);
  const stream = await ctx.docker().buildImage(counted, query as never);
  announce();
  const outcome: BuildOutcome = {};
  const live = !quiet && (progress === 'tty' || (progress === 'auto' && !!ctx.stdout.isTTY && process.env.TERM !== 'dumb'));
  if (live) {
    await (await loadView('build-view')).runBuildView(buildEvents(stream), ctx.stdout, outcome);
  } else {
    for await (const ev of buildEvents(stream)) {
      const text = renderBuildEvent(ev, outcome);
      if (text) ctx.stdout.write(text);
    }
  }
  if (outcome.error) throw new StatusError(outcome.error.code, outcome.error.message);
  if (argv.iidfile && outcome.imageId) fs.writeFileSync(argv.iidfile, outcome.imageId);
  return 0;
}
