/** berth network ls [OPTIONS]: NETWORK ID / NAME / DRIVER / SCOPE, -q, -f, --no-trunc, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderNetworks } from '../../render/networks.js';
import { filterMap } from '../../cli/flag-values.js';

export default async function (argv: Args<'network ls'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  const list = await ctx.docker().listNetworks({ filters });
  ctx.stdout.write(renderNetworks(list ?? [], { quiet: argv.quiet, noTrunc: argv['no-trunc'], format: argv.format ?? '' }));
  return 0;
}
