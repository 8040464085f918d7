/** berth top CONTAINER [ps OPTIONS]: the container's processes as the host's ps shows them. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import type { ContainerTopResponse } from '@berth/shared/api/types';

/** docker's tabwriter(minwidth 20, padding 3): every column but the last padded. */
export function renderTop(r: ContainerTopResponse): string {
  const titles = r.Titles ?? [];
  const rows = [titles, ...(r.Processes ?? [])];
  const widths = titles.map((_, i) => Math.max(20, ...rows.map((row) => (row[i] ?? '').length + 3)));
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('')).join('\n') + '\n';
}

export default async function (argv: Args<'container top'>, ctx: CommandContext): Promise<number> {
  const [name, ...ps] = argv._;
  const r = await ctx.docker().getContainer(name!).top(ps.length ? { ps_args: ps.join(' ') } : {});
  ctx.stdout.write(renderTop(r));
  return 0;
}
