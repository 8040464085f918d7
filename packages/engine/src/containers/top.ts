/**
 * GET /containers/{id}/top: the host's `ps` with the client's arguments (default -ef), its rows
 * filtered to the container's processes (host PIDs, as Docker shows them).
 */
import { execFile } from 'node:child_process';
import { Conflict, InvalidArgument, SystemError } from '@berth/shared';
import { cgroupOf } from './freezer.js';
import type { ContainerFiles, ContainerLookup } from './backend.js';
import type { ContainerTopResponse } from '@berth/shared/api/types';

export type TopResult = Required<ContainerTopResponse>;

function ps(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ps', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new SystemError(`Error running ps: ${(err as Error).message}: ${String(stderr).trim()}`));
      else resolve(stdout);
    });
  });
}

/** moby parsePSOutput: titles from the header, the last column takes the rest of the line. */
export function parsePsOutput(output: string, pids: number[]): TopResult {
  const lines = output.split('\n');
  const titles = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  const pidIndex = titles.findIndex((t) => t === 'PID');
  if (pidIndex < 0) throw new SystemError(`Couldn't find PID field in ps output`);
  const want = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const fields = line.trim().split(/\s+/);
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    const pid = Number(row[pidIndex]);
    if (!Number.isInteger(pid)) throw new SystemError(`Unexpected pid '${row[pidIndex]}': invalid PID`);
    if (want.has(pid)) processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}

export async function topContainer(svc: Pick<ContainerLookup, 'get'> & Pick<ContainerFiles, 'bundle'>, ref: string, psArgs: string | null): Promise<TopResult> {
  const args = (psArgs || '-ef').trim().split(/\s+/).filter(Boolean);
  if (args.some((a) => /[;&|`$]/.test(a))) throw new InvalidArgument(`invalid ps arguments: ${psArgs}`);
  const c = svc.get(ref);
  if (!c.rec.State.Running) throw new Conflict(`Container ${c.rec.Id} is not running`);
  if (c.rec.State.Restarting) throw new Conflict(`Container ${c.rec.Id} is restarting, wait until the container is running`);
  const pids = cgroupOf(svc.bundle(c), c).pids();
  if (!pids.length) pids.push(c.rec.State.Pid);
  let out: string;
  try {
    out = await ps([...args, '-q', pids.join(',')]);
  } catch {
    out = await ps(args); // ps flavours that refuse -q with these options: filter below
  }
  return parsePsOutput(out, pids);
}
