/**
 * Linux capabilities as Docker computes them for a container: the default set, --cap-add and
 * --cap-drop (names with or without "CAP_", "ALL"), --privileged (every capability the daemon
 * itself holds in its bounding set).
 */
import fs from 'node:fs';
import { InvalidArgument } from '@berth/shared';

/** Index = capability number. */
export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** moby oci/caps/defaults.go */
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

let hostCaps: string[] | undefined;

/** The capabilities this daemon may hand out: its own bounding set. */
export function hostCapabilities(): string[] {
  if (hostCaps) return hostCaps;
  let bnd = (1n << BigInt(ALL_CAPS.length)) - 1n;
  try {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) bnd = BigInt('0x' + m[1]);
  } catch { /* keep all */ }
  hostCaps = ALL_CAPS.filter((_, i) => (bnd >> BigInt(i)) & 1n);
  return hostCaps;
}

function normalize(name: string): string {
  const up = name.toUpperCase();
  if (up === 'ALL') return 'ALL';
  const full = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!ALL_CAPS.includes(full)) throw new InvalidArgument(`unknown capability: "${name}"`);
  return full;
}

/** moby's caps.TweakCapabilities. */
export function containerCaps(add: string[] = [], drop: string[] = [], privileged = false): string[] {
  const host = hostCapabilities();
  if (privileged) return [...host];
  const adds = add.map(normalize);
  const drops = drop.map(normalize);
  let caps: string[];
  if (adds.includes('ALL')) caps = [...host];
  else caps = DEFAULT_CAPS.filter((c) => host.includes(c));
  if (drops.includes('ALL')) caps = [];
  else caps = caps.filter((c) => !drops.includes(c));
  for (const c of adds) if (c !== 'ALL' && !caps.includes(c) && host.includes(c)) caps.push(c);
  return caps;
}
