/** berth rmi / image rm [-f] [--no-prune] IMAGE...: "Untagged: …" / "Deleted: …" lines, errors after. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { renderDeleted } from '../../render/images.js';

export default async function (argv: Args<'image rm'>, ctx: CommandContext): Promise<number> {
  const errors: string[] = [];
  for (const name of argv._) {
    try {
      const records = await ctx.docker().getImage(name).remove({ force: argv.force, noprune: argv['no-prune'] });
      ctx.stdout.write(renderDeleted(records ?? []));
    } catch (e) {
      errors.push(`Error response from daemon: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
