/** berth network rm [-f] NETWORK...: prints each removed name; each error on stderr as it happens, then `exit status 1`. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';

export default async function (argv: Args<'network rm'>, ctx: CommandContext): Promise<number> {
  let failed = false;
  for (const name of argv._) {
    try {
      await ctx.docker().getNetwork(name).remove();
      ctx.stdout.write(name + '\n');
    } catch (e) {
      if (argv.force && isApiError(e) && e.statusCode === 404) continue;
      ctx.stderr.write(`Error response from daemon: ${(e as Error).message}\n`);
      failed = true;
    }
  }
  // docker's network rm ends a failed run with this line of its own (cli.StatusError's Status).
  if (failed) throw new StatusError(1, 'exit status 1');
  return 0;
}
