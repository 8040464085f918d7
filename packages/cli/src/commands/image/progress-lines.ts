/** Follow an import/load JSON-lines stream: `status`/`stream` text to `out`, an error line → exit 1. */
import { StatusError } from '../../cli/errors.js';

export async function followLines(stream: NodeJS.ReadableStream, out: { write(s: string): unknown }): Promise<void> {
  let buf = '';
  let error: string | undefined;
  const line = (l: string) => {
    if (!l.trim()) return;
    let ev: { status?: string; stream?: string; error?: string; errorDetail?: { message?: string }; id?: string };
    try { ev = JSON.parse(l); } catch { out.write(l + '\n'); return; }
    if (ev.error || ev.errorDetail) { error ??= ev.errorDetail?.message ?? ev.error; return; }
    if (ev.stream !== undefined) out.write(ev.stream);
    else if (ev.status !== undefined) out.write(`${ev.id ? `${ev.id}: ` : ''}${ev.status}\n`);
  };
  for await (const chunk of stream) {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { line(buf.slice(0, i)); buf = buf.slice(i + 1); }
  }
  line(buf);
  if (error !== undefined) throw new StatusError(1, error);
}
