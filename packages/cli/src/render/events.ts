/** `docker events` lines: "<time> <type> <action> <id> (k=v, …)" with RFC3339NanoFixed local time. */
import type { EventMessage as WireEventMessage, Override } from '@berth/shared/api/types';

/** An event as parseEvent reads it: timeNano kept as the server's digits (they exceed a double's precision). */
export type EventMessage = Override<WireEventMessage, { timeNano?: string | number }>;

/** Go's time.Unix(0, ns).Format(RFC3339NanoFixed) in the local zone. */
export function nanoTime(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const local = new Date(ms + off * 60000);
  const frac = String(ns % 1_000_000_000n).padStart(9, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}.${frac}${zone}`;
}

export function eventLine(e: EventMessage): string {
  let out = '';
  if (e.timeNano && String(e.timeNano) !== '0') out += `${nanoTime(BigInt(String(e.timeNano)))} `;
  else if (e.time) out += `${nanoTime(BigInt(e.time) * 1_000_000_000n)} `;
  out += `${e.Type ?? ''} ${e.Action ?? ''} ${e.Actor?.ID ?? ''}`;
  const attrs = Object.entries(e.Actor?.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (attrs.length) out += ` (${attrs.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  return out + '\n';
}

/** Parse one JSON line keeping timeNano's digits. */
export function parseEvent(line: string): EventMessage {
  const e = JSON.parse(line.replace(/"timeNano":(\d+)/, '"timeNano":"$1"')) as EventMessage;
  return e;
}
