/** berth rename CONTAINER NEW_NAME: silent on success; Docker's two error lines on failure. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';

export default async function (argv: Args<'container rename'>, ctx: CommandContext): Promise<number> {
  const oldName = (argv._[0] ?? '').trim();
  const newName = (argv._[1] ?? '').trim();
  if (!oldName || !newName) throw new StatusError(1, 'Error: Neither old nor new names may be empty');
  try {
    await ctx.docker().getContainer(oldName).rename({ name: newName });
  } catch (e) {
    ctx.stderr.write(`${isApiError(e) ? `Error response from daemon: ${(e as Error).message}` : (e as Error).message}\n`);
    throw new StatusError(1, `Error: failed to rename container named ${oldName}`);
  }
  return 0;
}
