/** Signal names and numbers as Docker parses them (moby/sys/signal): "KILL", "SIGKILL", "9". */
import os from 'node:os';
import { InvalidArgument } from '@berth/shared';

const numbers = os.constants.signals as Record<string, number>;

/** Parse a signal given by name or number; throws Docker's "Invalid signal: X". */
export function parseSignal(raw: string): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n <= 0 || n > 64) throw new InvalidArgument(`Invalid signal: ${raw}`);
    return n;
  }
  const up = s.toUpperCase();
  const name = up.startsWith('SIG') ? up : `SIG${up}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$|^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) return rt[0].startsWith('SIGRTMIN') ? 34 + Number(rt[1] ?? 0) : 64 - Number(rt[2] ?? 0);
  const n = numbers[name];
  if (n === undefined) throw new InvalidArgument(`Invalid signal: ${raw}`);
  return n;
}

export function signalName(n: number): string {
  for (const [k, v] of Object.entries(numbers)) if (v === n) return k;
  return String(n);
}
