/** berth context create [OPTIONS] CONTEXT: a new context from --docker, --from, or the current context. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { validateName } from '../../cli/contexts.js';
import { currentName, getMeta, guard, parseDockerFlag, store } from './common.js';

export default async function (argv: Args<'context create'>, ctx: CommandContext): Promise<number> {
  const name = argv._[0]!;
  guard(() => validateName(name));
  const s = store(ctx);
  if (s.exists(name)) throw new StatusError(1, `context "${name}" already exists`);
  const docker = argv.docker ?? '';
  const base = getMeta(ctx, argv.from || currentName(ctx));
  const ep = parseDockerFlag(ctx, docker, base);
  const description = argv.description ?? (docker || argv.from ? '' : base.meta.Metadata.Description ?? '');
  s.save({ Name: name, Metadata: { Description: description }, Endpoints: { docker: { Host: ep.host, SkipTLSVerify: ep.skip } } }, ep.tls);
  ctx.stdout.write(name + '\n');
  ctx.stderr.write(`Successfully created context "${name}"\n`);
  return 0;
}
