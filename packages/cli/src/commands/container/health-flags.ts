/**
 * run/create's healthcheck flags → Config.Healthcheck, as the docker CLI builds it:
 * --health-cmd (CMD-SHELL), --health-interval/-timeout/-start-period/-start-interval (Go
 * durations, in nanoseconds), --health-retries, --no-healthcheck (Test ["NONE"]).
 */
import type { Argv } from '../../cli/args.js';
import { StatusError } from '../../cli/errors.js';
import type { ContainerCreateRequest } from '@berth/shared/api/types';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration → nanoseconds. */
export function parseGoDuration(s: string): number {
  if (s === '0') return 0;
  const m = /^([-+]?)((?:[0-9]*(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(s);
  if (!m) throw new Error(`time: invalid duration "${s}"`);
  let ns = 0;
  for (const p of m[2]!.matchAll(/([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(p[1]) * UNIT_NS[p[2]!]!;
  return Math.round(m[1] === '-' ? -ns : ns);
}

const given = (v: unknown) => v !== undefined && v !== '' && v !== null;

function duration(argv: Argv, flag: string): number {
  const v = argv[flag];
  if (!given(v)) return 0;
  let ns: number;
  try { ns = parseGoDuration(String(v)); } catch (e) {
    throw new StatusError(125, `invalid argument "${v}" for "--${flag}" flag: ${(e as Error).message}\nSee 'berth run --help'.`);
  }
  if (ns < 0) throw new StatusError(125, `--${flag} cannot be negative`);
  return ns;
}

/** Sets body.Healthcheck when any health flag is given; Docker's conflicts and range errors exit 125. */
export function applyHealthFlags(body: Pick<ContainerCreateRequest, 'Healthcheck'>, argv: Argv): void {
  const cmd = argv['health-cmd'];
  const interval = duration(argv, 'health-interval');
  const timeout = duration(argv, 'health-timeout');
  const startPeriod = duration(argv, 'health-start-period');
  const startInterval = duration(argv, 'health-start-interval');
  const retries = given(argv['health-retries']) ? Number(argv['health-retries']) : 0;
  if (!Number.isInteger(retries)) throw new StatusError(125, `invalid argument "${argv['health-retries']}" for "--health-retries" flag: strconv.ParseInt: parsing "${argv['health-retries']}": invalid syntax`);
  if (retries < 0) throw new StatusError(125, '--health-retries cannot be negative');
  const any = given(cmd) || interval || timeout || startPeriod || startInterval || retries;
  if (argv['no-healthcheck']) {
    if (any) throw new StatusError(125, '--no-healthcheck conflicts with --health-* options');
    body.Healthcheck = { Test: ['NONE'] };
    return;
  }
  if (!any) return;
  body.Healthcheck = {
    Test: given(cmd) ? ['CMD-SHELL', String(cmd)] : undefined, // omitted, as Go's omitempty leaves it out
    Interval: interval, Timeout: timeout, StartPeriod: startPeriod, StartInterval: startInterval, Retries: retries,
  };
}
