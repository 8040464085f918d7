/** berth network inspect [-f FORMAT] NETWORK...: a JSON array, or one template result per network. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { formatOne } from '../../render/format.js';

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of argv._) {
    try {
      found.push(await ctx.docker().getNetwork(name).inspect({ verbose: argv.verbose ? true : undefined }));
    } catch (e) {
      errors.push((e as { statusCode?: number }).statusCode === 404 ? `Error: No such network: ${name}` : `Error response from daemon: ${(e as Error).message}`);
    }
  }
  const format = argv.format as string | undefined;
  if (format) for (const n of found) ctx.stdout.write(formatOne(format, n));
  else ctx.stdout.write(JSON.stringify(found, null, 4) + '\n');
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
