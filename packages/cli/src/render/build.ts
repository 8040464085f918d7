/**
 * The classic builder's JSON lines as the docker CLI prints them when stdout is not a terminal:
 * `stream` text as is, pull progress as "id: status" lines, the image ID from `aux` kept for
 * `--iidfile`/`-q`, and an `errorDetail` line turned into the error (with its exit code).
 */
export interface BuildEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

export interface BuildOutcome { imageId?: string; error?: { message: string; code: number } }

/** Fold one event: returns the text to print (plain mode) and updates the outcome. */
export function renderBuildEvent(ev: BuildEvent, outcome: BuildOutcome): string {
  if (ev.error !== undefined || ev.errorDetail) {
    outcome.error = { message: ev.errorDetail?.message ?? ev.error ?? 'unknown error', code: ev.errorDetail?.code || 1 };
    return '';
  }
  if (ev.aux) {
    if (ev.aux.ID) outcome.imageId = ev.aux.ID;
    return '';
  }
  if (ev.stream !== undefined) return ev.stream;
  if (ev.status !== undefined) {
    if (ev.progress) return '';
    return `${ev.id ? `${ev.id}: ` : ''}${ev.status}\n`;
  }
  return '';
}

/** Split a chunked JSON-lines stream into events. */
export async function* buildEvents(stream: NodeJS.ReadableStream): AsyncGenerator<BuildEvent> {
  let buf = '';
  for await (const chunk of stream) {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) continue;
      try { yield JSON.parse(line) as BuildEvent; } catch { yield { stream: line + '\n' }; }
    }
  }
  if (buf.trim()) {
    try { yield JSON.parse(buf) as BuildEvent; } catch { yield { stream: buf }; }
  }
}
