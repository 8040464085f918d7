/** berth events / system events: --since, --until, -f, --format; streams until --until or interrupted. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { filterMap } from '../../cli/flag-values.js';
import { compile } from '../../render/format.js';
import { eventLine, parseEvent } from '../../render/events.js';

const DURATION = /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** docker's timetypes.GetTimestamp: a Go duration before now, a date/RFC3339 time, or unix seconds as given. */
export function getTimestamp(value: string, now = Date.now()): string {
  if (value !== '0' && DURATION.test(value)) {
    let ns = 0;
    for (const m of value.matchAll(/([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(m[1]) * UNIT_NS[m[2]!]!;
    return String(Math.floor((now - ns / 1e6) / 1000));
  }
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  let iso = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) iso = `${value}T00:00:00`;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(value)) iso = `${value}:00:00`;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) iso = `${value}:00`;
  // Without a zone JS (like Go's ParseInLocation here) reads the time as local.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) {
    if (value.includes('-')) throw new StatusError(125, `parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse "${value}" as "2006"`);
    throw new StatusError(125, `failed to parse value as time or duration: "${value}"`);
  }
  const frac = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return `${Math.floor(ms / 1000)}.${frac.padEnd(9, '0').slice(0, 9)}`;
}

export default async function (argv: Args<'system events'>, ctx: CommandContext): Promise<number> {
  const filters = filterMap(argv.filter);
  const now = Date.now();
  const since = argv.since ? getTimestamp(argv.since, now) : undefined;
  const until = argv.until ? getTimestamp(argv.until, now) : undefined;
  const format = argv.format ?? '';
  const raw = format === 'json' || format.trim() === '{{json .}}';
  const tmpl = format && !raw ? compile(format) : undefined;
  const stream = await ctx.docker().getEvents({ since, until, filters: Object.keys(filters).length ? filters : undefined });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    const onLine = (line: string) => {
      if (!line.trim()) return;
      if (raw) { ctx.stdout.write(line + '\n'); return; }
      const e = parseEvent(line);
      if (tmpl) {
        try { ctx.stdout.write(tmpl.execute({ ...e, timeNano: Number(e.timeNano) }) + '\n'); } catch (err) { reject(new StatusError(64, `template: ${(err as Error).message.replace(/^template: /, '')}`)); }
      } else ctx.stdout.write(eventLine(e));
    };
    stream.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
    });
    stream.on('end', () => { onLine(buf); resolve(); });
    stream.on('error', reject);
  });
  return 0;
}
