/** berth history [OPTIONS] IMAGE: IMAGE CREATED CREATED BY SIZE COMMENT, -H, --no-trunc, -q, --format. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { renderHistory } from '../../render/images.js';

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const items = await ctx.docker().getImage(argv._[0]!).history();
  ctx.stdout.write(renderHistory(items, {
    quiet: !!argv.quiet, noTrunc: !!argv['no-trunc'], human: argv.human !== false && argv.human !== 'false', format: (argv.format as string) ?? '',
  }));
  return 0;
}
