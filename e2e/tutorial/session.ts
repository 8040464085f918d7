/**
 * The tutorial session (e2e/fixtures/tutorial/session.json): the seeds' command walkthroughs as
 * data, a runner that plays them with the docker CLI against one engine, and the normalizer that
 * turns what the CLI printed into a transcript two engines can be compared by. The recorder
 * (e2e/tools/record-tutorial.ts) plays it against a real dockerd; the test
 * (e2e/tutorial-transcript.test.ts) against berthd.
 *
 * Normalized, and nothing else: engine identity (per-step masks on `version`), sizes, ids and
 * digests (named by what they are: `<ctr:web1>`, `<image:busybox:latest>`, `<net:tut-net>`,
 * `<vol:vol-ctr:/data>`; ids the engine no longer lists are `<id>`), times and durations,
 * container names the engine generated, pids (per-step masks), and the scratch, fixture and
 * data-root paths.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { RunResult } from '../harness.js';

export interface Step {
  id: string;
  /** Where it comes from: seed file and section. */
  seed: string;
  /** docker CLI arguments (placeholders: {work} {tutorial} {fixtures} {mark:NAME} {capture:NAME}). */
  docker?: string[];
  /** A command on the engine's side of the network (curl to a published port, reading a bind-mounted file). */
  host?: string[];
  /** Record the current time (seconds.nanoseconds) for {mark:NAME}; runs nothing. */
  mark?: string;
  stdin?: string;
  /** Feed this file (placeholders allowed) to stdin. */
  stdinFile?: string;
  /** Retry the command (every 100 ms, up to `timeout` s) until its normalized stdout equals `stdout`. */
  until?: { stdout: string; timeout?: number };
  /** Save a regex's first group of the raw stdout as {capture:NAME}. */
  capture?: Record<string, string>;
  /** A `docker` table: runs of 2+ spaces become two (column widths follow normalized cells). */
  table?: boolean;
  /** Lines in an order the engine does not define (Go map order): compared sorted. */
  sort?: boolean;
  /** Extra [regex, replacement] pairs (flags gm) for this step's stdout and stderr. */
  mask?: [string, string][];
  /** Why a mask or option is there (documentation only). */
  note?: string;
}

export interface Session { steps: Step[] }

export interface Entry {
  id: string;
  command: string;
  exit: number;
  stdout: string[];
  stderr: string[];
}

/** One engine to play the session against. */
export interface Target {
  docker(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> }): RunResult;
  host(argv: string[]): RunResult;
  /** GET on the engine's API (for naming ids). */
  api(p: string): Promise<unknown>;
  /** Scratch dir for bind mounts, saved tars, copies. */
  work: string;
}

export const tutorialDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/tutorial');
export const fixturesDir = path.dirname(tutorialDir);
export const transcriptFile = path.join(tutorialDir, 'docker-transcript.json');

export function loadSession(): Session {
  return JSON.parse(fs.readFileSync(path.join(tutorialDir, 'session.json'), 'utf8')) as Session;
}

/**
 * Every docker call runs the classic builder (the CLI has no buildx here) and speaks API 1.41, the
 * reference dockerd's: what the CLI sends depends on the version it negotiates (engine identity).
 */
export const dockerEnv = { DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false', DOCKER_API_VERSION: '1.41' };

/** GET a path on a unix-socket engine (`unix:///…`), parsed as JSON. */
export function unixApi(host: string): (p: string) => Promise<unknown> {
  const socketPath = host.replace(/^unix:\/\//, '');
  return (p) => new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: p, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    });
    req.on('error', reject);
    req.end();
  });
}

interface ContainerSummary { Id: string; Names: string[]; Mounts?: { Name?: string; Destination: string }[] }
interface ImageSummary { Id: string; RepoTags: string[] | null }
interface NetworkSummary { Id: string; Name: string }

/** What ids mean, learnt from the engine after each step and never forgotten. */
class Names {
  readonly byId = new Map<string, string>();
  /** Names the session gives (--name, network create …): any other container name was generated. */
  constructor(private readonly given: Set<string>) {}

  async learn(api: Target['api']): Promise<void> {
    const containers = await api('/containers/json?all=1') as ContainerSummary[];
    const images = await api('/images/json?all=1') as ImageSummary[];
    const networks = await api('/networks') as NetworkSummary[];
    for (const c of containers) {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      this.byId.set(c.Id, `<ctr:${this.given.has(name) ? name : '<generated-name>'}>`);
      for (const m of c.Mounts ?? []) if (m.Name && /^[0-9a-f]{64}$/.test(m.Name)) this.byId.set(m.Name, `<vol:${this.given.has(name) ? name : '<generated-name>'}:${m.Destination}>`);
    }
    for (const i of images) {
      const tags = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>').sort();
      const id = i.Id.replace(/^sha256:/, '');
      // The first name an image was seen with stays its name (tags come and go); an untagged
      // one (a build's intermediate image) is known as an id until it gets one.
      const known = this.byId.get(id);
      if (tags.length && (!known || known === '<id>')) this.byId.set(id, `<image:${tags[0]}>`);
      else if (!known) this.byId.set(id, '<id>');
    }
    for (const n of networks) this.byId.set(n.Id, `<net:${n.Name}>`);
  }

  /** The token for a full id or a 12-char prefix, or undefined. */
  lookup(hex: string): string | undefined {
    if (hex.length === 64) return this.byId.get(hex);
    for (const [id, token] of this.byId) if (id.startsWith(hex)) return token;
    return undefined;
  }
}

export interface Paths { work: string; dataRoot: string }

/** The normalization shared by the recorder and the test. */
export function normalize(text: string, step: Step, names: Names, paths: Paths, generatedNames: Set<string>): string {
  let t = text;
  const swaps: [string, string][] = [[paths.work, '<work>'], [tutorialDir, '<tutorial>'], [fixturesDir, '<fixtures>']];
  if (paths.dataRoot) swaps.push([paths.dataRoot, '<data-root>']);
  for (const [from, to] of swaps.sort((a, b) => b[0].length - a[0].length)) t = t.split(from).join(to);
  // ids and digests
  t = t.replace(/sha256:([0-9a-f]{64})\b/g, (_m, hex: string) => {
    const tok = names.lookup(hex);
    return tok ? `sha256:${tok}` : 'sha256:<digest>';
  });
  t = t.replace(/\b[0-9a-f]{64}\b/g, (hex) => names.lookup(hex) ?? '<id>');
  t = t.replace(/\b(?=[0-9a-f]*[a-f])[0-9a-f]{12}\b/g, (hex) => names.lookup(hex) ?? '<id>');
  // A short id of digits only: when the engine knows it, or where the classic builder prints one.
  t = t.replace(/\b[0-9]{12}\b/g, (hex) => names.lookup(hex) ?? hex);
  t = t.replace(/(Running in | ---> |Removing intermediate container )[0-9]{12}$/gm, '$1<id>');
  for (const n of [...generatedNames].sort((a, b) => b.length - a.length)) t = t.replace(new RegExp(`\\b${n}\\b`, 'g'), '<generated-name>');
  // times
  t = t.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, '<time>');
  t = t.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} [A-Z]+/g, '<time>');
  // a die event's execDuration is a duration too (dockerd 23 added it; 20.10 sends none)
  t = t.replace(/execDuration=\d+, /g, '');
  t = t.replace(/\b(Less than a second|About an? (minute|hour)|\d+ (second|minute|hour|day|week|month|year)s?)\b/g, '<duration>');
  // sizes (and the percentages computed from them)
  t = t.replace(/\b\d+(\.\d+)?\s?([kKMGTP]i?B|B)\b/g, '<size>');
  t = t.replace(/<size> \(\d+%\)/g, '<size> (<pct>)');
  for (const [re, to] of step.mask ?? []) t = t.replace(new RegExp(re, 'gm'), to);
  if (step.table) t = t.replace(/ {2,}/g, '  ').replace(/ +$/gm, '');
  return t;
}

function lines(text: string, sort: boolean | undefined): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return sort ? l.sort() : l;
}

/** Names of things the session creates itself (anything else named by the engine was generated). */
function givenNames(session: Session): Set<string> {
  const given = new Set<string>();
  for (const s of session.steps) {
    const a = s.docker ?? [];
    a.forEach((arg, i) => {
      if (arg === '--name' || (arg === 'create' && a[i - 1] === 'network') || (arg === 'create' && a[i - 1] === 'volume')) given.add(a[i + 1] ?? '');
      const m = /^--name=(.+)$/.exec(arg);
      if (m) given.add(m[1]!);
    });
  }
  return given;
}

function substitute(s: string, vars: Map<string, string>, work: string): string {
  return s.replace(/\{(work|tutorial|fixtures|mark:[\w-]+|capture:[\w-]+)\}/g, (m, k: string) => {
    if (k === 'work') return work;
    if (k === 'tutorial') return tutorialDir;
    if (k === 'fixtures') return fixturesDir;
    // A capture an earlier step could not make stays as written: this step then fails on its own.
    return vars.get(k) ?? m;
  });
}

const shellQuote = (a: string) => (/^[\w@%+=:,./<>{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** The command as the transcript shows it (placeholders kept: no machine's paths in fixtures). */
export function commandLine(step: Step): string {
  if (step.mark) return `# mark ${step.mark}`;
  const argv = step.docker ? ['docker', ...step.docker] : step.host ?? [];
  const stdin = step.stdinFile ? ` < ${step.stdinFile}` : step.stdin !== undefined ? ' <<< (stdin)' : '';
  return argv.map(shellQuote).join(' ') + stdin;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Play every step against `target`; `onStep` sees each entry as it is made. */
export async function runSession(session: Session, target: Target, onStep?: (e: Entry) => void): Promise<Entry[]> {
  const given = givenNames(session);
  const names = new Names(given);
  const vars = new Map<string, string>();
  const generated = new Set<string>();
  const info = await target.api('/info') as { DockerRootDir?: string };
  const paths: Paths = { work: target.work, dataRoot: info.DockerRootDir ?? '' };
  const out: Entry[] = [];
  for (const step of session.steps) {
    let r: RunResult = { code: 0, stdout: '', stderr: '' };
    if (step.mark) {
      await sleep(50);
      vars.set(`mark:${step.mark}`, (Date.now() / 1000).toFixed(3));
      await sleep(50);
    } else {
      const run = (): RunResult => {
        const input = step.stdinFile ? fs.readFileSync(substitute(step.stdinFile, vars, target.work)) : step.stdin;
        if (step.docker) return target.docker(step.docker.map((a) => substitute(a, vars, target.work)), { input, env: dockerEnv });
        return target.host(step.host!.map((a) => substitute(a, vars, target.work)));
      };
      r = run();
      if (step.until) {
        const deadline = Date.now() + (step.until.timeout ?? 10) * 1000;
        while (Date.now() < deadline) {
          await names.learn(target.api);
          if (normalize(r.stdout, step, names, paths, generated) === step.until.stdout) break;
          await sleep(100);
          r = run();
        }
      }
    }
    await names.learn(target.api);
    for (const c of await target.api('/containers/json?all=1') as ContainerSummary[]) {
      const n = (c.Names[0] ?? '').replace(/^\//, '');
      if (!given.has(n)) generated.add(n);
    }
    for (const [k, re] of Object.entries(step.capture ?? {})) {
      const m = new RegExp(re, 'm').exec(r.stdout);
      if (m) vars.set(`capture:${k}`, m[1]!);
    }
    const e: Entry = {
      id: step.id,
      command: commandLine(step),
      exit: r.code,
      stdout: lines(normalize(r.stdout, step, names, paths, generated), step.sort),
      stderr: lines(normalize(r.stderr, step, names, paths, generated), step.sort),
    };
    out.push(e);
    onStep?.(e);
  }
  return out;
}
