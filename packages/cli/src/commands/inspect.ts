/** berth inspect [--type container|image] NAME...: containers first, then images, as docker does. */
import type { Args } from '../cli/flags.js';
import type { CommandContext } from '../cli/context.js';
import { StatusError } from '../cli/errors.js';
import { inspectObjects } from './container/inspect.js';

export default async function (argv: Args<'inspect'>, ctx: CommandContext): Promise<number> {
  const type = argv.type ?? '';
  if (type === 'container' || type === 'image') return inspectObjects(argv, ctx, [type]);
  if (type) throw new StatusError(1, `"${type}" is not a valid value for --type`);
  return inspectObjects(argv, ctx, ['container', 'image']);
}
