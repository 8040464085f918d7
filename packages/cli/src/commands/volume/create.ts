/** berth volume create [OPTIONS] [VOLUME]: prints the volume's name. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { kvMap } from '../../cli/flag-values.js';

export default async function (argv: Args<'volume create'>, ctx: CommandContext): Promise<number> {
  // --name is docker's hidden older spelling of the positional name.
  if (argv.name && argv._.length) throw new StatusError(1, 'conflicting options: cannot specify a volume-name through both --name and as a positional arg');
  const positional = argv._[0] ?? argv.name;
  const opts = argv.opt;
  for (const o of opts) {
    if (!o.includes('=')) throw new StatusError(125, `invalid argument "${o}" for "-o, --opt" flag: invalid key value pair format: ${o}`);
  }
  const vol = await ctx.docker().createVolume({
    Name: positional ?? '',
    Driver: argv.driver || 'local',
    DriverOpts: kvMap(opts),
    Labels: kvMap(argv.label),
  });
  ctx.stdout.write(vol.Name + '\n');
  return 0;
}
