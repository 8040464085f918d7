/**
 * Parses a command's arguments against Docker's flag table: pflag's tokenizing rules (which
 * token is a flag, which its value, where the container's own arguments begin) and Docker's
 * words for what it rejects; yargs' parser then collects the normalized tokens into values.
 * The result is typed by the same table (flags.ts) and says which flags were given.
 */
import { Parser } from 'yargs/helpers';
import { argCounts, usageArgs } from '../spec/usage.js';
import { listTypes, numberTypes, type Args, type CommandPath } from './flags.js';
import { canonical, haltsAtPositional, specs, usageLine, type FlagSpec } from './spec.js';

export class UsageError extends Error {
  constructor(message: string, readonly exitCode: number) { super(message); }
}

const lists = new Set<string>(listTypes);
const numbers = new Set<string>(numberTypes);
const isList = (f: FlagSpec) => lists.has(f.type);

/** The value a flag has when not given, as Docker's default column says. */
function defaultOf(f: FlagSpec): unknown {
  if (f.type === 'bool') return f.default === 'true';
  if (isList(f)) return [];
  if (numbers.has(f.type)) return f.default === '' ? undefined : Number(f.default);
  return f.default === '' || f.type === 'bytes' && f.default === '0' ? undefined : f.default;
}

const flagLabel = (f: FlagSpec) => `${f.short ? `-${f.short}, ` : ''}--${f.long}`;
const invalid = (f: FlagSpec, value: string, why: string) => new UsageError(`invalid argument "${value}" for "${flagLabel(f)}" flag: ${why}`, 125);

const boolWords: Record<string, boolean> = { 1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false, FALSE: false, false: false, False: false };

function parseBool(f: FlagSpec, value: string): boolean {
  const b = boolWords[value];
  if (b === undefined) throw invalid(f, value, `strconv.ParseBool: parsing "${value}": invalid syntax`);
  return b;
}

function parseNumber(f: FlagSpec, value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (f.type === 'decimal') {
    if (Number.isNaN(n)) throw invalid(f, value, `failed to parse ${value} as a rational number`);
    return n;
  }
  const fn = f.type.startsWith('float') ? 'ParseFloat' : f.type.startsWith('uint') ? 'ParseUint' : 'ParseInt';
  const ok = !Number.isNaN(n) && (fn === 'ParseFloat' || Number.isInteger(n) && (fn === 'ParseInt' || n >= 0));
  if (!ok) throw invalid(f, value, `strconv.${fn}: parsing "${value}": invalid syntax`);
  return n;
}

interface Tokens { flags: { flag: FlagSpec; value: string; shorthand?: boolean }[]; positionals: string[] }

/**
 * pflag's reading of the arguments: `--name=value`, `--name value`, `-abc`, `-m512m`, `-m=512m`,
 * `--` ending the flags; a flag that takes a value takes the next token whatever it looks like.
 * For run/create/exec/top (pflag's SetInterspersed(false)) the first positional ends the flags:
 * what follows is the container's command line, `--` and all.
 */
function tokenize(args: string[], known: Map<string, FlagSpec>, halt: boolean): Tokens {
  const out: Tokens = { flags: [], positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const tok = args[i]!;
    if (tok === '--') { out.positionals.push(...args.slice(i + 1)); break; }
    if (!tok.startsWith('-') || tok === '-') {
      if (halt) { out.positionals.push(...args.slice(i)); break; }
      out.positionals.push(tok);
      continue;
    }
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq < 0 ? tok : tok.slice(0, eq);
      const flag = known.get(name);
      if (!flag) throw new UsageError(`unknown flag: ${name}`, 125);
      if (eq >= 0) out.flags.push({ flag, value: tok.slice(eq + 1) });
      else if (flag.type === 'bool') out.flags.push({ flag, value: 'true' });
      else if (i + 1 < args.length) out.flags.push({ flag, value: args[++i]! });
      else throw new UsageError(`flag needs an argument: ${name}`, 125);
      continue;
    }
    let rest = tok.slice(1);
    while (rest.length) {
      const c = rest[0]!;
      const flag = known.get(`-${c}`);
      if (!flag) throw new UsageError(`unknown shorthand flag: '${c}' in -${rest}`, 125);
      if (rest[1] === '=') { out.flags.push({ flag, value: rest.slice(2), shorthand: true }); break; }
      if (flag.type === 'bool') { out.flags.push({ flag, value: 'true', shorthand: true }); rest = rest.slice(1); continue; }
      if (rest.length > 1) out.flags.push({ flag, value: rest.slice(1) });
      else if (i + 1 < args.length) out.flags.push({ flag, value: args[++i]! });
      else throw new UsageError(`flag needs an argument: '${c}' in -${c}`, 125);
      break;
    }
  }
  return out;
}

/**
 * `notice` gets pflag's deprecation lines (`Flag --time has been deprecated, use --timeout
 * instead`), which docker prints on stdout as it parses, before anything else happens.
 */
export function parseCommandArgs<P extends CommandPath>(path: P, args: string[], notice: (line: string) => void = () => {}): Args<P> {
  const spec = specs[path]!;
  // cobra's help flag: -h too where the command has no -h of its own (run's -h is --hostname).
  const help: FlagSpec = { ...(spec.flags.some((f) => f.short === 'h') ? {} : { short: 'h' }), long: 'help', type: 'bool', default: '', description: 'Print usage' };
  const flags = [...spec.flags.filter((f) => f.long !== 'help'), help];
  const known = new Map<string, FlagSpec>();
  for (const f of flags) {
    known.set(`--${f.long}`, f);
    if (f.short) known.set(`-${f.short}`, f);
  }
  const tokens = tokenize(args, known, haltsAtPositional.has(canonical(path)));

  // Each value checked as pflag checks it, then handed to yargs in one unambiguous form.
  const normalized: string[] = [];
  const given = new Set<string>();
  for (const { flag, value, shorthand } of tokens.flags) {
    if (flag.deprecated) notice(`Flag --${flag.long} has been deprecated, ${flag.deprecated}`);
    // cobra marks the help flag's -h deprecated (root.PersistentFlags().MarkShorthandDeprecated).
    if (flag === help && shorthand) notice('Flag shorthand -h has been deprecated, use --help');
    if (flag.type === 'bool') parseBool(flag, value);
    else if (numbers.has(flag.type)) parseNumber(flag, value);
    given.add(flag.long);
    normalized.push(`--${flag.long}=${flag.type === 'bool' ? String(boolWords[value]) : value}`);
  }
  normalized.push('--', ...tokens.positionals);

  const parsed = Parser.detailed(normalized, {
    boolean: flags.filter((f) => f.type === 'bool').map((f) => f.long),
    array: flags.filter(isList).map((f) => f.long),
    string: flags.filter((f) => f.type !== 'bool').map((f) => f.long),
    default: Object.fromEntries(flags.map((f) => [f.long, defaultOf(f)]).filter(([, v]) => v !== undefined)),
    configuration: {
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': true,
      'greedy-arrays': false,
      'populate--': false,
    },
  });
  if (parsed.error) throw new UsageError(parsed.error.message, 125);
  const argv: Record<string, unknown> = parsed.argv;
  for (const f of flags) {
    const v = argv[f.long];
    if (Array.isArray(v) && !isList(f)) argv[f.long] = v[v.length - 1]; // a repeated scalar flag: last wins
    if (numbers.has(f.type) && typeof argv[f.long] === 'string') argv[f.long] = parseNumber(f, argv[f.long] as string);
  }
  argv._ = tokens.positionals;
  argv.given = given;
  // The one place the table's data meets its type: every field was just built from it.
  const result = argv as Args<P>;
  if (result.help) return result;

  const usage = usageArgs[canonical(path)] ?? usageArgs[path];
  if (usage !== undefined) {
    const { min, max } = argCounts(usage);
    const n = result._.length;
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
  return result;
}
