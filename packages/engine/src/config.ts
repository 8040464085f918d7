/**
 * berthd configuration: dockerd's flags plus /etc/berth/daemon.json with Docker's keys.
 * Unknown keys are refused at start, as dockerd refuses them; a key given both as a flag
 * and in the file is refused too.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidArgument } from '@berth/shared';
import type { LogLevel } from './log.js';

export interface AddressPool { base: string; size: number }

export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  configFile: string;
  debug: boolean;
  logLevel: LogLevel;
  labels: string[];
  bip?: string;
  defaultAddressPools: AddressPool[];
  insecureRegistries: string[];
  registryMirrors: string[];
  logDriver: string;
  logOpts: Record<string, string>;
  defaultUlimits: Record<string, { Name: string; Hard: number; Soft: number }>;
  liveRestore: boolean;
  storageDriver: string;
  defaultRuntime: string;
  dns: string[];
  dnsSearch: string[];
  dnsOpts: string[];
  iptables: boolean;
  ipForward: boolean;
  mtu: number;
  userlandProxy: boolean;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  shutdownTimeout: number;
  /** Parent of every container's cgroup (dockerd's cgroup-parent, "/docker" there). */
  cgroupParent: string;
  /** TLS on tcp hosts: --tls serves https, --tlsverify also requires client certs signed by tlscacert. */
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

export const DEFAULT_SOCKET = 'unix:///run/berth.sock';

/** daemon.json keys dockerd knows; the ones Berth applies map to a DaemonConfig field. */
const fileKeys: Record<string, keyof DaemonConfig | null> = {
  'hosts': 'hosts', 'data-root': 'dataRoot', 'exec-root': 'execRoot', 'pidfile': 'pidfile', 'debug': 'debug',
  'log-level': 'logLevel', 'labels': 'labels', 'bip': 'bip', 'default-address-pools': 'defaultAddressPools',
  'insecure-registries': 'insecureRegistries', 'registry-mirrors': 'registryMirrors', 'log-driver': 'logDriver',
  'log-opts': 'logOpts', 'default-ulimits': 'defaultUlimits', 'live-restore': 'liveRestore',
  'storage-driver': 'storageDriver', 'default-runtime': 'defaultRuntime', 'dns': 'dns', 'dns-search': 'dnsSearch',
  'dns-opts': 'dnsOpts', 'iptables': 'iptables', 'ip-forward': 'ipForward', 'mtu': 'mtu', 'userland-proxy': 'userlandProxy',
  'max-concurrent-downloads': 'maxConcurrentDownloads', 'max-concurrent-uploads': 'maxConcurrentUploads',
  'shutdown-timeout': 'shutdownTimeout',
  // Known to dockerd, accepted and not (yet) acted on by Berth.
  'experimental': null, 'features': null, 'builder': null, 'storage-opts': null, 'exec-opts': null, 'group': null,
  'runtimes': null, 'default-shm-size': null, 'init': null, 'seccomp-profile': null, 'no-new-privileges': null,
  'ipv6': null, 'fixed-cidr': null, 'fixed-cidr-v6': null, 'default-gateway': null, 'ip-masq': null, 'icc': null,
  'ip': null, 'cgroup-parent': 'cgroupParent', 'default-cgroupns-mode': null, 'max-download-attempts': null, 'containerd': null,
  'log-format': null, 'tls': 'tls', 'tlsverify': 'tlsverify', 'tlscacert': 'tlscacert', 'tlscert': 'tlscert', 'tlskey': 'tlskey',
  'allow-nondistributable-artifacts': null, 'default-ipc-mode': null, 'userns-remap': null, 'proxies': null,
};

function defaults(): DaemonConfig {
  return {
    hosts: [], dataRoot: '/var/lib/berth', execRoot: '/run/berth', pidfile: '/run/berth.pid',
    configFile: '/etc/berth/daemon.json', debug: false, logLevel: 'info', labels: [],
    defaultAddressPools: [{ base: '172.17.0.0/16', size: 16 }, { base: '172.18.0.0/16', size: 16 }, { base: '172.19.0.0/16', size: 16 },
      { base: '172.20.0.0/14', size: 16 }, { base: '172.24.0.0/14', size: 16 }, { base: '172.28.0.0/14', size: 16 },
      { base: '192.168.0.0/16', size: 20 }],
    insecureRegistries: [], registryMirrors: [], logDriver: 'json-file', logOpts: {}, defaultUlimits: {},
    liveRestore: false, storageDriver: 'overlay2', defaultRuntime: 'berth-monitor', dns: [], dnsSearch: [], dnsOpts: [],
    iptables: true, ipForward: true, mtu: 1500, userlandProxy: true, maxConcurrentDownloads: 3, maxConcurrentUploads: 5,
    shutdownTimeout: 15, cgroupParent: '/berth',
  };
}

const flagToKey: Record<string, string> = {
  host: 'hosts', 'data-root': 'data-root', 'exec-root': 'exec-root', pidfile: 'pidfile', debug: 'debug',
  'log-level': 'log-level', 'insecure-registry': 'insecure-registries', 'registry-mirror': 'registry-mirrors',
  bip: 'bip', 'log-driver': 'log-driver', 'live-restore': 'live-restore', 'storage-driver': 'storage-driver', label: 'labels',
  tls: 'tls', tlsverify: 'tlsverify', tlscacert: 'tlscacert', tlscert: 'tlscert', tlskey: 'tlskey',
};

export const usage = `Usage:	berthd [OPTIONS]

A self-sufficient runtime for containers.

Options:
      --bip string                     Specify default-bridge IPv4 network
      --config-file string             Daemon configuration file (default "/etc/berth/daemon.json")
      --data-root string               Root directory of persistent Berth state (default "/var/lib/berth")
  -D, --debug                          Enable debug mode
      --exec-root string               Root directory for execution state files (default "/run/berth")
  -H, --host list                      Daemon socket(s) to connect to
      --insecure-registry list         Enable insecure registry communication
      --label list                     Set key=value labels to the daemon
      --live-restore                   Enable live restore of berthd when containers are still running
      --log-driver string              Default driver for container logs (default "json-file")
  -l, --log-level string               Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -p, --pidfile string                 Path to use for daemon PID file (default "/run/berth.pid")
      --registry-mirror list           Preferred registry mirror
  -s, --storage-driver string          Storage driver to use (default "overlay2")
      --tls                            Use TLS; implied by --tlsverify (--tls=false: plain tcp, on purpose)
      --tlscacert string               Trust certs signed only by this CA
      --tlscert string                 Path to TLS certificate file
      --tlskey string                  Path to TLS key file
      --tlsverify                      Use TLS and verify the remote
  -v, --version                        Print version information and quit
`;

export interface ParsedFlags { config: DaemonConfig; version: boolean; help: boolean }

const BOOL_FLAGS = ['debug', 'live-restore', 'tls', 'tlsverify', 'version', 'help'];

/** Go's strconv.ParseBool, which pflag uses for `--flag=value`. */
function parseBool(flag: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new InvalidArgument(`invalid argument "${v}" for "--${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

/**
 * Boolean flags take `--flag=false` as dockerd's do (node's parseArgs refuses a value): such
 * arguments are taken out of argv and returned apart, so an explicit false is known as such.
 */
function splitBoolValues(argv: string[]): { args: string[]; explicit: Record<string, boolean> } {
  const args: string[] = [];
  const explicit: Record<string, boolean> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (m && BOOL_FLAGS.includes(m[1]!)) explicit[m[1]!] = parseBool(m[1]!, m[2]!);
    else args.push(a);
  }
  return { args, explicit };
}

export function parseDaemonArgs(argv: string[]): ParsedFlags {
  const { args, explicit } = splitBoolValues(argv);
  const parsed = parseArgs({
    args,
    options: {
      host: { type: 'string', short: 'H', multiple: true },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      pidfile: { type: 'string', short: 'p' },
      'config-file': { type: 'string' },
      'log-level': { type: 'string', short: 'l' },
      debug: { type: 'boolean', short: 'D' },
      'insecure-registry': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      bip: { type: 'string' },
      'log-driver': { type: 'string' },
      'live-restore': { type: 'boolean' },
      'storage-driver': { type: 'string', short: 's' },
      label: { type: 'string', multiple: true },
      tls: { type: 'boolean' },
      tlsverify: { type: 'boolean' },
      tlscacert: { type: 'string' },
      tlscert: { type: 'string' },
      tlskey: { type: 'string' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const values = { ...parsed.values, ...explicit } as typeof parsed.values;
  const cfg = defaults();
  cfg.configFile = values['config-file'] ?? cfg.configFile;
  const file = readConfigFile(cfg.configFile, values['config-file'] !== undefined);

  const conflicts: string[] = [];
  for (const [flag, key] of Object.entries(flagToKey)) {
    if ((values as Record<string, unknown>)[flag] !== undefined && key in file) {
      conflicts.push(`${key}: (from flag: ${fmt((values as Record<string, unknown>)[flag])}, from file: ${fmt(file[key])})`);
    }
  }
  if (conflicts.length) {
    throw new InvalidArgument(`the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`);
  }
  applyFile(cfg, file);
  if (values.host) cfg.hosts = values.host;
  if (values['data-root']) cfg.dataRoot = values['data-root'];
  if (values['exec-root']) cfg.execRoot = values['exec-root'];
  if (values.pidfile) cfg.pidfile = values.pidfile;
  if (values['log-level']) cfg.logLevel = values['log-level'] as LogLevel;
  if (values.debug !== undefined) cfg.debug = values.debug;
  if (values['insecure-registry']) cfg.insecureRegistries = values['insecure-registry'];
  if (values['registry-mirror']) cfg.registryMirrors = values['registry-mirror'];
  if (values.bip) cfg.bip = values.bip;
  if (values['log-driver']) cfg.logDriver = values['log-driver'];
  if (values['live-restore'] !== undefined) cfg.liveRestore = values['live-restore'];
  if (values['storage-driver']) cfg.storageDriver = values['storage-driver'];
  if (values.label) cfg.labels = values.label;
  for (const k of ['tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey'] as const) {
    if (values[k] !== undefined) (cfg as unknown as Record<string, unknown>)[k] = values[k];
  }
  if (cfg.debug) cfg.logLevel = 'debug';
  if (cfg.hosts.length === 0) cfg.hosts = [DEFAULT_SOCKET];
  return { config: cfg, version: !!values.version, help: !!values.help };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
}

export function readConfigFile(path: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {};
    throw new InvalidArgument(`unable to configure the Berth daemon with file ${path}: ${(e as Error).message}`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgument(`unable to configure the Berth daemon with file ${path}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgument(`unable to configure the Berth daemon with file ${path}: the configuration must be a JSON object`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in fileKeys));
  if (unknown.length) {
    throw new InvalidArgument(`unable to configure the Berth daemon with file ${path}: the following directives don't match any configuration option: ${unknown.join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}

export function applyFile(cfg: DaemonConfig, file: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(file)) {
    const field = fileKeys[key];
    if (!field) continue;
    if (field === 'defaultUlimits') {
      cfg.defaultUlimits = value as DaemonConfig['defaultUlimits'];
    } else if (field === 'defaultAddressPools') {
      cfg.defaultAddressPools = (value as AddressPool[]).map((p) => ({ base: p.base, size: p.size }));
    } else {
      (cfg as unknown as Record<string, unknown>)[field] = value;
    }
  }
}
