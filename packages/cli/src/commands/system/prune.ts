/**
 * berth system prune [-a] [--volumes] [-f] [--filter]: Docker's client-side sequence — stopped
 * containers, unused networks, (anonymous volumes), dangling (or unused) images, build cache —
 * each section's report, then "Total reclaimed space".
 */
import { humanSize } from '@berth/shared';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { filterMap } from '../../cli/flag-values.js';
import { confirm } from '../../cli/confirm.js';
import { pruneWarning } from '../../render/system.js';

export default async function (argv: Args<'system prune'>, ctx: CommandContext): Promise<number> {
  const raw = argv.filter;
  const filters = filterMap(raw);
  if (argv.volumes && filters.all) throw new StatusError(125, `invalid filter 'all'`);
  const shown = raw.map((f) => f.replace(/\s*=\s*/, '=')).filter((f) => /^(label|label!|until)=/.test(f)).sort();
  if (!argv.force && !(await confirm(ctx, pruneWarning({ all: argv.all, volumes: argv.volumes, filters: shown })))) return 0;
  const docker = ctx.docker();
  let space = 0;
  const c = await docker.pruneContainers({ filters });
  space += c.SpaceReclaimed ?? 0;
  if (c.ContainersDeleted?.length) ctx.stdout.write(`Deleted Containers:\n${c.ContainersDeleted.map((x) => `${x}\n`).join('')}\n`);
  const n = await docker.pruneNetworks({ filters });
  if (n.NetworksDeleted?.length) ctx.stdout.write(`Deleted Networks:\n${n.NetworksDeleted.map((x) => `${x}\n`).join('')}\n`);
  if (argv.volumes) {
    const volFilters = Object.fromEntries(Object.entries(filters).filter(([k]) => k !== 'until'));
    const v = await docker.pruneVolumes({ filters: volFilters });
    space += v.SpaceReclaimed ?? 0;
    if (v.VolumesDeleted?.length) ctx.stdout.write(`Deleted Volumes:\n${v.VolumesDeleted.map((x) => `${x}\n`).join('')}\n`);
  }
  const i = await docker.pruneImages({
    filters: { ...filters, dangling: [argv.all ? 'false' : 'true'] },
  });
  space += i.SpaceReclaimed ?? 0;
  if (i.ImagesDeleted?.length) {
    ctx.stdout.write(`Deleted Images:\n${i.ImagesDeleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('')}\n`);
  }
  ctx.stdout.write(`Total reclaimed space: ${humanSize(space)}\n`);
  return 0;
}
