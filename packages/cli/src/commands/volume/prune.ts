/** berth volume prune [-a] [-f] [--filter]: asks first unless -f, then the deleted names and the space reclaimed. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { renderVolumePrune } from '../../render/volumes.js';
import { filterMap } from '../../cli/flag-values.js';
import { confirm } from '../../cli/confirm.js';

const unusedWarning = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const allWarning = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export default async function (argv: Args<'volume prune'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  let warning = unusedWarning;
  if (argv.all) {
    if (filters.all) throw new StatusError(1, 'conflicting options: cannot specify both --all and --filter all=1');
    filters.all = ['true'];
    warning = allWarning;
  }
  // Declining is not an error: docker exits 0 without a word.
  if (!argv.force && !(await confirm(ctx, warning))) return 0;
  const report = await ctx.docker().pruneVolumes({ filters });
  ctx.stdout.write(renderVolumePrune(report));
  return 0;
}
