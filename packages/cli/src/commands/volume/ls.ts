/** berth volume ls [OPTIONS]: DRIVER / VOLUME NAME, -q, -f, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { filterMap } from '../../cli/flag-values.js';
import { renderVolumes } from '../../render/volumes.js';

export default async function (argv: Args<'volume ls'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  const res = await ctx.docker().listVolumes({ filters });
  ctx.stdout.write(renderVolumes(res.Volumes ?? [], { quiet: argv.quiet, format: argv.format ?? '' }));
  return 0;
}
