/** berth context update [OPTIONS] CONTEXT: change its description or docker endpoint. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { getMeta, parseDockerFlag, store } from './common.js';

export default async function (argv: Args<'context update'>, ctx: CommandContext): Promise<number> {
  const name = argv._[0]!;
  if (name === 'default') throw new StatusError(1, 'context "default" cannot be updated');
  const cur = getMeta(ctx, name);
  const meta = cur.meta;
  let tls;
  if (argv.docker !== undefined) {
    const ep = parseDockerFlag(ctx, argv.docker, cur, 'update');
    meta.Endpoints = { docker: { Host: ep.host, SkipTLSVerify: ep.skip } };
    tls = ep.tls;
  }
  if (argv.description !== undefined) meta.Metadata = { ...meta.Metadata, Description: argv.description };
  store(ctx).save(meta, tls);
  ctx.stdout.write(name + '\n');
  ctx.stderr.write(`Successfully updated context "${name}"\n`);
  return 0;
}
