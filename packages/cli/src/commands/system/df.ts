/** berth system df [-v] [--format]: disk usage of images, containers, local volumes and build cache. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderDf, renderDfVerbose } from '../../render/system.js';

export default async function (argv: Args<'system df'>, ctx: CommandContext): Promise<number> {
  const du = await ctx.docker().df();
  const format = argv.format ?? '';
  ctx.stdout.write(argv.verbose && !format ? renderDfVerbose(du) : renderDf(du, format));
  return 0;
}
