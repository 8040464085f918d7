/** berth container prune [-f] [--filter]: removes stopped containers, prints Docker's summary. */
import { humanSize } from '@berth/shared';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { filterMap } from '../../cli/flag-values.js';

export default async function (argv: Args<'container prune'>, ctx: CommandContext): Promise<number> {
  if (!argv.force) {
    ctx.stdout.write('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
    const answer = await new Promise<string>((r) => { ctx.stdin.once('data', (d) => r(String(d))); ctx.stdin.once('end', () => r('')); });
    ctx.stdin.pause();
    if (!/^y(es)?$/i.test(answer.trim())) return 0;
  }
  const filters = filterMap(argv.filter);
  const r = await ctx.docker().pruneContainers({ filters });
  if (r.ContainersDeleted?.length) ctx.stdout.write(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`);
  ctx.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
  return 0;
}
