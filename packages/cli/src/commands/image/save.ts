/** berth save [-o FILE] IMAGE...: the archive to a file (written aside, then renamed) or to stdout. */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';

export default async function (argv: Args<'image save'>, ctx: CommandContext): Promise<number> {
  const output = argv.output;
  if (!output && ctx.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const stream = await ctx.docker().getImages(argv._);
  if (!output) {
    await pipeline(stream, ctx.stdout, { end: false });
    return 0;
  }
  const tmp = path.join(path.dirname(path.resolve(output)), `.docker_temp_${process.pid}_${path.basename(output)}`);
  try {
    await pipeline(stream, fs.createWriteStream(tmp, { mode: 0o600 }));
    fs.renameSync(tmp, output);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new StatusError(1, `failed to save image: ${(e as Error).message}`);
  }
  return 0;
}
