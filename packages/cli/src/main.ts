/**
 * berth entry: global flags, dispatch to a command (Docker's tree and flags), Docker's error
 * texts and exit codes. Handlers are imported lazily so start-up stays light.
 */
import { parseCommandArgs, UsageError } from './cli/args.js';
import type { Args, CommandPath } from './cli/flags.js';
import { canonical, isCommandPath, isGroup, specs, unsupportedGroups, usageLine } from './cli/spec.js';
import { contextName, resolveEndpoint, type Endpoint, type CommandContext, type GlobalOptions } from './cli/context.js';
import { StatusError } from './cli/errors.js';
import { loadHandler } from './commands/index.js';
import { CLI_VERSION } from './version.js';

const globalValueFlags: Record<string, keyof GlobalOptions> = {
  '-H': 'host', '--host': 'host', '-c': 'context', '--context': 'context', '--config': 'config',
  '-l': 'logLevel', '--log-level': 'logLevel', '--tlscacert': 'tlscacert', '--tlscert': 'tlscert', '--tlskey': 'tlskey',
};

function parseGlobals(args: string[]): { globals: GlobalOptions; rest: string[]; version: boolean; help: boolean } {
  const globals: GlobalOptions = { config: '', debug: false, logLevel: 'info', tls: false, tlsverify: false };
  let i = 0;
  let version = false;
  let help = false;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') break;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name in globalValueFlags) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: ${name}`, 125);
      (globals as unknown as Record<string, unknown>)[globalValueFlags[name]!] = value;
    } else if (name === '-D' || name === '--debug') globals.debug = true;
    else if (name === '--tls') globals.tls = true;
    else if (name === '--tlsverify') globals.tlsverify = true;
    else if (name === '-v' || name === '--version') version = true;
    else if (name === '-h' || name === '--help') help = true;
    else throw new UsageError(`unknown flag: ${name}`, 125);
  }
  return { globals, rest: args.slice(i), version, help };
}

function resolveCommand(rest: string[]): { path: CommandPath; args: string[] } | undefined {
  const first = rest[0];
  if (!first || !isCommandPath(first)) return undefined;
  const second = rest[1];
  const sub = `${first} ${second}`;
  if (isGroup(first) && second && isCommandPath(sub)) return { path: sub, args: rest.slice(2) };
  if (isGroup(first) && second === 'list') {
    const ls = `${first} ls`;
    if (isCommandPath(ls)) return { path: ls, args: rest.slice(2) };
  }
  return { path: first, args: rest.slice(1) };
}

/** Docker's way of reporting a failed command: `berth: …` and the help hint for run/create/start-like commands. */
function report(ctx: { path: string; stderr: NodeJS.WriteStream }, err: unknown): number {
  const canon = canonical(ctx.path);
  // Only `run` wraps daemon errors as `berth: …` with exit 125; `create` prints them plainly, exit 1.
  const engineCommand = canon === 'container run';
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof StatusError) {
    if (msg) ctx.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
    return err.exitCode;
  }
  const isApi = typeof (err as { statusCode?: number }).statusCode === 'number';
  const text = isApi ? `Error response from daemon: ${msg}` : msg;
  if (engineCommand) {
    ctx.stderr.write(`berth: ${text}\n\nRun 'berth run --help' for more information\n`); // docker's withHelp(err, "run")
    return 125;
  }
  ctx.stderr.write(text + '\n');
  return 1;
}

export async function run(args: string[]): Promise<number> {
  const stdout = process.stdout;
  const stderr = process.stderr;
  let parsed;
  try {
    parsed = parseGlobals(args);
  } catch (e) {
    stderr.write(`${(e as Error).message}\nSee 'berth --help'.\n`);
    return (e as UsageError).exitCode ?? 125;
  }
  const { globals, rest } = parsed;
  if (parsed.version && rest.length === 0) {
    stdout.write(`Berth version ${CLI_VERSION}, build ${process.env.BERTH_GIT_COMMIT ?? 'unknown'}\n`);
    return 0;
  }
  // Help, completion and suggestions load their modules only when used (start-up stays light).
  const help = () => import('./cli/help.js');
  if (rest.length === 0 || (parsed.help && rest.length === 0)) {
    stdout.write((await help()).rootHelp());
    return 0;
  }
  if (rest[0] === 'help') {
    const target = resolveCommand(rest.slice(1));
    const h = await help();
    stdout.write(target ? h.commandHelp(target.path) : h.rootHelp());
    return 0;
  }
  if (rest[0] === '__complete') return (await import('./cli/complete.js')).complete(rest.slice(1), stdout);
  if (rest[0] === 'completion') {
    const script = (await import('./cli/complete.js')).completionScript(rest[1]);
    if (script) { stdout.write(script); return 0; }
    stderr.write(`berth: ${rest[1] ? `unknown shell: ${rest[1]}` : "'berth completion' requires a shell: bash or zsh"}\n\nUsage:  berth completion bash|zsh\n`);
    return 1;
  }
  const cmd = resolveCommand(rest);
  if (!cmd) {
    const { suggestionText } = await import('./cli/suggest.js');
    const tops = Object.keys(specs).filter((p) => !p.includes(' ') && !unsupportedGroups[p]);
    stderr.write(`berth: unknown command: berth ${rest[0]}${suggestionText(rest[0]!, tops).trimEnd()}\n\nRun 'berth --help' for more information\n`);
    return 1;
  }
  const { path } = cmd;
  if (unsupportedGroups[path.split(' ')[0]!]) {
    stderr.write(`berth: ${unsupportedGroups[path.split(' ')[0]!]}\n`);
    return 1;
  }
  if (isGroup(path)) {
    const sub = cmd.args[0];
    if (sub && !sub.startsWith('-')) {
      const { suggestionText } = await import('./cli/suggest.js');
      const subs = specs[path]!.subcommands.filter((s) => specs[`${path} ${s}`]);
      stderr.write(`berth: unknown command: berth ${path} ${sub}${suggestionText(sub, subs).trimEnd()}\n\nUsage:  berth ${path} COMMAND\n\nRun 'berth ${path} --help' for more information\n`);
      return 1;
    }
    stdout.write((await help()).commandHelp(path));
    return 0;
  }

  let argv: Args<CommandPath>;
  try {
    argv = parseCommandArgs(path, cmd.args, (line) => stdout.write(`${line}\n`));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.exitCode === 125) {
      stderr.write(`${e.message}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information\n`);
    } else {
      stderr.write(`${e.message}\n`);
    }
    return e.exitCode;
  }
  if (argv.help || parsed.help) {
    stdout.write((await help()).commandHelp(path));
    return 0;
  }

  const handler = await loadHandler(canonical(path));
  if (!handler) {
    stderr.write(`berth: '${path}' is not available in this build of Berth yet\n`);
    return 1;
  }
  let client: import('./client/docker.js').Docker | undefined;
  let endpoint: Endpoint | undefined;
  const { Docker } = await import('./client/docker.js');
  const ctx: CommandContext = {
    globals, path, stdout, stderr, stdin: process.stdin,
    host: () => (endpoint ??= resolveEndpoint(globals)).host,
    docker: () => (client ??= Docker.fromHost(ctx.host(), { tls: endpoint!.tls })),
  };
  try {
    contextName(globals); // -H with --context is refused before anything runs
    const code = await handler(argv, ctx);
    return code ?? 0;
  } catch (err) {
    if (globals.debug && err instanceof Error && !(err instanceof StatusError)) stderr.write(`${err.stack}\n`);
    return report(ctx, err);
  } finally {
    if (client) void client.modem.close();
  }
}
