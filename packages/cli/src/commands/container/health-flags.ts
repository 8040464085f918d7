/**
 * run/create's healthcheck flags → Config.Healthcheck, as the docker CLI builds it:
 * --health-cmd (CMD-SHELL), --health-interval/-timeout/-start-period/-start-interval (Go
 * durations, in nanoseconds), --health-retries, --no-healthcheck (Test ["NONE"]).
 */
import type { Args } from '../../cli/flags.js';
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

type HealthFlag = 'health-interval' | 'health-timeout' | 'health-start-period' | 'health-start-interval';
export type HealthArgs = Pick<Args<'container create'>, HealthFlag | 'health-cmd' | 'health-retries' | 'no-healthcheck'>;

function duration(argv: HealthArgs, flag: HealthFlag): number {
  const v = argv[flag];
  let ns: number;
  try { ns = parseGoDuration(v); } catch (e) {
    throw new StatusError(125, `invalid argument "${v}" for "--${flag}" flag: ${(e as Error).message}\nSee 'berth run --help'.`);
  }
  if (ns < 0) throw new StatusError(125, `--${flag} cannot be negative`);
  return ns;
}

/** Sets body.Healthcheck when any health flag is given; Docker's conflicts and range errors exit 125. */
export function applyHealthFlags(body: Pick<ContainerCreateRequest, 'Healthcheck'>, argv: HealthArgs): void {
  const cmd = argv['health-cmd'];
  const interval = duration(argv, 'health-interval');
  const timeout = duration(argv, 'health-timeout');
  const startPeriod = duration(argv, 'health-start-period');
  const startInterval = duration(argv, 'health-start-interval');
  const retries = argv['health-retries'];
  if (retries < 0) throw new StatusError(125, '--health-retries cannot be negative');
  const any = !!cmd || interval || timeout || startPeriod || startInterval || retries;
  if (argv['no-healthcheck']) {
    if (any) throw new StatusError(125, '--no-healthcheck conflicts with --health-* options');
    body.Healthcheck = { Test: ['NONE'] };
    return;
  }
  if (!any) return;
  body.Healthcheck = {
    Test: cmd ? ['CMD-SHELL', cmd] : undefined, // omitted, as Go's omitempty leaves it out
    Interval: interval, Timeout: timeout, StartPeriod: startPeriod, StartInterval: startInterval, Retries: retries,
  };
}
