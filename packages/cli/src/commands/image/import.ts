/** berth import [-c CHANGE] [-m MSG] file|URL|- [REPOSITORY[:TAG]]: prints the new image's ID. */
import fs from 'node:fs';
import { parseNormalizedNamed, ReferenceError } from '@berth/shared/reference';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { followLines } from './progress-lines.js';

export default async function (argv: Args<'image import'>, ctx: CommandContext): Promise<number> {
  const [src = '', repo] = argv._;
  if (repo) {
    try { parseNormalizedNamed(repo); } catch (e) {
      if (e instanceof ReferenceError) throw new StatusError(1, e.message);
      throw e;
    }
  }
  const query = {
    repo, message: argv.message || undefined, changes: argv.change,
    platform: argv.platform || undefined,
  };
  const docker = ctx.docker();
  let stream: NodeJS.ReadableStream;
  if (src === '-') stream = await docker.importImage(ctx.stdin, query);
  else if (/^(https?:\/\/)/i.test(src)) stream = await docker.createImage({ fromSrc: src, ...query });
  else {
    let fd: number;
    try { fd = fs.openSync(src, 'r'); } catch (e) { throw new StatusError(1, `open ${src}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`); }
    stream = await docker.importImage(fs.createReadStream('', { fd }), query);
  }
  await followLines(stream, ctx.stdout);
  return 0;
}
