/** berth network inspect [-f FORMAT] NETWORK...: a JSON array, or one template result per network. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { inspectEach, writeInspected } from '../../render/inspect.js';

export default async function (argv: Args<'network inspect'>, ctx: CommandContext): Promise<number> {
  const { found, errors } = await inspectEach(argv._,
    (name) => ctx.docker().getNetwork(name).inspect({ verbose: argv.verbose ? true : undefined }),
    (_name, e) => `Error response from daemon: ${e.message}`);
  return writeInspected(ctx.stdout, found, errors, argv.format);
}
