/**
 * Logging drivers as dockerd offers them: json-file (rotation by max-size/max-file, compress),
 * local (the same json lines under local-logs/, rotated and compressed by default), none, syslog (forwarded by
 * berthd, see syslog.ts). berth-monitor writes the lines and rotates; this module decides
 * where, validates --log-opt, merges the daemon's defaults and reads rotated files back.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { InvalidArgument, NotImplemented, fromHumanSize } from '@berth/shared';
import type { ContainerRecord, HostConfig } from './types.js';

export interface LogDefaults { driver: string; opts: Record<string, string> }

/** Options every driver takes (moby's builtInLogOpts). */
const BUILT_IN_OPTS = ['mode', 'max-buffer-size'];
const COMMON = ['tag', 'labels', 'labels-regex', 'env', 'env-regex'];
const DRIVER_OPTS: Record<string, string[]> = {
  'json-file': ['max-size', 'max-file', 'compress', ...COMMON],
  local: ['max-size', 'max-file', 'compress'],
  none: [],
  syslog: ['syslog-address', 'syslog-facility', 'syslog-tls-ca-cert', 'syslog-tls-cert', 'syslog-tls-key', 'syslog-tls-skip-verify', 'syslog-format', ...COMMON],
};

/** moby's mergeAndVerifyLogConfig: the daemon's driver when none is given, its opts when the driver is the same. */
export function withLogDefaults<T extends { LogConfig?: { Type?: string; Config?: Record<string, string> | null } }>(hc: T | undefined, d?: LogDefaults): T {
  const out = { ...(hc ?? {}) } as T;
  const given = out.LogConfig ?? {};
  const type = given.Type || d?.driver || 'json-file';
  const cfg: Record<string, string> = { ...(given.Config ?? {}) };
  if (d && type === d.driver) for (const [k, v] of Object.entries(d.opts)) if (!(k in cfg)) cfg[k] = v;
  validateLogConfig(type, cfg);
  // Sorted as Go encodes a map.
  out.LogConfig = { Type: type, Config: Object.fromEntries(Object.entries(cfg).sort(([a], [b]) => (a < b ? -1 : 1))) };
  return out;
}

/** The driver's own text for an option it does not know (each driver words it its own way). */
const unknownOpt: Record<string, (k: string) => string> = {
  local: (k) => `unknown log opt '${k}' for log driver local`,
};

/**
 * moby's logger.ValidateLogOpts (create time): `none` takes anything; the options every driver
 * has (mode, max-buffer-size); the driver must exist; then the driver's own keys and values.
 */
export function validateLogConfig(type: string, cfg: Record<string, string>): void {
  if (type === 'none') return;
  const mode = cfg.mode ?? '';
  if (!['blocking', 'non-blocking', ''].includes(mode)) throw new InvalidArgument(`logger: logging mode not supported: ${mode}`);
  if (cfg['max-buffer-size'] !== undefined) {
    if (mode !== 'non-blocking') throw new InvalidArgument(`logger: max-buffer-size option is only supported with 'mode=non-blocking'`);
    try { fromHumanSize(cfg['max-buffer-size']); } catch { throw new InvalidArgument(`error parsing option max-buffer-size: invalid size: '${cfg['max-buffer-size']}'`); }
  }
  const allowed = DRIVER_OPTS[type];
  if (!allowed) throw new InvalidArgument(`logger: no log driver named '${type}' is registered`);
  for (const k of Object.keys(cfg)) {
    if (BUILT_IN_OPTS.includes(k)) continue;
    if (!allowed.includes(k)) throw new InvalidArgument((unknownOpt[type] ?? ((o) => `unknown log opt '${o}' for ${type} log driver`))(k));
  }
  if (cfg['max-size'] !== undefined) {
    try { fromHumanSize(cfg['max-size']); } catch { throw new InvalidArgument(`invalid size: '${cfg['max-size']}'`); }
  }
  if (cfg['max-file'] !== undefined) {
    const n = Number(cfg['max-file']);
    if (!Number.isInteger(n)) throw new InvalidArgument(`strconv.Atoi: parsing "${cfg['max-file']}": invalid syntax`);
    if (n < 1) throw new InvalidArgument('max-file cannot be less than 1');
  }
  if (cfg.compress !== undefined && !['true', 'false', '1', '0'].includes(cfg.compress)) {
    throw new InvalidArgument(`strconv.ParseBool: parsing "${cfg.compress}": invalid syntax`);
  }
  if (type === 'syslog' && cfg['syslog-address']) {
    const m = /^(udp|tcp|unix|unixgram|tcp\+tls):\/\/(.+)$/.exec(cfg['syslog-address']);
    if (!m) throw new InvalidArgument(`unsupported scheme: '${cfg['syslog-address'].split('://')[0]}'`);
  }
  if (type === 'syslog' && cfg['syslog-format'] && !['rfc3164', 'rfc5424', 'rfc5424micro'].includes(cfg['syslog-format'])) {
    throw new InvalidArgument(`Invalid syslog format: ${cfg['syslog-format']}`);
  }
}

/** Where inspect's LogPath points: the json log for json-file/local, "" for drivers berthd cannot read. */
export function logPathFor(hc: HostConfig, dir: string, id: string): string {
  switch (hc.LogConfig.Type) {
    case 'json-file': return path.join(dir, `${id}-json.log`);
    case 'local': return path.join(dir, 'local-logs', 'container.log');
    default: return '';
  }
}

/** The file berth-monitor writes: the log itself, or syslog's spool that berthd forwards. */
export function monitorLogPath(rec: ContainerRecord, hc: HostConfig): string {
  if (hc.LogConfig.Type === 'syslog') return path.join(path.dirname(rec.HostsPath), 'syslog-spool.log');
  return rec.LogPath;
}

/** Rotation as the driver sets it (berth-monitor rotates; with compress it gzips <log>.1 → <log>.1.gz). */
export function rotation(hc: HostConfig): { maxSize: number; maxFile: number; compress: boolean } {
  const cfg = hc.LogConfig.Config ?? {};
  const local = hc.LogConfig.Type === 'local';
  if (hc.LogConfig.Type !== 'json-file' && !local) return { maxSize: 0, maxFile: 1, compress: false };
  const size = cfg['max-size'] ?? (local ? '20m' : undefined);
  return {
    maxSize: size === undefined ? 0 : fromHumanSize(size),
    maxFile: Number(cfg['max-file'] ?? (local ? 5 : 1)),
    compress: ['true', '1'].includes(cfg.compress ?? (local ? 'true' : 'false')),
  };
}

/** The monitor's annotations: where to write and when to rotate. */
export function logAnnotations(rec: ContainerRecord, hc: HostConfig): Record<string, string> {
  const file = monitorLogPath(rec, hc);
  if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = rotation(hc);
  const out: Record<string, string> = { 'berth.log-path': file };
  if (r.maxSize > 0) { out['berth.log-max-size'] = String(r.maxSize); out['berth.log-max-file'] = String(r.maxFile); }
  if (r.maxSize > 0 && r.compress) out['berth.log-compress'] = 'true';
  return out;
}

/** `logs` on a driver without a reader: Docker's 501. */
export function assertReadable(hc: HostConfig): void {
  if (hc.LogConfig.Type !== 'json-file' && hc.LogConfig.Type !== 'local') {
    throw new NotImplemented('configured logging driver does not support reading');
  }
}

/** The rotated files' text, oldest first (<log>.N[.gz] … <log>.1[.gz]). */
export function readRotated(logPath: string): string {
  if (!logPath) return '';
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return ''; }
  const rotated = names
    .map((n) => ({ n, m: new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(\\.gz)?$`).exec(n) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]));
  let text = '';
  for (const { n, m } of rotated) {
    try {
      const buf = fs.readFileSync(path.join(dir, n));
      text += (m![2] ? zlib.gunzipSync(buf) : buf).toString('utf8');
    } catch { /* rotated away meanwhile */ }
  }
  return text;
}
