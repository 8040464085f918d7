/** berth volume create [OPTIONS] [VOLUME]: prints the volume's name. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { kvMap } from '../../cli/flag-values.js';

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const positional = argv._[0];
  const flagName = argv.name as string | undefined;
  if (positional && flagName && positional !== flagName) {
    throw new StatusError(1, `conflicting options: cannot specify a volume-name through both --name and as a positional arg`);
  }
  const opts = (argv.opt as string[]) ?? [];
  for (const o of opts) {
    if (!o.includes('=')) throw new StatusError(125, `invalid argument "${o}" for "-o, --opt" flag: invalid key value pair format: ${o}`);
  }
  const vol = await ctx.docker().createVolume({
    Name: positional ?? flagName ?? '',
    Driver: (argv.driver as string) || 'local',
    DriverOpts: kvMap(opts),
    Labels: kvMap((argv.label as string[]) ?? []),
  });
  ctx.stdout.write(vol.Name + '\n');
  return 0;
}
