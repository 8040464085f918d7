/** berth history [OPTIONS] IMAGE: IMAGE CREATED CREATED BY SIZE COMMENT, -H, --no-trunc, -q, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderHistory } from '../../render/images.js';

export default async function (argv: Args<'image history'>, ctx: CommandContext): Promise<number> {
  const items = await ctx.docker().getImage(argv._[0]!).history();
  ctx.stdout.write(renderHistory(items, {
    quiet: argv.quiet, noTrunc: argv['no-trunc'], human: argv.human, format: argv.format ?? '',
  }));
  return 0;
}
