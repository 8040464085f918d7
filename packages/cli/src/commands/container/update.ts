/** berth update [resource flags] [--restart] CONTAINER...: live limits, each name on stdout. */
import { ramInBytes } from '@berth/shared';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { usageLine } from '../../cli/spec.js';
import { forEach } from './each.js';
import type { ContainerUpdateRequest } from '@berth/shared/api/types';

function bad(path: string, value: string, flag: string, why: string): StatusError {
  return new StatusError(125, `invalid argument "${value}" for "${flag}" flag: ${why}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`);
}

function bytes(path: string, s: string | undefined, flag: string, minusOne = false): number | undefined {
  if (s === undefined || s === '') return undefined;
  if (minusOne && s === '-1') return -1;
  try { return ramInBytes(s); } catch { throw bad(path, s, flag, `invalid size: '${s}'`); }
}

/** The update body from the flags (only what was given), as docker's runUpdate builds it. */
export function updateBody(argv: Args<'container update'>, path: string): ContainerUpdateRequest {
  const r: ContainerUpdateRequest = {};
  const set = <K extends keyof ContainerUpdateRequest>(k: K, v: unknown) => { if (v !== undefined && v !== 0 && v !== '') r[k] = v as ContainerUpdateRequest[K]; };
  set('Memory', bytes(path, argv.memory, '-m, --memory'));
  set('MemorySwap', bytes(path, argv['memory-swap'], '--memory-swap', true));
  set('MemoryReservation', bytes(path, argv['memory-reservation'], '--memory-reservation'));
  set('CpuShares', argv['cpu-shares']);
  set('CpuPeriod', argv['cpu-period']);
  set('CpuQuota', argv['cpu-quota']);
  set('CpusetCpus', argv['cpuset-cpus']);
  set('CpusetMems', argv['cpuset-mems']);
  set('BlkioWeight', argv['blkio-weight']);
  if (argv.given.has('pids-limit')) r.PidsLimit = argv['pids-limit'];
  if (argv.cpus !== undefined) set('NanoCpus', Math.round(argv.cpus * 1e9));
  const restart = argv.restart;
  if (argv.given.has('restart') && restart) {
    const [name, count] = restart.split(':');
    // The daemon checks the name ("invalid restart policy").
    r.RestartPolicy = { Name: name as NonNullable<ContainerUpdateRequest['RestartPolicy']>['Name'], MaximumRetryCount: count === undefined ? 0 : Number(count) };
  }
  return r;
}

export default async function (argv: Args<'container update'>, ctx: CommandContext): Promise<number> {
  const body = updateBody(argv, ctx.path);
  if (!Object.keys(body).length) throw new StatusError(1, 'you must provide one or more flags when using this command');
  return forEach(ctx, argv._, async (name) => {
    const r = await ctx.docker().getContainer(name).update(body);
    for (const w of r?.Warnings ?? []) ctx.stderr.write(`${w}\n`);
  });
}
