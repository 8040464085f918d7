/** berth stats [-a] [--no-stream] [--no-trunc] [--format] [CONTAINER...] */
import type { Readable } from 'node:stream';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';
import { liveStats, renderStats, statsEntry, statsRow, type StatsEntry, type StatsResponse } from '../../render/stats.js';
import { loadView } from '../../ui/load.js';

function lines(stream: Readable, onLine: (s: StatsResponse) => void): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const l = buf.slice(0, i); buf = buf.slice(i + 1);
        if (l.trim()) { try { onLine(JSON.parse(l)); } catch { /* partial garbage */ } }
      }
    });
    stream.on('end', () => resolve());
    stream.on('error', () => resolve());
    stream.on('close', () => resolve());
  });
}

export default async function (argv: Args<'container stats'>, ctx: CommandContext): Promise<number> {
  const docker = ctx.docker();
  const opts = { format: argv.format, noTrunc: argv['no-trunc'] };
  let targets: string[] = argv._;
  if (!targets.length) {
    const list = await docker.listContainers({ all: argv.all });
    targets = list.flatMap((c) => (c.Id ? [c.Id] : []));
  }
  const errors: string[] = [];
  if (argv['no-stream']) {
    const entries = await Promise.all(targets.map(async (t) => {
      try {
        return statsEntry(t, await docker.getContainer(t).stats({ stream: false }));
      } catch (e) {
        errors.push(isApiError(e) ? `Error response from daemon: ${(e as Error).message}` : (e as Error).message);
        return undefined;
      }
    }));
    if (errors.length) throw new StatusError(1, errors.join('\n'));
    ctx.stdout.write(renderStats(entries.filter((e): e is StatsEntry => !!e), opts));
    return 0;
  }
  const latest = new Map<string, StatsEntry>();
  const streams = new Map<string, Readable>();
  const follow = async (t: string) => {
    if (streams.has(t)) return;
    latest.set(t, { ...statsEntry(t, {}), invalid: true, container: t });
    if (!targets.includes(t)) targets.push(t);
    const s = await docker.getContainer(t).stats({ stream: true });
    streams.set(t, s);
    void lines(s, (r) => { if (streams.has(t)) latest.set(t, statsEntry(t, r)); });
  };
  const unfollow = (t: string) => {
    streams.get(t)?.destroy();
    streams.delete(t);
    latest.delete(t);
    targets = targets.filter((x) => x !== t);
  };
  for (const t of [...targets]) {
    try {
      await follow(t);
    } catch (e) {
      throw new StatusError(1, isApiError(e) ? `Error response from daemon: ${(e as Error).message}` : (e as Error).message);
    }
  }
  // Without names, the view follows the daemon as docker stats does: containers that start (or,
  // with -a, are created) join it; those that die (with -a: are destroyed) leave it.
  let events: Readable | undefined;
  if (!argv._.length) {
    const joins = argv.all ? ['create', 'start'] : ['start'];
    const leaves = argv.all ? ['destroy'] : ['die', 'destroy'];
    events = await docker.getEvents({ filters: { type: ['container'], event: [...joins, ...leaves] } });
    void lines(events, (ev) => {
      const { Action: action, id } = ev as unknown as { Action: string; id: string };
      if (joins.includes(action)) void follow(id).catch(() => undefined);
      else if (leaves.includes(action)) unfollow(id);
    });
  }
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    ctx.stdout.once('error', () => resolve());
  });
  // On a terminal with the default table: the live Ink view (ui/stats-view.tsx; sorts by key, fits the terminal).
  if ((!opts.format || opts.format === 'table') && (await import('../../ui/color.js')).useLiveView(ctx.stdout)) {
    const abort = new AbortController();
    void stop.then(() => abort.abort());
    const { runStatsView } = await loadView('stats-view');
    await runStatsView({ rows: () => targets.filter((t) => latest.has(t)).map((t) => statsRow(latest.get(t)!, opts.noTrunc)), out: ctx.stdout, input: ctx.stdin, signal: abort.signal });
  } else {
    await liveStats(ctx.stdout, () => targets.filter((t) => latest.has(t)).map((t) => latest.get(t)!), opts, stop);
  }
  events?.destroy();
  for (const s of streams.values()) s.destroy();
  return 0;
}
