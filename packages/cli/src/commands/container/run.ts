/**
 * berth run: create (pull and retry on a missing image) → attach (before start, so no output
 * is lost) → wait?condition=next-exit|removed (also before start) → start → resize with a TTY;
 * exits with the container's code. `-d` prints the full ID.
 */
import type { Duplex } from 'node:stream';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';
import type { Container } from '../../client/objects.js';
import { createRequest, startErrorCode } from './opts.js';
import { createWithPull } from './create.js';
import { checkTty, holdSession, openAttach, registerWait, type SessionOptions } from './session.js';

/** A failed start as docker's CLI reports it: exit 125/126/127 from the daemon's text. */
export function startFailure(e: unknown, path: string): StatusError {
  if (!isApiError(e)) throw e;
  const code = startErrorCode(e.message);
  return new StatusError(code, `berth: Error response from daemon: ${e.message}\n\nRun 'berth ${path} --help' for more information`);
}

export default async function (argv: Args<'container run'>, ctx: CommandContext): Promise<number> {
  const detach = argv.detach;
  const req = createRequest(argv, 'run', detach, !!ctx.stdin.isTTY, ctx.stdout);
  const body = req.body;
  if (!detach) checkTty(ctx, !!body.AttachStdin, !!body.Tty);
  const c: Container = await createWithPull(ctx, req, argv.pull, 'run');
  for (const w of (c as Container & { warnings?: string[] }).warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`);
  const autoRemove = argv.rm;

  const o: SessionOptions = {
    tty: !!body.Tty, stdin: !!body.AttachStdin, stdout: !!body.AttachStdout, stderr: !!body.AttachStderr,
    detachKeys: argv['detach-keys'] || undefined, sigProxy: argv['sig-proxy'],
  };
  let sock: Duplex | undefined;
  if (!detach && (o.stdin || o.stdout || o.stderr)) sock = await openAttach(c, o);
  const exit = (await registerWait(c, autoRemove ? 'removed' : 'next-exit')).result;
  try {
    await c.start();
  } catch (e) {
    sock?.destroy();
    if (autoRemove) await exit.catch(() => undefined);
    throw startFailure(e, 'run');
  }
  if (detach) {
    ctx.stdout.write(c.id + '\n');
    return 0;
  }
  if (sock) {
    const { detached } = await holdSession(ctx, c, sock, o);
    if (detached) return 0;
  }
  try {
    return await exit;
  } catch (e) {
    throw new StatusError(125, (e as Error).message);
  }
}
