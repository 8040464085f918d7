/** berth push [OPTIONS] NAME[:TAG]: Docker's push — progress on stdout; -q prints the reference. */
import { familiarName, formatReference } from '@berth/shared/reference';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { authForImage } from '../registry/credentials.js';
import { followStream, parse } from './pull.js';

export default async function (argv: Args<'image push'>, ctx: CommandContext): Promise<number> {
  const quiet = argv.quiet;
  const all = argv['all-tags'];
  const ref = parse(argv._[0]!);
  if (ref.digest) throw new StatusError(1, 'cannot push a digest reference');
  if (all && ref.tag) throw new StatusError(1, 'tag can\'t be used with --all-tags/-a');
  if (!all && !ref.tag) {
    ref.tag = 'latest';
    if (!quiet) ctx.stdout.write('Using default tag: latest\n');
  }
  const name = familiarName(ref.name);
  const stream = await ctx.docker().getImage(name).push({ tag: all ? undefined : ref.tag, authconfig: authForImage(ctx, name) });
  await followStream(ctx, stream, quiet);
  if (quiet) ctx.stdout.write(formatReference(ref) + '\n');
  return 0;
}
