/** berth diff CONTAINER: the filesystem changes, one "A|C|D /path" line each. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';

const KIND = ['C', 'A', 'D'];

export default async function (argv: Args<'container diff'>, ctx: CommandContext): Promise<number> {
  const changes = await ctx.docker().getContainer(argv._[0]!).changes();
  ctx.stdout.write((changes ?? []).map((c) => `${KIND[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  return 0;
}
