/** berth pull [OPTIONS] NAME[:TAG|@DIGEST]: Docker's pull — progress on stdout, the full reference last. */
import { familiarName, formatReference, parseNormalizedNamed, ReferenceError, type Reference } from '@berth/shared/reference';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { displayProgress, ProgressStreamError } from '../../render/progress.js';
import { authForImage } from '../registry/credentials.js';
import { loadView } from '../../ui/load.js';

/** A reference as the CLI parses it: Docker's message and exit 1 when invalid. */
export function parse(name: string): Reference {
  try { return parseNormalizedNamed(name); } catch (e) {
    if (e instanceof ReferenceError) throw new StatusError(1, e.message);
    throw e;
  }
}

/** Follow a progress stream to `out` (or nowhere when quiet); a stream error becomes exit 1 with its text. */
export async function followStream(ctx: CommandContext, stream: NodeJS.ReadableStream, quiet: boolean) {
  const out = quiet ? { write: () => true } : ctx.stdout;
  const tty = !quiet && !!ctx.stdout.isTTY;
  try {
    // On a terminal the Ink view draws it (ui/progress-view.tsx, loaded only here); BERTH_PROGRESS=plain opts out.
    if (tty && (await import('../../ui/color.js')).useLiveView(ctx.stdout)) {
      return await (await loadView('progress-view')).inkProgress(stream, ctx.stdout);
    }
    return await displayProgress(stream, out, { tty, width: ctx.stdout.columns ?? 0 });
  } catch (e) {
    if (e instanceof ProgressStreamError) throw new StatusError(1, e.message);
    throw e;
  }
}

export default async function (argv: Args<'image pull'>, ctx: CommandContext): Promise<number> {
  const quiet = argv.quiet;
  const all = argv['all-tags'];
  const ref = parse(argv._[0]!);
  const nameOnly = !ref.tag && !ref.digest;
  if (all && !nameOnly) throw new StatusError(1, 'tag can\'t be used with --all-tags/-a');
  if (!all && nameOnly) {
    ref.tag = 'latest';
    if (!quiet) ctx.stdout.write('Using default tag: latest\n');
  }
  const stream = await ctx.docker().createImage({
    fromImage: ref.name,
    tag: all ? undefined : (ref.digest ?? ref.tag),
    platform: argv.platform || undefined,
    authconfig: authForImage(ctx, familiarName(ref.name)),
  });
  await followStream(ctx, stream, quiet);
  ctx.stdout.write(formatReference(ref) + '\n');
  return 0;
}
