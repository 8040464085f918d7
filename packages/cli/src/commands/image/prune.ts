/** berth image prune [-a] [-f] [--filter]: asks first unless -f; deleted images and the space reclaimed. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderImagePrune } from '../../render/images.js';
import { filterMap } from '../../cli/flag-values.js';
import { confirm } from '../../cli/confirm.js';

const danglingWarning = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const allWarning = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

export default async function (argv: Args<'image prune'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  filters.dangling = [argv.all ? 'false' : 'true'];
  if (!argv.force && !(await confirm(ctx, argv.all ? allWarning : danglingWarning))) return 0;
  const report = await ctx.docker().pruneImages({ filters });
  ctx.stdout.write(renderImagePrune(report));
  return 0;
}
