/**
 * Parsed nodes → typed instructions with Docker's argument checks and messages, grouped into
 * stages (`FROM … AS name`), with the ARGs before the first FROM as meta args.
 * Variables are expanded later, at dispatch, against the stage's env and build args.
 */
import { DockerfileParseError, splitWords, type Heredoc, type Node } from './parser.js';

export interface Flags { [name: string]: string | true }

export type Instruction =
  | { kind: 'from'; node: Node; image: string; name?: string; platform?: string }
  | { kind: 'run'; node: Node; exec?: string[]; shell?: string; heredocs: Heredoc[]; network?: string }
  | { kind: 'cmd' | 'entrypoint'; node: Node; exec?: string[]; shell?: string }
  | { kind: 'env' | 'label'; node: Node; pairs: [string, string][]; noExpand?: boolean }
  | { kind: 'arg'; node: Node; args: { key: string; value?: string }[] }
  | { kind: 'expose' | 'volume'; node: Node; values: string[] }
  | { kind: 'user' | 'workdir' | 'stopsignal' | 'maintainer'; node: Node; value: string }
  | { kind: 'copy' | 'add'; node: Node; srcs: string[]; dest: string; heredocs: Heredoc[]; from?: string; chown?: string; chmod?: string; checksum?: string }
  | { kind: 'onbuild'; node: Node; expression: string }
  | { kind: 'shell'; node: Node; shell: string[] }
  | { kind: 'healthcheck'; node: Node; test: string[]; interval?: number; timeout?: number; startPeriod?: number; startInterval?: number; retries?: number };

export interface Stage { name?: string; from: Extract<Instruction, { kind: 'from' }>; commands: Instruction[] }

const allowedFlags: Record<string, string[]> = {
  from: ['platform'],
  run: ['network', 'mount', 'security'],
  copy: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  add: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const boolFlags = new Set(['link', 'parents', 'keep-git-dir']);

function fail(node: Node, msg: string): never {
  throw new DockerfileParseError(node.startLine, msg);
}

function parseFlags(node: Node): Flags {
  const out: Flags = {};
  const allowed = allowedFlags[node.cmd] ?? [];
  for (const f of node.flags) {
    const m = /^--([^=]+)(?:=([\s\S]*))?$/.exec(f)!;
    const name = m[1]!;
    if (!allowed.includes(name)) fail(node, `unknown flag: ${name}`);
    if (m[2] === undefined && !boolFlags.has(name)) fail(node, `missing a value on flag: ${name}`);
    out[name] = m[2] ?? true;
  }
  return out;
}

/** Go duration ("30s", "1m30s", "500ms") → nanoseconds. */
export function parseDuration(node: Node, name: string, v: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(v))) { total += Number(m[1]) * units[m[2]!]!; consumed = re.lastIndex; }
  if (!v || consumed !== v.length) fail(node, `time: invalid duration "${v}"`);
  if (total < 0) fail(node, `Interval "${name}" cannot be less than 0`);
  return Math.round(total);
}

function keyValues(node: Node, escape: string, oldForm: boolean): [string, string][] {
  const name = node.cmd.toUpperCase();
  const rest = node.rest;
  if (!rest) fail(node, `${name} requires at least one argument`);
  const words = splitWords(rest, escape);
  if (oldForm && !words[0]!.includes('=')) {
    // Legacy `ENV key value…`: the rest of the line is the value.
    const m = /^(\S+)\s+([\s\S]+)$/.exec(rest);
    if (!m) fail(node, `${name} must have two arguments`);
    return [[m[1]!, m[2]!.trim()]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) fail(node, `${name} must have two arguments`);
    if (eq === 0) fail(node, `${name} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)] as [string, string];
  });
}

function execOrShell(node: Node): { exec?: string[]; shell?: string } {
  if (node.json) return { exec: node.json };
  return { shell: node.rest };
}

export function toInstruction(node: Node, escape: string): Instruction {
  const flags = parseFlags(node);
  const name = node.cmd.toUpperCase();
  const rest = node.rest;
  const listArgs = () => node.json ?? splitWords(rest, escape);
  switch (node.cmd) {
    case 'from': {
      const w = splitWords(rest, escape);
      if (w.length !== 1 && !(w.length === 3 && w[1]!.toLowerCase() === 'as')) fail(node, 'FROM requires either one or three arguments');
      const stageName = w[2]?.toLowerCase();
      if (stageName !== undefined && !/^[a-z][a-z0-9-_.]*$/.test(stageName)) fail(node, `invalid name for build stage: "${w[2]}", name can't start with a number or contain symbols`);
      return { kind: 'from', node, image: w[0]!, name: stageName, platform: typeof flags.platform === 'string' ? flags.platform : undefined };
    }
    case 'run': {
      if (!rest && !node.heredocs.length) fail(node, 'RUN requires at least one argument');
      if (flags.mount) fail(node, 'the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled');
      return { kind: 'run', node, ...execOrShell(node), heredocs: node.heredocs, network: typeof flags.network === 'string' ? flags.network : undefined };
    }
    case 'cmd':
    case 'entrypoint':
      return { kind: node.cmd, node, ...execOrShell(node) };
    case 'env':
      return { kind: 'env', node, pairs: keyValues(node, escape, true) };
    case 'label':
      return { kind: 'label', node, pairs: keyValues(node, escape, true) };
    case 'arg': {
      const w = splitWords(rest, escape);
      if (!w.length) fail(node, 'ARG requires exactly one argument');
      return { kind: 'arg', node, args: w.map((a) => {
        const eq = a.indexOf('=');
        if (eq === 0) fail(node, 'ARG names can not be blank');
        return eq < 0 ? { key: a } : { key: a.slice(0, eq), value: a.slice(eq + 1) };
      }) };
    }
    case 'expose':
    case 'volume': {
      const values = listArgs();
      if (!values.length) fail(node, `${name} requires at least one argument`);
      if (node.cmd === 'volume' && values.some((v) => !v.trim())) fail(node, 'VOLUME specified can not be an empty string');
      return { kind: node.cmd, node, values };
    }
    case 'user':
    case 'workdir':
    case 'stopsignal':
    case 'maintainer':
      if (!rest) fail(node, `${name} requires exactly one argument`);
      if (node.cmd === 'stopsignal' && splitWords(rest, escape).length > 1) fail(node, 'STOPSIGNAL requires exactly one argument');
      return { kind: node.cmd, node, value: rest };
    case 'copy':
    case 'add': {
      const args = listArgs();
      const docs = node.heredocs;
      if (args.length < 2) fail(node, `${name} requires at least two arguments`);
      const srcs = args.slice(0, -1).map((s) => {
        const m = /^<<-?\s*["']?([a-zA-Z_][a-zA-Z0-9_]*)["']?$/.exec(s);
        return m && docs.some((d) => d.name === m[1]) ? `<<${m[1]}` : s;
      });
      const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
      if (node.cmd === 'add' && str('from')) fail(node, 'unknown flag: from');
      return { kind: node.cmd, node, srcs, dest: args[args.length - 1]!, heredocs: docs, from: str('from'), chown: str('chown'), chmod: str('chmod'), checksum: str('checksum') };
    }
    case 'onbuild':
      return { kind: 'onbuild', node, expression: node.rest };
    case 'shell':
      if (!node.json) fail(node, 'SHELL requires the arguments to be in JSON form');
      if (!node.json.length) fail(node, 'SHELL requires at least one argument');
      return { kind: 'shell', node, shell: node.json };
    case 'healthcheck': {
      const w = splitWords(rest, escape);
      if (!w.length) fail(node, 'HEALTHCHECK requires at least one argument');
      const type = w[0]!.toUpperCase();
      if (type === 'NONE') {
        if (w.length > 1) fail(node, 'HEALTHCHECK NONE takes no arguments');
        return { kind: 'healthcheck', node, test: ['NONE'] };
      }
      if (type !== 'CMD') fail(node, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
      const cmdRest = rest.replace(/^\S+\s*/, '');
      let test: string[];
      if (cmdRest.startsWith('[')) {
        try { test = ['CMD', ...(JSON.parse(cmdRest) as string[])]; } catch { test = ['CMD-SHELL', cmdRest]; }
      } else test = ['CMD-SHELL', cmdRest];
      if (test.length < 2 || !cmdRest) fail(node, 'Missing command after HEALTHCHECK CMD');
      const hc: Extract<Instruction, { kind: 'healthcheck' }> = { kind: 'healthcheck', node, test };
      const dur = (k: string) => (typeof flags[k] === 'string' ? parseDuration(node, k, flags[k] as string) : undefined);
      hc.interval = dur('interval');
      hc.timeout = dur('timeout');
      hc.startPeriod = dur('start-period');
      hc.startInterval = dur('start-interval');
      if (typeof flags.retries === 'string') {
        const r = Number(flags.retries);
        if (!Number.isInteger(r)) fail(node, `strconv.ParseInt: parsing "${flags.retries}": invalid syntax`);
        if (r < 0) fail(node, '--retries cannot be negative');
        hc.retries = r;
      }
      return hc;
    }
  }
  return fail(node, `unknown instruction: ${name}`);
}

/** Instructions grouped into stages; ARGs before the first FROM are meta args. */
export function toStages(nodes: Node[], escape: string): { stages: Stage[]; metaArgs: Extract<Instruction, { kind: 'arg' }>[] } {
  const stages: Stage[] = [];
  const metaArgs: Extract<Instruction, { kind: 'arg' }>[] = [];
  for (const node of nodes) {
    const ins = toInstruction(node, escape);
    if (ins.kind === 'from') { stages.push({ name: ins.name, from: ins, commands: [] }); continue; }
    const cur = stages[stages.length - 1];
    if (!cur) {
      if (ins.kind === 'arg') { metaArgs.push(ins); continue; }
      fail(node, 'no build stage in current context');
    }
    cur.commands.push(ins);
  }
  return { stages, metaArgs };
}
