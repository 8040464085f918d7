/** berth attach [--no-stdin] [--detach-keys] [--sig-proxy] CONTAINER: hold the stream, exit with the container's code. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { checkTty, holdSession, openAttach, registerWait } from './session.js';

export default async function (argv: Args<'container attach'>, ctx: CommandContext): Promise<number> {
  const docker = ctx.docker();
  const info = await docker.getContainer(argv._[0]!).inspect();
  if (!info.State?.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
  if (info.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
  checkTty(ctx, !argv['no-stdin'], !!info.Config?.Tty);
  const c = docker.getContainer(info.Id ?? argv._[0]!);
  const o = { tty: !!info.Config?.Tty, stdin: !argv['no-stdin'] && !!info.Config?.OpenStdin, stdout: true, stderr: true,
    detachKeys: argv['detach-keys'] || undefined, sigProxy: argv['sig-proxy'] && !info.Config?.Tty }; // docker: not with a TTY
  const sock = await openAttach(c, o);
  const exit = (await registerWait(c, 'not-running')).result;
  const { detached } = await holdSession(ctx, c, sock, o);
  if (detached) return 0;
  return await exit;
}
