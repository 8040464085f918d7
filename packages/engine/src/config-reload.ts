/**
 * daemon.json beyond parsing: the checks dockerd makes at start (storage-driver, default-runtime,
 * log-driver/log-opts), and SIGHUP's reload of what dockerd reloads (debug, log-level, labels,
 * insecure-registries, registry-mirrors, max-concurrent-downloads/uploads, live-restore,
 * default-ulimits, log-opts, shutdown-timeout). The DaemonConfig object is updated in place, so
 * services holding it see the new values.
 */
import os from 'node:os';
import { InvalidArgument } from '@berth/shared';
import { applyFile, readConfigFile, type DaemonConfig } from './config.js';
import { validateLogConfig } from './containers/logging.js';
import type { EventSink } from './events/service.js';
import { log, setLogLevel, type LogLevel } from './log.js';

const STORAGE_DRIVERS = ['overlay2', 'vfs'];
const RUNTIMES = ['berth-monitor', 'runc', 'io.containerd.runc.v2'];

/** What dockerd refuses at start, with its words. */
export function validateDaemonConfig(cfg: DaemonConfig): void {
  if (cfg.storageDriver && !STORAGE_DRIVERS.includes(cfg.storageDriver)) {
    throw new InvalidArgument(`error initializing graphdriver: driver not supported: ${cfg.storageDriver}`);
  }
  if (cfg.defaultRuntime && !RUNTIMES.includes(cfg.defaultRuntime)) {
    throw new InvalidArgument(`specified default runtime '${cfg.defaultRuntime}' does not exist`);
  }
  validateLogConfig(cfg.logDriver, cfg.logOpts ?? {});
  for (const [name, u] of Object.entries(cfg.defaultUlimits ?? {})) {
    if (typeof u?.Soft !== 'number' || typeof u?.Hard !== 'number') throw new InvalidArgument(`invalid default-ulimits entry for ${name}`);
    if (u.Soft > u.Hard) throw new InvalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
}

const RELOADABLE: (keyof DaemonConfig)[] = ['debug', 'logLevel', 'labels', 'insecureRegistries', 'registryMirrors',
  'maxConcurrentDownloads', 'maxConcurrentUploads', 'liveRestore', 'defaultUlimits', 'logOpts', 'shutdownTimeout'];

/**
 * Re-read the config file and apply its reloadable keys. Returns the new values (for the
 * "Reloaded configuration" line and the daemon reload event); a bad file changes nothing.
 */
export function reloadDaemonConfig(cfg: DaemonConfig): Partial<DaemonConfig> {
  const file = readConfigFile(cfg.configFile, true);
  const next = { ...cfg, debug: false, logLevel: 'info', labels: [], insecureRegistries: [], registryMirrors: [], defaultUlimits: {}, logOpts: {} } as DaemonConfig;
  applyFile(next, file);
  if (next.debug) next.logLevel = 'debug';
  validateDaemonConfig({ ...cfg, logOpts: next.logOpts, defaultUlimits: next.defaultUlimits });
  const changed: Partial<DaemonConfig> = {};
  for (const k of RELOADABLE) {
    (cfg as unknown as Record<string, unknown>)[k] = next[k];
    (changed as Record<string, unknown>)[k] = next[k];
  }
  return changed;
}

/** SIGHUP: reload, log "Reloaded configuration" and a daemon reload event; a bad file is logged and changes nothing. */
export function reloadOnSignal(cfg: DaemonConfig, events: EventSink, daemonId: string): void {
  try {
    const changed = reloadDaemonConfig(cfg);
    setLogLevel(cfg.logLevel as LogLevel);
    log.info('Reloaded configuration', { config: JSON.stringify(changed) });
    events.emit('daemon', 'reload', daemonId, {
      debug: String(cfg.debug), labels: JSON.stringify(cfg.labels), 'insecure-registries': JSON.stringify(cfg.insecureRegistries),
      'registry-mirrors': JSON.stringify(cfg.registryMirrors), 'live-restore': String(cfg.liveRestore),
      'max-concurrent-downloads': String(cfg.maxConcurrentDownloads), 'max-concurrent-uploads': String(cfg.maxConcurrentUploads),
      'shutdown-timeout': String(cfg.shutdownTimeout), name: os.hostname(),
    });
  } catch (e) {
    log.error(`Error reconfiguring the daemon: ${(e as Error).message}`);
  }
}

/** Default ulimits merged under the container's own (by name), as dockerd applies them at start. */
export function withDefaultUlimits<T extends { Ulimits?: { Name: string; Soft: number; Hard: number }[] | null }>(hc: T, defaults: DaemonConfig['defaultUlimits'] | undefined): T {
  const extra = Object.entries(defaults ?? {}).map(([name, u]) => ({ Name: u.Name || name, Soft: u.Soft, Hard: u.Hard }));
  if (!extra.length) return hc;
  const own = hc.Ulimits ?? [];
  return { ...hc, Ulimits: [...extra.filter((u) => !own.some((o) => o.Name === u.Name)), ...own] };
}
