/** berth images / image ls [OPTIONS] [REPOSITORY[:TAG]]: -a, -q, --digests, --no-trunc, -f, --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { renderImages } from '../../render/images.js';
import { filterMap } from '../../cli/flag-values.js';

export default async function (argv: Args<'image ls'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  if (argv._[0]) (filters.reference ??= []).push(argv._[0]);
  const images = await ctx.docker().listImages({ all: argv.all, filters });
  ctx.stdout.write(renderImages(images, {
    quiet: argv.quiet, noTrunc: argv['no-trunc'], digests: argv.digests, format: argv.format ?? '',
  }));
  return 0;
}
