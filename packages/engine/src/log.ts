/** berthd's logger: logfmt-ish lines on stderr, as dockerd writes them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const order: LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];
let threshold = 1;

export function setLogLevel(level: LogLevel): void {
  const i = order.indexOf(level);
  if (i < 0) throw new Error(`unable to parse logging level: ${level}`);
  threshold = i;
}

function emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (order.indexOf(level) < threshold) return;
  let line = `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
  for (const [k, v] of Object.entries(fields ?? {})) line += ` ${k}=${JSON.stringify(v)}`;
  process.stderr.write(line + '\n');
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => emit('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => emit('error', m, f),
};
