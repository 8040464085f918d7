/**
 * Help in Docker's layout: usage line, description, aliases, examples, options wrapped at the
 * terminal width as pflag's FlagUsagesWrapped does, subcommands; the root help grouped as
 * Docker groups its commands. Loaded only when help is asked for.
 */
import os from 'node:os';
import defaults from '../spec/help-defaults.json' with { type: 'json' };
import { examplesText } from '../spec/examples.js';
import { canonical, isGroup, specs, unsupportedGroups, usageLine, type FlagSpec } from './spec.js';

const common = ['run', 'exec', 'ps', 'build', 'pull', 'push', 'images', 'login', 'logout', 'search', 'version', 'info'];
const management = ['builder', 'container', 'context', 'image', 'network', 'system', 'volume'];
const shownDefaults = defaults as Record<string, Record<string, string | false>>;

/** Docker's texts in Berth's name ("Dockerfile", "Docker Hub" and URLs stay). */
export const brand = (s: string) => s.replace(/\bDocker(?!file|\s+Hub)\b/g, 'Berth').replace(/(^|[\s"'(])docker(?= [a-z])/g, '$1berth');

/** Docker reads the width of the terminal (80 when there is none) and wraps one column short of it. */
export function helpWidth(): number {
  return (process.stdout.isTTY && process.stdout.columns) || 80;
}

/** Cobra's command list: names padded to the longest, then one space. */
function column(rows: [string, string][], indent = '  '): string {
  const w = Math.max(...rows.map(([a]) => a.length), 11);
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)} ${b}`).join('\n');
}

/** pflag's wrapN: the first `i` characters up to the last blank, allowing `slop` over for the tail. */
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** pflag's wrap: `s` wrapped to width `w` with continuation lines indented by `i`. */
export function wrap(i: number, w: number, s: string): string {
  let r = '';
  if (w === 0) return s.replace(/\n/g, '\n' + ' '.repeat(i));
  let width = w - i;
  if (width < 24) {
    i = 16;
    width = w - i;
    r += '\n' + ' '.repeat(i);
  }
  if (width < 24) return s.replace(/\n/g, r);
  const slop = 5;
  width -= slop;
  let [l, rest] = wrapN(width, slop, s);
  r += l.replace(/\n/g, '\n' + ' '.repeat(i));
  while (rest !== '') {
    let t;
    [t, rest] = wrapN(width, slop, rest);
    r += '\n' + ' '.repeat(i) + t.replace(/\n/g, '\n' + ' '.repeat(i));
  }
  return r;
}

/** pflag's name for a value type (`int64` shows as `int`, `stringSlice` as `strings`, bool as nothing). */
function varname(type: string): string {
  const map: Record<string, string> = { bool: '', float64: 'float', int64: 'int', uint64: 'uint', stringSlice: 'strings', intSlice: 'ints', uintSlice: 'uints', boolSlice: 'bools' };
  return map[type] ?? type;
}

export interface HelpFlag { short?: string; long: string; type: string; usage: string; shownDefault?: string }

/** FlagUsagesWrapped: sorted flags, names padded to the longest + 3, usages wrapped at cols. */
export function flagUsages(flags: HelpFlag[], cols = helpWidth() - 1): string {
  const sorted = [...flags].sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0));
  const lines: [string, string][] = sorted.map((f) => {
    let name = f.short ? `  -${f.short}, --${f.long}` : `      --${f.long}`;
    const v = varname(f.type);
    if (v) name += ` ${v}`;
    const usage = f.usage + (f.shownDefault !== undefined ? ` (default ${f.shownDefault})` : '');
    return [name, usage];
  });
  const maxlen = Math.max(...lines.map(([n]) => n.length)) + 1;
  return lines.map(([n, u]) => `${n}${' '.repeat(maxlen - n.length + 1)} ${wrap(maxlen + 2, cols, u)}`.trimEnd()).join('\n');
}

function commandFlags(path: string): HelpFlag[] {
  const d = shownDefaults[path] ?? shownDefaults[canonical(path)] ?? {};
  return specs[path]!.flags.filter((f) => !f.hidden && d[f.long] !== false).map((f) => ({
    short: f.short, long: f.long, type: f.type, usage: brand(f.description),
    shownDefault: typeof d[f.long] === 'string' ? d[f.long] as string : undefined,
  }));
}

function globalFlags(): HelpFlag[] {
  const home = process.env.BERTH_CONFIG || `${os.homedir()}/.berth`;
  return [
    { long: 'config', type: 'string', usage: 'Location of client config files', shownDefault: `"${home}"` },
    { short: 'c', long: 'context', type: 'string', usage: 'Name of the context to use to connect to the daemon (overrides BERTH_HOST env var and default context set with "berth context use")' },
    { short: 'D', long: 'debug', type: 'bool', usage: 'Enable debug mode' },
    { short: 'H', long: 'host', type: 'list', usage: 'Daemon socket to connect to' },
    { short: 'l', long: 'log-level', type: 'string', usage: 'Set the logging level ("debug", "info", "warn", "error", "fatal")', shownDefault: '"info"' },
    { long: 'tls', type: 'bool', usage: 'Use TLS; implied by --tlsverify' },
    { long: 'tlscacert', type: 'string', usage: 'Trust certs signed only by this CA', shownDefault: `"${home}/ca.pem"` },
    { long: 'tlscert', type: 'string', usage: 'Path to TLS certificate file', shownDefault: `"${home}/cert.pem"` },
    { long: 'tlskey', type: 'string', usage: 'Path to TLS key file', shownDefault: `"${home}/key.pem"` },
    { long: 'tlsverify', type: 'bool', usage: 'Use TLS and verify the remote' },
    { short: 'v', long: 'version', type: 'bool', usage: 'Print version information and quit' },
  ];
}

export function rootHelp(): string {
  const tops = Object.keys(specs).filter((p) => !p.includes(' '));
  const desc = (p: string) => brand(specs[p]?.description ?? '').replace(/\.$/, '');
  const others = tops.filter((p) => !common.includes(p) && !management.includes(p) && !unsupportedGroups[p] && !isGroup(p)).sort();
  return [
    'Usage:  berth [OPTIONS] COMMAND',
    '',
    'A self-sufficient runtime for containers',
    '',
    'Common Commands:',
    column(common.map((p) => [p, desc(p)])),
    '',
    'Management Commands:',
    column(management.map((p) => [p, desc(p)])),
    '',
    'Commands:',
    column(others.map((p) => [p, desc(p)])),
    '',
    'Global Options:',
    flagUsages(globalFlags()),
    '',
    "Run 'berth COMMAND --help' for more information on a command.",
    '',
  ].join('\n');
}

export function commandHelp(path: string): string {
  const spec = specs[path]!;
  const out = [`Usage:  ${usageLine(path)}`, '', brand(spec.description), ''];
  if (isGroup(path)) {
    const subs = spec.subcommands.filter((s) => specs[`${path} ${s}`]);
    out.push('Commands:', column(subs.map((s) => [s, brand(specs[`${path} ${s}`]!.description)])), '', `Run 'berth ${path} COMMAND --help' for more information on a command.`, '');
    return out.join('\n');
  }
  const aliases = spec.aliases.length > 1 ? spec.aliases : specs[canonical(path)]?.aliases ?? [];
  if (aliases.length > 1) out.push('Aliases:', `  ${aliases.map((a) => `berth ${a}`).join(', ')}`, '');
  const ex = examplesText(canonical(path));
  if (ex) out.push('Examples:', ex, '');
  if (spec.flags.length) out.push('Options:', flagUsages(commandFlags(path)), '');
  return out.join('\n');
}
