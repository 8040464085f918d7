/** berth volume prune [-a] [-f] [--filter]: asks first unless -f, then the deleted names and the space reclaimed. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { renderVolumePrune } from '../../render/volumes.js';
import { filterMap } from './ls.js';

const unusedWarning = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const allWarning = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

/** Docker's prompt.Confirm: "… [y/N] ", one line from stdin, only y/Y says yes. */
export async function confirm(ctx: CommandContext, message: string): Promise<boolean> {
  ctx.stdout.write(`${message} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('utf8');
      if (buf.includes('\n')) done();
    };
    const done = () => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', done);
      ctx.stdin.pause();
      resolve(buf.split('\n')[0]!.trim());
    };
    ctx.stdin.on('data', onData);
    ctx.stdin.once('end', done);
    ctx.stdin.resume();
  });
  return line === 'y' || line === 'Y';
}

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const filters = filterMap((argv.filter as string[]) ?? []);
  let warning = unusedWarning;
  if (argv.all) {
    if (filters.all) throw new StatusError(1, 'conflicting options: cannot specify both --all and --filter all=1');
    filters.all = ['true'];
    warning = allWarning;
  }
  // Declining is not an error: docker exits 0 without a word.
  if (!argv.force && !(await confirm(ctx, warning))) return 0;
  const report = await ctx.docker().pruneVolumes({ filters });
  ctx.stdout.write(renderVolumePrune(report));
  return 0;
}
