/** berth search [OPTIONS] TERM: NAME / DESCRIPTION / STARS / OFFICIAL, --limit, --no-trunc, -f, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { filterMap } from '../../cli/flag-values.js';
import { renderSearch } from '../../render/search.js';
import { authForImage } from './credentials.js';

export default async function (argv: Args<'search'>, ctx: CommandContext): Promise<number> {
  const term = argv._[0]!;
  const limit = argv.limit;
  const results = await ctx.docker().searchImages({
    term, limit: limit || undefined, filters: filterMap(argv.filter), authconfig: authForImage(ctx, term.includes('/') ? term : 'docker.io/x'),
  });
  ctx.stdout.write(renderSearch(results ?? [], { noTrunc: argv['no-trunc'], format: argv.format ?? '' }));
  return 0;
}
