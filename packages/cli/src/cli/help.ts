/** Help in Docker's layout: usage line, description, aliases, options, subcommands. */
import { canonical, isGroup, specs, unsupportedGroups, usageLine, type FlagSpec } from './spec.js';

const common = ['run', 'exec', 'ps', 'build', 'pull', 'push', 'images', 'login', 'logout', 'search', 'version', 'info'];
const management = ['builder', 'container', 'context', 'image', 'network', 'system', 'volume'];

function column(rows: [string, string][], indent = '  '): string {
  const w = Math.max(...rows.map(([a]) => a.length), 10);
  return rows.map(([a, b]) => `${indent}${a.padEnd(w + 2)}${b}`).join('\n');
}

function flagRows(flags: FlagSpec[]): [string, string][] {
  return [...flags].sort((a, b) => a.long.localeCompare(b.long)).map((f) => {
    const type = f.type === 'bool' ? '' : ` ${f.type === 'stringSlice' || f.type === 'stringArray' ? 'strings' : f.type}`;
    const name = `${f.short ? `-${f.short}, ` : '    '}--${f.long}${type}`;
    const def = f.default && f.default !== '0' && f.default !== 'false' && f.default !== '[]' && f.default !== 'map[]' && f.type !== 'bool'
      ? ` (default ${/^\d+$/.test(f.default) ? f.default : `"${f.default}"`})` : '';
    return [name, f.description.split('\n').join('\n' + ' '.repeat(0)) + def];
  });
}

export const globalFlags: [string, string][] = [
  ['    --config string', 'Location of client config files (default "~/.berth")'],
  ['-c, --context string', 'Name of the context to use to connect to the daemon (overrides BERTH_HOST env var and default context set with "berth context use")'],
  ['-D, --debug', 'Enable debug mode'],
  ['-H, --host list', 'Daemon socket to connect to'],
  ['-l, --log-level string', 'Set the logging level ("debug", "info", "warn", "error", "fatal") (default "info")'],
  ['    --tls', 'Use TLS; implied by --tlsverify'],
  ['    --tlscacert string', 'Trust certs signed only by this CA (default "~/.berth/ca.pem")'],
  ['    --tlscert string', 'Path to TLS certificate file (default "~/.berth/cert.pem")'],
  ['    --tlskey string', 'Path to TLS key file (default "~/.berth/key.pem")'],
  ['    --tlsverify', 'Use TLS and verify the remote'],
  ['-v, --version', 'Print version information and quit'],
];

export function rootHelp(): string {
  const tops = Object.keys(specs).filter((p) => !p.includes(' '));
  const desc = (p: string) => specs[p]?.description ?? '';
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
    column(management.map((p) => [p, desc(p).replace('Docker', 'Berth')])),
    '',
    'Commands:',
    column(others.map((p) => [p, desc(p)])),
    '',
    'Global Options:',
    column(globalFlags),
    '',
    "Run 'berth COMMAND --help' for more information on a command.",
    '',
  ].join('\n');
}

export function commandHelp(path: string): string {
  const spec = specs[path]!;
  const out = [`Usage:  ${usageLine(path)}`, '', spec.description.replace(/Docker/g, 'Berth'), ''];
  if (isGroup(path)) {
    const subs = spec.subcommands.filter((s) => specs[`${path} ${s}`]);
    out.push('Commands:', column(subs.map((s) => [s, specs[`${path} ${s}`]!.description])), '', `Run 'berth ${path} COMMAND --help' for more information on a command.`, '');
    return out.join('\n');
  }
  const aliases = spec.aliases.length > 1 ? spec.aliases : specs[canonical(path)]?.aliases ?? [];
  if (aliases.length > 1) out.push('Aliases:', `  ${aliases.map((a) => `berth ${a}`).join(', ')}`, '');
  if (spec.flags.length) out.push('Options:', column(flagRows(spec.flags)), '');
  return out.join('\n');
}
