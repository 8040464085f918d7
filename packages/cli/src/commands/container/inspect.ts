/**
 * berth container inspect [-f] [-s] CONTAINER..., and the top-level `inspect` which tries
 * containers, then images (or only --type's kind). Docker's JSON array, or --format per object.
 */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { isApiError } from '../../client/errors.js';
import { writeInspected } from '../../render/inspect.js';

type Kind = 'container' | 'image';

async function lookup(ctx: CommandContext, name: string, kinds: Kind[], size: boolean): Promise<unknown> {
  for (const k of kinds) {
    try {
      if (k === 'container') return await ctx.docker().getContainer(name).inspect({ size });
      return await ctx.docker().getImage(name).inspect();
    } catch (e) {
      if (!(isApiError(e) && e.statusCode === 404)) throw e;
    }
  }
  return undefined;
}

export async function inspectObjects(argv: Pick<Args<'inspect'>, '_' | 'format' | 'size'>, ctx: CommandContext, kinds: Kind[]): Promise<number> {
  const format = argv.format ?? '';
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of argv._) {
    const obj = await lookup(ctx, name, kinds, argv.size);
    if (obj === undefined) errors.push(kinds.length === 1 && kinds[0] === 'container' ? `Error: No such container: ${name}` : `Error: No such object: ${name}`);
    else found.push(obj);
  }
  return writeInspected(ctx.stdout, found, errors, format);
}

export default async function (argv: Args<'container inspect'>, ctx: CommandContext): Promise<number> {
  return inspectObjects(argv, ctx, ['container']);
}
