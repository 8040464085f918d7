/**
 * Docker's jsonmessage display for pull/push/load progress streams, as a pure function of
 * (state, event) → text. On a TTY each layer id keeps its own line, rewritten in place with ANSI
 * cursor movement (erase line, up N, down N) and a bar sized to the terminal; elsewhere the
 * lines are append-only and byte-count updates are left out — exactly what the docker CLI prints.
 */
import { humanSize } from '@berth/shared';
import type { ProgressEvent } from '../client/modem.js';

export interface RenderOptions {
  tty: boolean;
  /** Terminal width: the bar is drawn only above 110 columns (Docker's rule). */
  width: number;
}

/** Line positions of the ids shown so far (reset by any line that is not a progress line). */
export interface RenderState { ids: Map<string, number> }

export const newRenderState = (): RenderState => ({ ids: new Map() });

const ESC = '\x1b[';
const clearLine = `${ESC}2K`;
const up = (n: number) => (n > 0 ? `${ESC}${n}A` : '');
const down = (n: number) => (n > 0 ? `${ESC}${n}B` : '');

/** JSONProgress.String(): `[=====>    ]  1.2MB/3.4MB` (the bar only when width > 110). */
export function progressString(p: { current?: number; total?: number } | undefined, width: number): string {
  const current = p?.current ?? 0;
  const total = p?.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = width > 110 ? `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] ` : '';
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

export class ProgressStreamError extends Error {}

/** One event's text. Throws ProgressStreamError for an error event (the stream's failure). */
export function renderEvent(state: RenderState, ev: ProgressEvent, opts: RenderOptions): string {
  if (ev.aux) return '';
  if (ev.errorDetail || ev.error) throw new ProgressStreamError(ev.errorDetail?.message ?? ev.error ?? 'unknown error');
  let out = '';
  let diff = 0;
  const tracked = !!ev.id && (ev.progressDetail !== undefined || !!ev.progress);
  if (tracked) {
    let line = state.ids.get(ev.id!);
    if (line === undefined) {
      line = state.ids.size;
      state.ids.set(ev.id!, line);
      if (opts.tty) out += '\n';
    }
    diff = state.ids.size - line;
    if (opts.tty) out += up(diff);
  } else {
    state.ids = new Map();
  }
  out += display(ev, opts);
  if (ev.id && opts.tty) out += down(diff);
  return out;
}

/** jsonmessage.Display for one message. */
function display(ev: ProgressEvent, opts: RenderOptions): string {
  const hasProgress = ev.progressDetail !== undefined;
  const bar = hasProgress ? progressString(ev.progressDetail, opts.width) : '';
  let out = '';
  let endl = '';
  if (opts.tty && ev.stream === undefined && hasProgress) {
    out += clearLine + '\r';
    endl = '\r';
  } else if (hasProgress && bar !== '') {
    return ''; // no progress bars off a terminal
  }
  if (ev.id) out += `${ev.id}: `;
  const status = ev.status ?? '';
  if (hasProgress && opts.tty) out += `${status} ${bar}${endl}`;
  else if (ev.progress) out += `${status} ${ev.progress}${endl}`;
  else if (ev.stream !== undefined) out += `${ev.stream}${endl}`;
  else out += `${status}${endl}\n`;
  return out;
}

/** A whole stream's output (snapshot tests, quiet callers). */
export function renderEvents(events: ProgressEvent[], opts: RenderOptions): string {
  const state = newRenderState();
  return events.map((e) => renderEvent(state, e, opts)).join('');
}

/**
 * Read a JSON-lines progress stream and write it as Docker does. Resolves with the aux messages;
 * rejects with ProgressStreamError on an error line.
 */
export async function displayProgress(stream: NodeJS.ReadableStream, out: { write(s: string): unknown }, opts: RenderOptions): Promise<ProgressEvent[]> {
  const state = newRenderState();
  const aux: ProgressEvent[] = [];
  let buf = '';
  const handle = (line: string) => {
    if (!line.trim()) return;
    const ev = JSON.parse(line) as ProgressEvent;
    if (ev.aux) { aux.push(ev); return; }
    const text = renderEvent(state, ev, opts);
    if (text) out.write(text);
  };
  for await (const chunk of stream) {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { handle(buf.slice(0, i)); buf = buf.slice(i + 1); }
  }
  handle(buf);
  return aux;
}
