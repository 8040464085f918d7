/**
 * Docker's JSON progress messages (jsonmessage) for pull and push, and the `progress` bar string
 * dockerd puts next to progressDetail (JSONProgress.String at the daemon's width of 200 columns).
 * The stream starts lazily: nothing is written (and errors can still become an HTTP status)
 * until the first message.
 */
import { humanSize } from '@berth/shared';
import type { ProgressMessage } from '@berth/shared/api/types';

export type { ProgressMessage };

export type Progress = (msg: ProgressMessage) => void;

/** JSONProgress.String() at width 200: `[=====>     ]  1.2MB/3.4MB`. */
export function progressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** The 12-hex short form Docker uses as the id of layer lines. */
export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function status(status: string, id?: string): ProgressMessage {
  return id === undefined ? { status } : { status, progressDetail: {}, id };
}

export function bytes(statusText: string, id: string, current: number, total: number): ProgressMessage {
  return { status: statusText, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

export function errorMessage(message: string): ProgressMessage {
  return { errorDetail: { message }, error: message };
}

/**
 * Throttle byte-count updates per id (Docker sends them at most every 100 ms per layer) while
 * letting every status change through at once.
 */
export function throttled(out: Progress, intervalMs = 100): Progress & { flush(): void } {
  const last = new Map<string, number>();
  const pending = new Map<string, ProgressMessage>();
  const fn = ((msg: ProgressMessage) => {
    if (msg.id && msg.progressDetail?.total !== undefined) {
      const now = Date.now();
      if (now - (last.get(msg.id) ?? 0) < intervalMs && (msg.progressDetail.current ?? 0) < msg.progressDetail.total) {
        pending.set(msg.id, msg);
        return;
      }
      last.set(msg.id, now);
      pending.delete(msg.id);
    } else if (msg.id) {
      pending.delete(msg.id);
    }
    out(msg);
  }) as Progress & { flush(): void };
  fn.flush = () => { for (const m of pending.values()) out(m); pending.clear(); };
  return fn;
}
