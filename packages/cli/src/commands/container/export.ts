/** berth export [-o FILE] CONTAINER: the container's filesystem as a tar, never onto a terminal. */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';

export default async function (argv: Args<'container export'>, ctx: CommandContext): Promise<number> {
  const out = argv.output;
  if (!out && ctx.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const stream = await ctx.docker().getContainer(argv._[0]!).export();
  if (out) {
    const tmp = `${out}.berth-tmp-${process.pid}`;
    try {
      await pipeline(stream, fs.createWriteStream(tmp));
      fs.renameSync(tmp, out);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new StatusError(1, `failed to export container: ${(e as Error).message}`);
    }
  } else {
    await pipeline(stream, ctx.stdout);
  }
  return 0;
}
