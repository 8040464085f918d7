/** berth ps / container ls: -a, -q, -l, -n, -s, --no-trunc, -f, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderPs } from '../../render/containers.js';
import { filterMap } from '../../cli/flag-values.js';

export default async function (argv: Args<'container ls'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  const last = argv.last;
  const limit = argv.latest ? 1 : last > 0 ? last : undefined;
  const format = argv.format ?? '';
  const size = argv.size || /\.Size\b/.test(format);
  const list = await ctx.docker().listContainers({ all: argv.all, limit, size, filters: Object.keys(filters).length ? filters : undefined });
  ctx.stdout.write(renderPs(list, { quiet: argv.quiet, noTrunc: argv['no-trunc'], size: argv.size, format }));
  return 0;
}
