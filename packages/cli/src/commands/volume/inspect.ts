/** berth volume inspect [-f FORMAT] VOLUME...: a JSON array, or one template result per volume. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { inspectEach, writeInspected } from '../../render/inspect.js';

export default async function (argv: Args<'volume inspect'>, ctx: CommandContext): Promise<number> {
  const { found, errors } = await inspectEach(argv._, (name) => ctx.docker().getVolume(name).inspect());
  return writeInspected(ctx.stdout, found, errors, argv.format);
}
