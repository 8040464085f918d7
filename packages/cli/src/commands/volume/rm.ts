/** berth volume rm [-f] VOLUME...: prints each removed name; errors on stderr, exit 1 if any failed. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';

export default async function (argv: Args<'volume rm'>, ctx: CommandContext): Promise<number> {
  const errors: string[] = [];
  for (const name of argv._) {
    try {
      await ctx.docker().getVolume(name).remove({ force: argv.force });
      ctx.stdout.write(name + '\n');
    } catch (e) {
      errors.push(`Error response from daemon: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
