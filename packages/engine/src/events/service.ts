/**
 * The daemon's event bus (moby daemon/events): every lifecycle action is logged here as
 * Docker's events.Message, kept in a bounded ring (the last 256, as dockerd keeps them) for
 * `since` replays, and fanned out to live subscribers of GET /events.
 */
import { EventEmitter } from 'node:events';
import type { EventMessage as WireEventMessage } from '@berth/shared/api/types';
import type { EventFilter } from './filter.js';
import type { Actions, Attributes, EventMessage, EventSink, EventType } from './types.js';

export type { EventMessage, EventSink, EventType } from './types.js';

export const HISTORY_LIMIT = 256;

/** Wall-clock nanoseconds (ms from Date, the rest from the monotonic clock's sub-ms part). */
function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n + BigInt(Number(process.hrtime.bigint() % 1_000_000n));
}

function sortedAttrs(a: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Go's json encoding of a Message (field order, omitempty, timeNano as an integer). */
export function encodeEvent(m: EventMessage): string {
  const head: Pick<WireEventMessage, 'status' | 'id' | 'from'> = {};
  if (m.status) head.status = m.status;
  if (m.id) head.id = m.id;
  if (m.from) head.from = m.from;
  const wire: WireEventMessage = { ...head, Type: m.Type, Action: m.Action, Actor: m.Actor, scope: m.scope, time: m.time, timeNano: 0 };
  const body = JSON.stringify(wire)
    .replace(/<|>|&/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return body.replace(/"timeNano":0}$/, `"timeNano":${m.timeNano}}`);
}

export class EventsService implements EventSink {
  private readonly ring: EventMessage[] = [];
  private readonly live = new EventEmitter();

  constructor(private readonly limit = HISTORY_LIMIT) { this.live.setMaxListeners(0); }

  emit<T extends EventType>(type: T, action: Actions[T], id: string, attributes: Attributes = {}): void {
    const nanos = nowNanos();
    const m: EventMessage = {
      Type: type, Action: action, Actor: { ID: id, Attributes: sortedAttrs(attributes) }, scope: 'local',
      time: Number(nanos / 1_000_000_000n), timeNano: nanos,
    };
    // Deprecated fields dockerd still fills for containers and images.
    if (type === 'container' || type === 'image') { m.status = action; m.id = id; }
    if (type === 'container' && attributes.image) m.from = attributes.image;
    this.ring.push(m);
    if (this.ring.length > this.limit) this.ring.shift();
    this.live.emit('event', m);
  }

  /** Past events in [since, until] matching the filter, and a live subscription (call the returned `close`). */
  subscribe(filter: EventFilter, since: bigint, until: bigint, onEvent: (m: EventMessage) => void): { past: EventMessage[]; close(): void } {
    const inRange = (m: EventMessage) => (since === 0n || m.timeNano >= since) && (until === 0n || m.timeNano <= until);
    const past = since === 0n && until === 0n ? [] : this.ring.filter((m) => inRange(m) && filter.include(m));
    const on = (m: EventMessage) => { if (inRange(m) && filter.include(m)) onEvent(m); };
    this.live.on('event', on);
    return { past, close: () => { this.live.off('event', on); } };
  }

  listenerCount(): number { return this.live.listenerCount('event'); }
}
