/**
 * Commands that act on several containers (stop, kill, restart, rm, wait): each name in turn,
 * the name (or result; nothing for null) on stdout, each failure on stderr, exit 1 if any failed — as docker does.
 */
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';

export async function forEach(ctx: CommandContext, names: string[], fn: (name: string) => Promise<string | void | null>): Promise<number> {
  const errors: string[] = [];
  await Promise.all(names.map(async (name) => {
    try {
      const out = await fn(name);
      return { name, out };
    } catch (e) {
      const msg = isApiError(e) ? `Error response from daemon: ${e.message}` : (e as Error).message;
      errors.push(msg);
      return undefined;
    }
  })).then((results) => {
    for (const r of results) if (r && r.out !== null) ctx.stdout.write(`${r.out ?? r.name}\n`);
  });
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
