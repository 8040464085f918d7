/** berth volume ls [OPTIONS]: DRIVER / VOLUME NAME, -q, -f, --format. */
import type { Argv } from '../../cli/args.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { renderVolumes, type VolumeSummary } from '../../render/volumes.js';

/** `-f key=value` flags → the API's filters map. */
export function filterMap(values: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of values) {
    const i = f.indexOf('=');
    if (i < 0) throw new StatusError(125, `invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    (out[f.slice(0, i).trim().toLowerCase()] ??= []).push(f.slice(i + 1));
  }
  return out;
}

export default async function (argv: Argv, ctx: CommandContext): Promise<number> {
  const filters = filterMap((argv.filter as string[]) ?? []);
  const res = await ctx.docker().listVolumes<{ Volumes: VolumeSummary[] | null }>({ filters });
  ctx.stdout.write(renderVolumes(res.Volumes ?? [], { quiet: !!argv.quiet, format: (argv.format as string) ?? '' }));
  return 0;
}
