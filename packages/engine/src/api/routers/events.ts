/**
 * GET /events: replay from the ring (since/until), then stream live events as JSON lines. A
 * subscriber that stops reading loses events past a few MB of backlog rather than growing the
 * daemon's memory without bound (dockerd's publisher drops them for slow subscribers too).
 */
import { InvalidArgument } from '@berth/shared';
import { get, type Route } from '../router.js';
import { filtersParam } from '../http-util.js';
import { EventFilter } from '../../events/filter.js';
import { encodeEvent, type EventsService } from '../../events/service.js';
import { below } from '../versions.js';

export type EventsBackend = Pick<EventsService, 'subscribe'>;

/** The API's "sec[.nanos]" → nanoseconds (0 when absent). */
export function timestampParam(q: URLSearchParams, name: string): bigint {
  const v = q.get(name);
  if (!v) return 0n;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (!m) throw new InvalidArgument(`failed to parse value as time or duration: "${v}"`);
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** Bytes of unread events a subscriber may have queued before new ones are dropped for it. */
const BACKLOG_LIMIT = 4 * 1024 * 1024;

export function eventsRouter(events: EventsBackend): Route[] {
  return [
    get('/events', async ({ res, query, version }) => {
      const since = timestampParam(query, 'since');
      const until = timestampParam(query, 'until');
      if (until !== 0n && until < since) {
        throw new InvalidArgument(`\`since\` time (${query.get('since')}) cannot be after \`until\` time (${query.get('until')})`);
      }
      const filter = new EventFilter(filtersParam(query));
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const onlyPast = until !== 0n && until < nowNs;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const skipImageCreate = below(version, 'eventsImageCreate');
      const write = (m: Parameters<typeof encodeEvent>[0]) => {
        if (res.destroyed || res.writableEnded || res.writableLength > BACKLOG_LIMIT) return;
        if (skipImageCreate && m.Type === 'image' && m.Action === 'create') return;
        res.write(encodeEvent(m) + '\n');
      };
      const sub = events.subscribe(filter, since, until, write);
      for (const m of sub.past) write(m);
      if (onlyPast) { sub.close(); res.end(); return; }
      try {
        await new Promise<void>((resolve) => {
          const timer = until !== 0n ? setTimeout(resolve, Number((until - nowNs) / 1_000_000n) + 1) : undefined;
          if (res.destroyed) resolve();
          res.on('close', () => { clearTimeout(timer); resolve(); });
        });
      } finally {
        sub.close();
      }
      res.end();
    }),
  ];
}
