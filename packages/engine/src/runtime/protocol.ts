/** The berth-monitor protocol (JSON lines on fd 3 and on monitor.sock), typed. */
export type MonitorMsg =
  | { t: 'created'; pid: number }
  | { t: 'started' }
  | { t: 'exec-failed'; code: 126 | 127; msg: string }
  | { t: 'error'; code: number; msg: string }
  | { t: 'spec-error'; code: 128; msg: string }
  | { t: 'running'; pid: number }
  | { t: 'exit'; code: number; signal: number | null; oom: boolean; finishedAt: string };

export type ControlMsg = { t: 'start' } | { t: 'resize'; h: number; w: number } | { t: 'close-stdin' };

export interface ExitStatus { code: number; signal: number | null; oom: boolean; finishedAt: string }

/** Split a byte stream into parsed JSON lines. */
export function lineReader(onMsg: (m: MonitorMsg) => void): (chunk: Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line) continue;
      try { onMsg(JSON.parse(line) as MonitorMsg); } catch { /* ignore garbage */ }
    }
  };
}

/** A start failure as the monitor reported it (125 engine, 126 not executable, 127 not found). */
export class StartError extends Error {
  constructor(readonly exitCode: number, message: string) { super(message); }
}

/**
 * The config names what the container lacks (a user, a group in its /etc files): dockerd
 * finds that while building the spec, so it answers with the plain text, not the runtime's.
 */
export class SpecError extends StartError {
  constructor(message: string) { super(128, message); }
}
