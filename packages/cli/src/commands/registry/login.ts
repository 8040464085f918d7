/** berth login [OPTIONS] [SERVER]: check credentials with the daemon (POST /auth) and store them. */
import type { Args } from '../../cli/flags.js';
import path from 'node:path';
import { configDir, type CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { loadAuth, saveAuth, serverKey } from './credentials.js';

async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  let s = '';
  for await (const c of stdin) s += c.toString();
  return s.replace(/\r?\n$/, '').replace(/\r$/, '');
}

async function prompt(ctx: CommandContext, question: string, hidden: boolean): Promise<string> {
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: ctx.stdin, output: ctx.stdout, terminal: ctx.stdin.isTTY });
  if (hidden) (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => { if (s.includes(question)) ctx.stdout.write(s); };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (hidden) ctx.stdout.write('\n');
  }
}

export default async function (argv: Args<'login'>, ctx: CommandContext): Promise<number> {
  const server = argv._[0];
  const key = serverKey(server);
  let username = argv.username ?? '';
  let password = argv.password ?? '';
  if (password) {
    ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (argv['password-stdin']) throw new StatusError(1, '--password and --password-stdin are mutually exclusive');
  }
  if (argv['password-stdin']) {
    if (!username) throw new StatusError(1, 'Must provide --username with --password-stdin');
    password = await readStdin(ctx.stdin);
  }
  if (!username) {
    const stored = loadAuth(ctx, key);
    if (!ctx.stdin.isTTY) throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
    username = (await prompt(ctx, stored?.username ? `Username (${stored.username}): ` : 'Username: ', false)).trim() || stored?.username || '';
    if (!username) throw new StatusError(1, 'Error: Non-null Username Required');
  }
  if (!password) {
    if (!ctx.stdin.isTTY) throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
    password = await prompt(ctx, 'Password: ', true);
    if (!password) throw new StatusError(1, 'Error: Password Required');
  }
  const res = await ctx.docker().checkAuth({ username, password, serveraddress: key });
  saveAuth(ctx, key, username, password, res?.IdentityToken || undefined);
  ctx.stderr.write(`WARNING! Your credentials are stored unencrypted in '${path.join(configDir(ctx.globals), 'config.json')}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
  ctx.stdout.write(`${res?.Status || 'Login Succeeded'}\n`);
  return 0;
}
