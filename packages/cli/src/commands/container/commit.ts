/** berth commit [-a] [-c] [-m] [-p] CONTAINER [REPOSITORY[:TAG]]: prints the new image ID. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const [name, reference] = argv._;
  const changes = (argv.change as string[] | undefined) ?? [];
  const q: Record<string, string | boolean | string[]> = { pause: argv.pause !== false };
  if (reference) q.repo = reference;
  if (argv.message) q.comment = String(argv.message);
  if (argv.author) q.author = String(argv.author);
  if (changes.length) q.changes = changes;
  const r = await ctx.docker().getContainer(name!).commit(q);
  ctx.stdout.write(`${r.Id}\n`);
  return 0;
}
