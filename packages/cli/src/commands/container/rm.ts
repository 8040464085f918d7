/** berth rm [-f] [-v] CONTAINER... */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { forEach } from './each.js';

export default async function (argv: Args<'container rm'>, ctx: CommandContext): Promise<number> {
  // A spinner on a terminal while many removals are waited for (ui/spinner.ts).
  const { withSpinner } = await import('../../ui/spinner.js');
  return withSpinner(ctx, `Removing ${argv._.length === 1 ? argv._[0] : `${argv._.length} containers`}…`, (ctx) => forEach(ctx, argv._, async (name) => {
    await ctx.docker().getContainer(name).remove({ force: argv.force, v: argv.volumes, link: argv.link ? true : undefined });
  }));
}
