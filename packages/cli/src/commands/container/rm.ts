/** berth rm [-f] [-v] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { isApiError } from '../../client/errors.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container rm'>, ctx: CommandContext): Promise<number> {
  // A spinner on a terminal while many removals are waited for (ui/spinner.ts).
  const { withSpinner } = await import('../../ui/spinner.js');
  return withSpinner(ctx, `Removing ${argv._.length === 1 ? argv._[0] : `${argv._.length} containers`}…`, (ctx) => forEach(ctx, argv._, async (name) => {
    try {
      await ctx.docker().getContainer(name).remove({ force: argv.force, v: argv.volumes, link: argv.link ? true : undefined });
    } catch (e) {
      // -f: a missing container is reported, not a failure (docker's rm).
      if (!(argv.force && isApiError(e) && e.statusCode === 404)) throw e;
      ctx.stderr.write(`Error response from daemon: ${e.message}\n`);
      return null;
    }
  }));
}
