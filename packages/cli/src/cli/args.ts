/**
 * Parses a command's arguments against Docker's flag table with yargs' parser, and
 * rejects what Docker rejects with Docker's words: unknown flags, missing or extra
 * positional arguments.
 */
import { Parser } from 'yargs/helpers';
import { argCounts, usageArgs } from '../spec/usage.js';
import { canonical, haltsAtPositional, specs, usageLine, type FlagSpec } from './spec.js';

export class UsageError extends Error {
  constructor(message: string, readonly exitCode: number) { super(message); }
}

export type Argv = Record<string, unknown> & { _: string[] };

const listTypes = new Set(['list', 'stringSlice', 'stringArray', 'filter', 'ulimit', 'map', 'mount', 'network', 'external', 'command', 'gpu-request', 'throttledevice', 'weightdevice', 'pathsList', 'uintSlice']);
const numberTypes = new Set(['int', 'int64', 'uint16', 'uint64', 'uint', 'float', 'float64', 'decimal']);

export const isList = (f: FlagSpec) => listTypes.has(f.type);

/** The value a flag has when not given, as Docker's default column says. */
function defaultOf(f: FlagSpec): unknown {
  if (f.type === 'bool') return f.default === 'true';
  if (isList(f)) return [];
  if (numberTypes.has(f.type)) return f.default === '' ? undefined : Number(f.default);
  return f.default === '' || f.type === 'bytes' && f.default === '0' ? undefined : f.default;
}

export function parseCommandArgs(path: string, args: string[]): Argv {
  const spec = specs[path]!;
  const flags = [...spec.flags, { long: 'help', type: 'bool', default: '', description: 'Print usage' }];
  const known = new Map<string, FlagSpec>();
  for (const f of flags) {
    known.set(`--${f.long}`, f);
    if (f.short) known.set(`-${f.short}`, f);
  }
  const halt = haltsAtPositional.has(canonical(path));

  // Docker's unknown-flag check (pflag): each flag token must be known; short groups letter by letter.
  for (const tok of args) {
    if (tok === '--') break;
    if (!tok.startsWith('-') || tok === '-') { if (halt) break; continue; }
    const name = tok.split('=')[0]!;
    if (name.startsWith('--')) {
      if (!known.has(name)) throw new UsageError(`unknown flag: ${name}`, 125);
    } else {
      for (let i = 1; i < name.length; i++) {
        const f = known.get(`-${name[i]}`);
        if (!f) throw new UsageError(`unknown shorthand flag: '${name[i]}' in ${tok}`, 125);
        if (f.type !== 'bool') break; // the rest of the token is this flag's value
      }
    }
  }

  const opts = {
    boolean: flags.filter((f) => f.type === 'bool').map((f) => f.long),
    array: flags.filter(isList).map((f) => f.long),
    string: flags.filter((f) => f.type !== 'bool').map((f) => f.long),
    alias: Object.fromEntries(flags.filter((f) => f.short).map((f) => [f.long, f.short!])),
    default: Object.fromEntries(flags.map((f) => [f.long, defaultOf(f)]).filter(([, v]) => v !== undefined)),
    configuration: {
      'halt-at-non-option': halt,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'short-option-groups': true,
      'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': true,
      'greedy-arrays': false,
      'strip-aliased': true,
      'populate--': false,
    },
  };
  const parsed = Parser.detailed(args, opts);
  if (parsed.error) throw new UsageError(parsed.error.message, 125);
  const argv = parsed.argv as Argv;
  argv._ = argv._.map(String);
  for (const f of flags) {
    const v = argv[f.long];
    if (Array.isArray(v) && !isList(f)) argv[f.long] = v[v.length - 1]; // a repeated scalar flag: last wins
    if (f.type === 'bool' && typeof argv[f.long] === 'string') argv[f.long] = argv[f.long] !== 'false';
    if (numberTypes.has(f.type) && typeof argv[f.long] === 'string') {
      const n = Number(argv[f.long]);
      if (Number.isNaN(n)) throw new UsageError(`invalid argument "${argv[f.long]}" for "${f.short ? `-${f.short}, ` : ''}--${f.long}" flag: strconv.ParseInt: parsing "${argv[f.long]}": invalid syntax`, 125);
      argv[f.long] = n;
    }
  }
  if (argv.help) return argv;

  const usage = usageArgs[canonical(path)] ?? usageArgs[path];
  if (usage !== undefined) {
    const { min, max } = argCounts(usage);
    const n = argv._.length;
    const tail = `\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`;
    if (max === 0 && n > 0) throw new UsageError(`berth: 'berth ${path}' accepts no arguments${tail}`, 1);
    if (n < min) {
      const what = min === max ? `exactly ${min} argument${min === 1 ? '' : 's'}` : `at least ${min} argument${min === 1 ? '' : 's'}`;
      throw new UsageError(`berth: 'berth ${path}' requires ${what}${tail.replace('Run', 'See')}`, 1);
    }
    if (n > max) {
      const what = min === max ? `exactly ${max} argument${max === 1 ? '' : 's'}` : `at most ${max} argument${max === 1 ? '' : 's'}`;
      throw new UsageError(`berth: 'berth ${path}' requires ${what}${tail.replace('Run', 'See')}`, 1);
    }
  }
  return argv;
}
