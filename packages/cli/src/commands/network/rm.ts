/** berth network rm [-f] NETWORK...: prints each removed name; errors on stderr, exit 1 if any failed. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';

export default async function (argv: Args<'network rm'>, ctx: CommandContext): Promise<number> {
  const errors: string[] = [];
  for (const name of argv._) {
    try {
      await ctx.docker().getNetwork(name).remove();
      ctx.stdout.write(name + '\n');
    } catch (e) {
      if (argv.force && (e as { statusCode?: number }).statusCode === 404) continue;
      errors.push(`Error response from daemon: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
