import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSpec, processEnv, cgroupsPath, MASKED_PATHS } from './spec.js';
import { containerCaps, DEFAULT_CAPS } from './caps.js';
import { defaultSeccomp } from './seccomp.js';
import { parseSignal } from './signals.js';
import { defaultHostConfig } from '../containers/create-config.js';
import { ZERO_TIME, type ContainerRecord } from '../containers/types.js';

function record(over: Partial<ContainerRecord['Config']> = {}): ContainerRecord {
  return {
    Id: 'a'.repeat(64), Created: '2024-01-01T00:00:00Z', Path: 'sh', Args: ['-c', 'true'],
    Config: { Hostname: 'aaaaaaaaaaaa', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
      OpenStdin: false, StdinOnce: false, Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], Image: 'busybox', Volumes: null, WorkingDir: '',
      Entrypoint: null, OnBuild: null, Labels: {}, ...over },
    State: { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0,
      Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME },
    Image: 'sha256:x', Name: '/x', RestartCount: 0, Driver: 'overlay2', Platform: 'linux', MountLabel: '', ProcessLabel: '',
    AppArmorProfile: '', ResolvConfPath: '/c/resolv.conf', HostnamePath: '/c/hostname', HostsPath: '/c/hosts', LogPath: '/c/log',
    HasBeenStartedBefore: false, ExecIDs: [],
  };
}

const render = (hc = {}, cfg = {}) => renderSpec({ record: record(cfg), hostConfig: defaultHostConfig(hc), bundle: '/b', rootfs: '/m', overlay: 'lowerdir=/l1:/l2,upperdir=/u,workdir=/w' });

test('default spec: Docker caps, seccomp, masked paths, namespaces, mounts', () => {
  const s = render();
  assert.deepEqual(s.process.capabilities.bounding, DEFAULT_CAPS);
  assert.deepEqual(s.process.args, ['sh', '-c', 'true']);
  assert.equal((s.linux.seccomp as { defaultAction: string }).defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(s.linux.maskedPaths, MASKED_PATHS);
  assert.deepEqual((s.linux.namespaces as { type: string }[]).map((n) => n.type), ['mount', 'network', 'pid', 'ipc', 'uts', 'cgroup']);
  assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts']);
  assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')!.options!.includes('size=67108864'));
  assert.ok(s.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
  assert.equal(s.hostname, 'aaaaaaaaaaaa');
  assert.equal(s.annotations['berth.rootfs-overlay'], 'lowerdir=/l1:/l2,upperdir=/u,workdir=/w');
  assert.equal(s.linux.cgroupsPath, `/berth/${'a'.repeat(64)}`);
});

test('resources from HostConfig', () => {
  const s = render({ Memory: 64 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024, CpuShares: 512, NanoCpus: 1_500_000_000, CpusetCpus: '0', PidsLimit: 20, OomKillDisable: true });
  const r = s.linux.resources as Record<string, any>;
  assert.deepEqual(r.memory, { limit: 67108864, swap: 134217728, disableOOMKiller: true });
  assert.deepEqual(r.cpu, { shares: 512, period: 100000, quota: 150000, cpus: '0' });
  assert.deepEqual(r.pids, { limit: 20 });
});

test('privileged: all caps, no seccomp, no masked paths, /sys rw, devices allowed', () => {
  const s = render({ Privileged: true });
  assert.ok(s.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.equal(s.linux.seccomp, undefined);
  assert.equal(s.linux.maskedPaths, undefined);
  assert.ok(s.mounts.find((m) => m.destination === '/sys')!.options!.includes('rw'));
  assert.equal(s.annotations['berth.privileged'], 'true');
});

test('host namespaces, read-only root, tmpfs, init, user, no-new-privileges', () => {
  const s = render({ PidMode: 'host', IpcMode: 'host', UTSMode: 'host', NetworkMode: 'host', ReadonlyRootfs: true, Tmpfs: { '/run': 'size=1m' }, Init: true, SecurityOpt: ['no-new-privileges'] }, { User: 'nobody', Tty: true });
  assert.deepEqual((s.linux.namespaces as { type: string }[]).map((n) => n.type), ['mount', 'cgroup']);
  assert.equal(s.root.readonly, true);
  assert.equal(s.hostname, undefined);
  assert.deepEqual(s.mounts.find((m) => m.destination === '/run')!.options, ['noexec', 'nosuid', 'nodev', 'size=1m']);
  assert.equal(s.annotations['berth.init'], 'true');
  assert.equal(s.annotations['berth.user'], 'nobody');
  assert.equal(s.process.noNewPrivileges, true);
  assert.ok(s.process.env.includes('TERM=xterm'));
  assert.equal(s.mounts.find((m) => m.destination === '/dev/shm')!.source, '/dev/shm');
});

test('env: PATH default, HOSTNAME, container values win', () => {
  assert.deepEqual(processEnv(['A=1'], 'h', false), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'A=1']);
  assert.deepEqual(processEnv(['PATH=/x', 'HOSTNAME=y'], 'h', true), ['PATH=/x', 'HOSTNAME=y', 'TERM=xterm']);
});

test('rlimits are clamped to the daemon hard limit', () => {
  const nofile = render().process.rlimits!.find((r) => r.type === 'RLIMIT_NOFILE')!;
  assert.ok(nofile.hard <= 1048576 && nofile.soft === nofile.hard);
});

test('capabilities: add/drop/ALL', () => {
  assert.deepEqual(containerCaps([], ['ALL']), []);
  assert.ok(containerCaps(['NET_ADMIN']).includes('CAP_NET_ADMIN'));
  assert.ok(!containerCaps([], ['chown']).includes('CAP_CHOWN'));
  assert.throws(() => containerCaps(['BOGUS']), /unknown capability: "BOGUS"/);
});

test('seccomp: cap-dependent rules, cached per set', () => {
  const plain = defaultSeccomp(DEFAULT_CAPS);
  const admin = defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_ADMIN']);
  const names = (s: typeof plain) => s.syscalls.flatMap((r) => (r.action === 'SCMP_ACT_ALLOW' && !r.args ? r.names : []));
  assert.ok(!names(plain).includes('mount'));
  assert.ok(names(admin).includes('mount'));
  assert.equal(defaultSeccomp([...DEFAULT_CAPS]), plain);
  if (process.arch === 'x64') assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
});

test('signals and cgroup paths', () => {
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('2'), 2);
  assert.throws(() => parseSignal('NOPE'), /Invalid signal: NOPE/);
  assert.equal(cgroupsPath('id', '', 'berth-e2e'), '/berth-e2e/id');
  assert.equal(cgroupsPath('id', '/custom/', undefined), '/custom/id');
});
