/**
 * berth create, and the create step of run: POST /containers/create; on "No such image" (404)
 * with --pull=missing: "Unable to find image 'x:latest' locally" on stderr, pull with progress
 * on stderr, retry — the docker CLI's order. --pull=always pulls first; never does not pull.
 */
import { familiarString, parseNormalizedNamed } from '@berth/shared/reference';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';
import type { Container } from '../../client/objects.js';
import { displayProgress, ProgressStreamError } from '../../render/progress.js';
import { authForImage } from '../registry/credentials.js';
import { createRequest, type CreateRequest } from './opts.js';

function tagged(image: string): string {
  try {
    const ref = parseNormalizedNamed(image);
    if (!ref.tag && !ref.digest) ref.tag = 'latest';
    return familiarString(ref);
  } catch { return image; }
}

async function pull(ctx: CommandContext, image: string, platform?: string): Promise<void> {
  const ref = parseNormalizedNamed(image);
  if (!ref.tag && !ref.digest) ref.tag = 'latest';
  const stream = await ctx.docker().createImage({
    fromImage: ref.name, tag: ref.digest ?? ref.tag, platform,
    authconfig: authForImage(ctx, ref.name),
  });
  try {
    await displayProgress(stream, ctx.stderr, { tty: !!ctx.stderr.isTTY, width: ctx.stderr.columns ?? 0 });
  } catch (e) {
    if (e instanceof ProgressStreamError) throw new Error(e.message);
    throw e;
  }
}

export async function createWithPull(ctx: CommandContext, req: CreateRequest, pullPolicy: string, command: 'run' | 'create'): Promise<Container> {
  const image = String(req.body.Image);
  if (!['missing', 'always', 'never'].includes(pullPolicy)) {
    throw new StatusError(125, `berth: invalid pull option: '${pullPolicy}': must be one of "always", "missing" or "never"\n\nRun 'berth ${command} --help' for more information`);
  }
  if (pullPolicy === 'always') await pull(ctx, image, req.platform);
  const create = () => ctx.docker().createContainer({ ...req.body, name: req.name, platform: req.platform });
  try {
    return await create();
  } catch (e) {
    if (!(isApiError(e) && e.statusCode === 404 && /No such image/.test(e.message)) || pullPolicy !== 'missing') throw e;
    ctx.stderr.write(`Unable to find image '${tagged(image)}' locally\n`);
    await pull(ctx, image, req.platform);
    return create();
  }
}

export default async function (argv: Args<'container create'>, ctx: CommandContext): Promise<number> {
  const req = createRequest(argv, 'container create', false, !!ctx.stdin.isTTY, ctx.stdout);
  const c = await createWithPull(ctx, req, argv.pull, 'create');
  for (const w of (c as Container & { warnings?: string[] }).warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`);
  ctx.stdout.write(c.id + '\n');
  return 0;
}
