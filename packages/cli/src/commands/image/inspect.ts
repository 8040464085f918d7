/** berth image inspect [-f FORMAT] IMAGE...: a JSON array, or one template result per image. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { inspectEach, writeInspected } from '../../render/inspect.js';

export default async function (argv: Args<'image inspect'>, ctx: CommandContext): Promise<number> {
  const { found, errors } = await inspectEach(argv._, (name) => ctx.docker().getImage(name).inspect());
  return writeInspected(ctx.stdout, found, errors, argv.format);
}
