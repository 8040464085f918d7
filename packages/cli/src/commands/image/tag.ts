/** berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]. */
import { familiarName, parseNormalizedNamed, ReferenceError } from '@berth/shared/reference';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';

export default async function (argv: Args<'image tag'>, ctx: CommandContext): Promise<number> {
  const [source = '', target = ''] = argv._;
  let ref;
  try {
    ref = parseNormalizedNamed(target);
  } catch (e) {
    if (e instanceof ReferenceError) throw new StatusError(1, `Error parsing reference: "${target}" is not a valid repository/tag: ${e.message}`);
    throw e;
  }
  if (ref.digest) throw new StatusError(1, 'refusing to create a tag with a digest reference');
  await ctx.docker().getImage(source).tag({ repo: ref.domain === 'docker.io' ? familiarName(ref.name) : ref.name, tag: ref.tag ?? 'latest' });
  return 0;
}
