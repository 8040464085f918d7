/** berth commit [-a] [-c] [-m] [-p] CONTAINER [REPOSITORY[:TAG]]: prints the new image ID. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';

export default async function (argv: Args<'container commit'>, ctx: CommandContext): Promise<number> {
  const [name, reference] = argv._;
  const changes = argv.change;
  const q: Record<string, string | boolean | string[]> = { pause: argv.pause !== false };
  if (reference) q.repo = reference;
  if (argv.message) q.comment = argv.message;
  if (argv.author) q.author = argv.author;
  if (changes.length) q.changes = changes;
  const r = await ctx.docker().getContainer(name!).commit(q);
  ctx.stdout.write(`${r.Id}\n`);
  return 0;
}
