/**
 * berth container inspect [-f] [-s] CONTAINER..., and the top-level `inspect` which tries
 * containers, then images (or only --type's kind). Docker's JSON array, or --format per object.
 */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { isApiError } from '../../client/errors.js';
import { writeInspected } from '../../render/inspect.js';

type Kind = 'container' | 'image';

/** The object, or the daemon's "not found" for the last kind tried. */
async function lookup(ctx: CommandContext, name: string, kinds: Kind[], size: boolean): Promise<{ obj: unknown } | { notFound: string }> {
  let notFound = '';
  for (const k of kinds) {
    try {
      if (k === 'container') return { obj: await ctx.docker().getContainer(name).inspect({ size }) };
      return { obj: await ctx.docker().getImage(name).inspect() };
    } catch (e) {
      if (!(isApiError(e) && e.statusCode === 404)) throw e;
      notFound = e.message;
    }
  }
  return { notFound };
}

export async function inspectObjects(argv: Pick<Args<'inspect'>, '_' | 'format' | 'size'>, ctx: CommandContext, kinds: Kind[]): Promise<number> {
  const format = argv.format ?? '';
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of argv._) {
    const r = await lookup(ctx, name, kinds, argv.size);
    // docker container inspect passes the daemon's error on; the top-level inspect says it its own way.
    if ('obj' in r) found.push(r.obj);
    else errors.push(kinds.length === 1 ? `Error response from daemon: ${r.notFound}` : `Error: No such object: ${name}`);
  }
  return writeInspected(ctx.stdout, found, errors, format);
}

export default async function (argv: Args<'container inspect'>, ctx: CommandContext): Promise<number> {
  return inspectObjects(argv, ctx, ['container']);
}
