/**
 * run/create flags → the POST /containers/create body (Config + HostConfig), as the docker
 * CLI builds it (cli/command/container/opts.go). Bad values fail like Docker's flag parser:
 * `invalid argument "x" for "-m, --memory" flag: …`, exit 125.
 */
import fs from 'node:fs';
import { ramInBytes } from '@berth/shared';
import type { Argv } from '../../cli/args.js';
import { StatusError } from '../../cli/errors.js';
import { usageLine } from '../../cli/spec.js';
import { consoleSize } from '../../tty/resize.js';
import { mountFlags } from './mount-flags.js';
import { applyNetworkFlags } from './network-flags.js';
import { applyHealthFlags } from './health-flags.js';
import type { ContainerCreateRequest, HostConfig } from '@berth/shared/api/types';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);

/** Whether a flag was given on the command line (for flags whose default is indistinguishable from a value). */
export function flagGiven(names: string[], args = process.argv.slice(2)): boolean {
  return args.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`) || (n.length === 2 && a.startsWith(n) && !a.startsWith('--'))));
}

function badFlag(path: string, value: string, flag: string, why: string): StatusError {
  return new StatusError(125, `invalid argument "${value}" for "${flag}" flag: ${why}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`);
}

function bytes(path: string, v: unknown, flag: string, allowMinusOne = false): number | undefined {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  if (allowMinusOne && s === '-1') return -1;
  try { return ramInBytes(s); } catch { throw badFlag(path, s, flag, `invalid size: '${s}'`); }
}

/** Docker's env-file / label-file format: KEY=VALUE lines, # comments, bare KEY taken from our env. */
function readKvFile(file: string, fromEnv: boolean): string[] {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new StatusError(125, `berth: open ${file}: no such file or directory`); }
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    if (line.includes('=')) out.push(line.replace(/\r$/, ''));
    else if (fromEnv) { const v = process.env[line.trim()]; if (v !== undefined) out.push(`${line.trim()}=${v}`); }
    // label files: a line without "=" is dropped, as the docker CLI does
  }
  return out;
}

function envList(argv: Argv): string[] {
  const out: string[] = [];
  for (const f of list(argv['env-file'])) out.push(...readKvFile(f, true));
  for (const e of list(argv.env)) {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e]}`);
  }
  return out;
}

function labels(argv: Argv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of [...list(argv['label-file']).flatMap((f) => readKvFile(f, false)), ...list(argv.label)]) {
    const i = l.indexOf('=');
    if (i < 0) out[l] = ''; else out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

function ulimits(path: string, vals: string[]): { Name: string; Soft: number; Hard: number }[] {
  return vals.map((u) => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
    if (!m) throw badFlag(path, u, '--ulimit', `invalid ulimit argument: ${u}`);
    const soft = Number(m[2]);
    const hard = m[3] === undefined ? soft : Number(m[3]);
    if (soft > hard) throw badFlag(path, u, '--ulimit', `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    return { Name: m[1]!, Soft: soft, Hard: hard };
  });
}

function restartPolicy(path: string, v: string): NonNullable<HostConfig['RestartPolicy']> {
  if (!v || v === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = v.split(':');
  if (!['always', 'unless-stopped', 'on-failure'].includes(name!)) throw badFlag(path, v, '--restart', `invalid restart policy ${name}`);
  if (count !== undefined && name !== 'on-failure') throw badFlag(path, v, '--restart', `maximum retry count can only be used with 'on-failure'`);
  return { Name: name as 'always' | 'unless-stopped' | 'on-failure', MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

export interface CreateRequest { name?: string; platform?: string; body: ContainerCreateRequest }

export function createRequest(argv: Argv, path: string, detach: boolean, stdinIsTty = false, stdout?: NodeJS.WriteStream): CreateRequest {
  const image = argv._[0]!;
  const cmd = argv._.slice(1);
  const tty = !!argv.tty;
  const interactive = !!argv.interactive;
  const attach = list(argv.attach).map((a) => a.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw badFlag(path, a, '-a, --attach', `valid streams are STDIN, STDOUT and STDERR`);
  let attachStdin = interactive;
  let attachStdout = true;
  let attachStderr = true;
  if (attach.length) { attachStdin = attach.includes('stdin'); attachStdout = attach.includes('stdout'); attachStderr = attach.includes('stderr'); }
  if (detach) { attachStdin = attachStdout = attachStderr = false; }
  if (argv.rm && argv.restart && argv.restart !== 'no') throw new Error('conflicting options: cannot specify both --restart and --rm');

  const mounts = mountFlags(argv, path);
  const memory = bytes(path, argv.memory, '-m, --memory');
  const swap = bytes(path, argv['memory-swap'], '--memory-swap', true);
  let nanoCpus: number | undefined;
  if (argv.cpus !== undefined && argv.cpus !== '') {
    const n = Number(argv.cpus);
    if (!Number.isFinite(n) || n < 0) throw badFlag(path, String(argv.cpus), '--cpus', 'failed to parse ' + String(argv.cpus) + ' as a rational number');
    nanoCpus = Math.round(n * 1e9);
  }
  const num = (v: unknown, flag: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw badFlag(path, String(v), flag, `strconv.ParseInt: parsing "${v}": invalid syntax`);
    return n;
  };
  let entrypoint: string[] | undefined;
  if (argv.entrypoint !== undefined && flagGiven(['--entrypoint'])) entrypoint = [String(argv.entrypoint)];
  const network = list(argv.network)[0];
  const str = (v: unknown) => (v ? String(v) : '');
  const hostConfig: HostConfig = {
    // --mount type=… goes as given: the daemon refuses an unknown type.
    Binds: mounts.Binds, Mounts: mounts.Mounts as HostConfig['Mounts'], Tmpfs: mounts.Tmpfs, VolumesFrom: mounts.VolumesFrom, VolumeDriver: mounts.VolumeDriver,
    AutoRemove: !!argv.rm, Privileged: !!argv.privileged, ReadonlyRootfs: !!argv['read-only'],
    CapAdd: list(argv['cap-add']).length ? list(argv['cap-add']) : null, CapDrop: list(argv['cap-drop']).length ? list(argv['cap-drop']) : null,
    SecurityOpt: list(argv['security-opt']).length ? list(argv['security-opt']) : null,
    Ulimits: ulimits(path, list(argv.ulimit)),
    PidMode: str(argv.pid), IpcMode: str(argv.ipc), UTSMode: str(argv.uts), CgroupnsMode: str(argv.cgroupns) as HostConfig['CgroupnsMode'],
    NetworkMode: network || 'default',
    RestartPolicy: restartPolicy(path, String(argv.restart ?? 'no')),
    Memory: memory ?? 0, MemorySwap: swap ?? 0, MemoryReservation: bytes(path, argv['memory-reservation'], '--memory-reservation') ?? 0,
    CpuShares: num(argv['cpu-shares'], '-c, --cpu-shares') ?? 0, NanoCpus: nanoCpus ?? 0, CpusetCpus: str(argv['cpuset-cpus']),
    CpusetMems: str(argv['cpuset-mems']), CpuPeriod: num(argv['cpu-period'], '--cpu-period') ?? 0, CpuQuota: num(argv['cpu-quota'], '--cpu-quota') ?? 0,
    PidsLimit: flagGiven(['--pids-limit']) ? num(argv['pids-limit'], '--pids-limit') : undefined,
    OomKillDisable: !!argv['oom-kill-disable'], OomScoreAdj: num(argv['oom-score-adj'], '--oom-score-adj') ?? 0,
    ShmSize: bytes(path, argv['shm-size'], '--shm-size') ?? 0,
    ExtraHosts: list(argv['add-host']).length ? list(argv['add-host']) : null,
    Dns: list(argv.dns), DnsOptions: list(argv['dns-option']), DnsSearch: list(argv['dns-search']),
    GroupAdd: list(argv['group-add']).length ? list(argv['group-add']) : null,
    Init: argv.init ? true : null,
    ConsoleSize: tty && stdout ? consoleSize(stdout) : [0, 0],
    LogConfig: { Type: str(argv['log-driver']), Config: Object.fromEntries(list(argv['log-opt']).map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)])) },
  };
  const body: ContainerCreateRequest = {
    Hostname: str(argv.hostname), Domainname: str(argv.domainname), User: str(argv.user),
    AttachStdin: attachStdin, AttachStdout: attachStdout, AttachStderr: attachStderr,
    Tty: tty, OpenStdin: interactive, StdinOnce: interactive && attachStdin,
    Env: envList(argv), Cmd: cmd.length ? cmd : null, Image: image,
    Volumes: mounts.Volumes ?? null, WorkingDir: str(argv.workdir), Entrypoint: entrypoint ?? null,
    Labels: labels(argv),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: {} },
  };
  applyNetworkFlags(body, argv); // networking: -p/-P/--expose/--network/--ip/--network-alias/--mac-address/--link/--dns*/--add-host
  applyHealthFlags(body, argv); // health-flags.ts: --health-*, --no-healthcheck
  if (argv['stop-signal']) body.StopSignal = String(argv['stop-signal']);
  if (flagGiven(['--stop-timeout'])) body.StopTimeout = num(argv['stop-timeout'], '--stop-timeout');
  void stdinIsTty;
  return { name: (argv.name as string) || undefined, platform: (argv.platform as string) || undefined, body };
}

/** The exit code docker's CLI derives from a start error's text (run.go runStartContainerErr). */
export function startErrorCode(msg: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) return 127;
  if (/permission denied/.test(msg)) return 126;
  return 125;
}
