/** berth start [-a] [-i] CONTAINER...: start; with -a attach first and exit with the container's code. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';
import { holdSession, openAttach, registerWait } from './session.js';
import { startErrorCode } from './opts.js';

export default async function (argv: Args<'container start'>, ctx: CommandContext): Promise<number> {
  const docker = ctx.docker();
  const names = argv._;
  if (argv.attach || argv.interactive) {
    if (names.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
    const c = docker.getContainer(names[0]!);
    const info = await c.inspect();
    const real = docker.getContainer(info.Id ?? names[0]!);
    const o = { tty: !!info.Config?.Tty, stdin: argv.interactive && !!info.Config?.OpenStdin, stdout: true, stderr: true,
      detachKeys: argv['detach-keys'] || undefined, sigProxy: !info.Config?.Tty }; // docker start proxies only without a TTY
    const sock = await openAttach(real, o);
    const exit = (await registerWait(real, 'next-exit')).result;
    try {
      await real.start();
    } catch (e) {
      sock.destroy();
      if (!isApiError(e)) throw e;
      throw new StatusError(startErrorCode(e.message), `Error response from daemon: ${e.message}`);
    }
    const { detached } = await holdSession(ctx, real, sock, o);
    if (detached) return 0;
    return await exit;
  }
  let failed = false;
  for (const name of names) {
    try {
      await docker.getContainer(name).start();
      ctx.stdout.write(name + '\n');
    } catch (e) {
      if (!isApiError(e)) throw e;
      if (e.statusCode === 304) { ctx.stdout.write(name + '\n'); continue; }
      ctx.stderr.write(`Error response from daemon: ${e.message}\n`);
      failed = true;
    }
  }
  if (failed) throw new StatusError(1, 'Error: failed to start containers: ' + names.join(', '));
  return 0;
}
