/** berth logs [-f] [--tail N] [--since] [--until] [-t] [--details] CONTAINER */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { holdHijacked } from '../../tty/streams.js';
import { parseTimestamp } from './timestamps.js';

export default async function (argv: Args<'container logs'>, ctx: CommandContext): Promise<number> {
  const docker = ctx.docker();
  const info = await docker.getContainer(argv._[0]!).inspect();
  const now = Date.now();
  let since: string | undefined;
  let until: string | undefined;
  try {
    since = argv.since ? parseTimestamp(argv.since, now) : undefined;
    until = argv.until ? parseTimestamp(argv.until, now) : undefined;
  } catch (e) {
    throw new StatusError(1, (e as Error).message);
  }
  const stream = await docker.getContainer(info.Id ?? argv._[0]!).logs({
    follow: argv.follow, stdout: true, stderr: true, since, until, timestamps: argv.timestamps,
    tail: argv.tail ?? 'all', details: argv.details,
  });
  await holdHijacked(stream as unknown as import('node:stream').Duplex, { tty: !!info.Config?.Tty, stdout: ctx.stdout, stderr: ctx.stderr, detachKeys: [] });
  return 0;
}
