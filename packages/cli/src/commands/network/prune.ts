/** berth network prune [-f] [--filter]: asks first unless -f, then the deleted names. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderNetworkPrune } from '../../render/networks.js';
import { filterMap } from '../../cli/flag-values.js';
import { confirm } from '../../cli/confirm.js';

const warning = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

export default async function (argv: Args<'network prune'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  if (!argv.force && !(await confirm(ctx, warning))) return 0;
  ctx.stdout.write(renderNetworkPrune(await ctx.docker().pruneNetworks({ filters })));
  return 0;
}
