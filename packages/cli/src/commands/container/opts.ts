/**
 * run/create flags → the POST /containers/create body (Config + HostConfig), as the docker
 * CLI builds it (cli/command/container/opts.go). Bad values fail like Docker's flag parser:
 * `invalid argument "x" for "-m, --memory" flag: …`, exit 125.
 */
import fs from 'node:fs';
import { ramInBytes } from '@berth/shared';
import type { Args } from '../../cli/flags.js';
import { StatusError } from '../../cli/errors.js';
import { usageLine } from '../../cli/spec.js';
import { consoleSize } from '../../tty/resize.js';
import { mountFlags } from './mount-flags.js';
import { applyNetworkFlags } from './network-flags.js';
import { applyHealthFlags } from './health-flags.js';
import type { ContainerCreateRequest, HostConfig } from '@berth/shared/api/types';

/** run's flags are create's and a few more (-d, --rm's session, --sig-proxy, --detach-keys). */
export type CreateArgs = Args<'container create'>;

function badFlag(path: string, value: string, flag: string, why: string): StatusError {
  return new StatusError(125, `invalid argument "${value}" for "${flag}" flag: ${why}\n\nUsage:  ${usageLine(path)}\n\nRun 'berth ${path} --help' for more information`);
}

function bytes(path: string, s: string | undefined, flag: string, allowMinusOne = false): number | undefined {
  if (s === undefined || s === '') return undefined;
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

function envList(argv: CreateArgs): string[] {
  const out: string[] = [];
  for (const f of argv['env-file']) out.push(...readKvFile(f, true));
  for (const e of argv.env) {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e]}`);
  }
  return out;
}

function labels(argv: CreateArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of [...argv['label-file'].flatMap((f) => readKvFile(f, false)), ...argv.label]) {
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

const orNull = (v: string[]) => (v.length ? v : null);

export interface CreateRequest { name?: string; platform?: string; body: ContainerCreateRequest }

export function createRequest(argv: CreateArgs, path: string, detach: boolean, stdinIsTty = false, stdout?: NodeJS.WriteStream): CreateRequest {
  const image = argv._[0]!;
  const cmd = argv._.slice(1);
  const tty = argv.tty;
  const interactive = argv.interactive;
  const attach = argv.attach.map((a) => a.toLowerCase());
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
  const cpus = argv.cpus;
  if (cpus !== undefined && cpus < 0) throw badFlag(path, String(cpus), '--cpus', `failed to parse ${cpus} as a rational number`);
  const nanoCpus = cpus === undefined ? undefined : Math.round(cpus * 1e9);
  // `--entrypoint=` resets the image's entrypoint: sent as [""] only when the flag was given.
  const entrypoint = argv.given.has('entrypoint') ? [argv.entrypoint ?? ''] : undefined;
  const network = argv.network[0];
  const str = (v: string | undefined) => v ?? '';
  const hostConfig: HostConfig = {
    // --mount type=… goes as given: the daemon refuses an unknown type.
    Binds: mounts.Binds, Mounts: mounts.Mounts as HostConfig['Mounts'], Tmpfs: mounts.Tmpfs, VolumesFrom: mounts.VolumesFrom, VolumeDriver: mounts.VolumeDriver,
    AutoRemove: argv.rm, Privileged: argv.privileged, ReadonlyRootfs: argv['read-only'],
    CapAdd: orNull(argv['cap-add']), CapDrop: orNull(argv['cap-drop']),
    SecurityOpt: orNull(argv['security-opt']),
    Ulimits: ulimits(path, argv.ulimit),
    PidMode: str(argv.pid), IpcMode: str(argv.ipc), UTSMode: str(argv.uts), CgroupnsMode: str(argv.cgroupns) as HostConfig['CgroupnsMode'],
    NetworkMode: network || 'default',
    RestartPolicy: restartPolicy(path, argv.restart),
    Memory: memory ?? 0, MemorySwap: swap ?? 0, MemoryReservation: bytes(path, argv['memory-reservation'], '--memory-reservation') ?? 0,
    CpuShares: argv['cpu-shares'], NanoCpus: nanoCpus ?? 0, CpusetCpus: str(argv['cpuset-cpus']),
    CpusetMems: str(argv['cpuset-mems']), CpuPeriod: argv['cpu-period'], CpuQuota: argv['cpu-quota'],
    PidsLimit: argv.given.has('pids-limit') ? argv['pids-limit'] : undefined,
    OomKillDisable: argv['oom-kill-disable'], OomScoreAdj: argv['oom-score-adj'],
    ShmSize: bytes(path, argv['shm-size'], '--shm-size') ?? 0,
    ExtraHosts: orNull(argv['add-host']),
    Dns: argv.dns, DnsOptions: argv['dns-option'], DnsSearch: argv['dns-search'],
    GroupAdd: orNull(argv['group-add']),
    Init: argv.init ? true : null,
    ConsoleSize: tty && stdout ? consoleSize(stdout) : [0, 0],
    LogConfig: { Type: str(argv['log-driver']), Config: Object.fromEntries(argv['log-opt'].map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)])) },
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
  if (argv['stop-signal']) body.StopSignal = argv['stop-signal'];
  if (argv.given.has('stop-timeout')) body.StopTimeout = argv['stop-timeout'];
  void stdinIsTty;
  return { name: argv.name || undefined, platform: argv.platform || undefined, body };
}

/** The exit code docker's CLI derives from a start error's text (run.go runStartContainerErr). */
export function startErrorCode(msg: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) return 127;
  if (/permission denied/.test(msg)) return 126;
  return 125;
}
