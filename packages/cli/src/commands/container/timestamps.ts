/**
 * docker/cli's GetTimestamp for --since/--until: a Go duration relative to now ("10m", "1h30m"),
 * a Unix timestamp ("1700000000.5"), or an RFC 3339 date/time (with or without zone, date only).
 * Returns the API's "seconds.nanoseconds" string.
 */
const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

function goDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  if (!s) return undefined;
  while ((m = re.exec(s))) { total += Number(m[1]) * units[m[2]!]!; pos = re.lastIndex; }
  return pos === s.length && pos > 0 ? total : undefined;
}

export function parseTimestamp(value: string, nowMs: number): string {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const [sec, frac = ''] = value.split('.');
    return `${sec}.${frac.padEnd(9, '0').slice(0, 9)}`;
  }
  const d = goDuration(value);
  // A duration becomes whole seconds, as docker's CLI sends it.
  if (d !== undefined) return String(Math.floor((nowMs - d) / 1000));
  let text = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00';
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) text += 'Z';
  // Keep every fraction digit: Date.parse stops at milliseconds.
  const frac = /\.(\d+)(?=Z|[+-]\d\d:\d\d$)/.exec(text)?.[1] ?? '';
  const ms = Date.parse(text.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, ''));
  if (Number.isNaN(ms)) throw new Error(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
  return `${Math.floor(ms / 1000)}.${frac.padEnd(9, '0').slice(0, 9)}`;
}
