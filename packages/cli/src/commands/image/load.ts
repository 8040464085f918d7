/** berth load [-i FILE] [-q]: reads a tar archive from a file or stdin; "Loaded image: …". */
import fs from 'node:fs';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { followLines } from './progress-lines.js';
import { loadView } from '../../ui/load.js';

export default async function (argv: Args<'image load'>, ctx: CommandContext): Promise<number> {
  const input = argv.input;
  let body: NodeJS.ReadableStream;
  if (input) {
    let fd: number;
    try { fd = fs.openSync(input, 'r'); } catch (e) { throw new StatusError(1, `open ${input}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`); }
    body = fs.createReadStream('', { fd });
  } else {
    if (ctx.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
    body = ctx.stdin;
  }
  const stream = await ctx.docker().loadImage(body as import('node:stream').Readable, { quiet: argv.quiet });
  // On a terminal the Ink progress view draws the stream (ui/progress-view.tsx).
  if (!argv.quiet && (await import('../../ui/color.js')).useLiveView(ctx.stdout)) {
    try { await (await loadView('progress-view')).inkProgress(stream, ctx.stdout); } catch (e) { throw new StatusError(1, (e as Error).message); }
    return 0;
  }
  await followLines(stream, ctx.stdout);
  return 0;
}
