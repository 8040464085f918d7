/** berth context show: the name of the context in use. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { currentName } from './common.js';

export default async function (_argv: Args<'context show'>, ctx: CommandContext): Promise<number> {
  ctx.stdout.write(currentName(ctx) + '\n');
  return 0;
}
