import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseUintList, validateRestartPolicy, verifyCreateResources, verifyHostSettings, verifyResources, type ResourceSettings } from './verify.js';
import { verifyUpdate } from './update.js';
import { probeSysInfo, type SysInfo } from '../system/sysinfo.js';

/** A cgroup v1 host that supports everything, with 2 CPUs and 1 memory node. */
const full: SysInfo = {
  cgroupUnified: false, memoryLimit: true, swapLimit: true, memoryReservation: true, oomKillDisable: true, memorySwappiness: true,
  cpuShares: true, cpuCfs: true, cpuRealtime: true, cpuset: true, cpus: '0-1', mems: '0', blkioWeight: true, blkioWeightDevice: true,
  blkioReadBpsDevice: true, blkioWriteBpsDevice: true, blkioReadIOpsDevice: true, blkioWriteIOpsDevice: true, pidsLimit: true,
};
/** A cgroup v2 host as dockerd sees one: no swappiness, no OOM-kill-disable, no realtime. */
const v2: SysInfo = { ...full, cgroupUnified: true, oomKillDisable: false, memorySwappiness: false, cpuRealtime: false };

const verify = (r: ResourceSettings, si = full, update = false) => verifyResources(r, si, update, 2);

test('resource values out of range: Docker\'s 400 texts', () => {
  const cases: [ResourceSettings, string][] = [
    [{ NanoCpus: 1e18 }, 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
    [{ NanoCpus: 3e9 }, 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
    [{ NanoCpus: -1 }, 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
    [{ NanoCpus: 1e9, CpuPeriod: 100000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
    [{ NanoCpus: 1e9, CpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
    [{ CpuPeriod: 999 }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
    [{ CpuPeriod: 1000001 }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
    [{ CpuQuota: 999 }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
    [{ CpusetCpus: '99' }, 'Requested CPUs are not available - requested 99, available: 0-1'],
    [{ CpusetCpus: '0,2-3' }, 'Requested CPUs are not available - requested 0,2-3, available: 0-1'],
    [{ CpusetCpus: 'abc' }, 'Invalid value abc for cpuset cpus: invalid format: abc'],
    [{ CpusetCpus: '3-1' }, 'Invalid value 3-1 for cpuset cpus: invalid format: 3-1'],
    [{ CpusetCpus: '0-9000' }, 'Invalid value 0-9000 for cpuset cpus: value of out range, maximum is 8192'],
    [{ CpusetCpus: '0,' }, 'Invalid value 0, for cpuset cpus: invalid format: 0,'],
    [{ CpusetMems: '1' }, 'Requested memory nodes are not available - requested 1, available: 0'],
    [{ CpusetMems: 'x' }, 'Invalid value x for cpuset mems: invalid format: x'],
    [{ Memory: 1024 }, 'Minimum memory limit allowed is 6MB'],
    [{ Memory: -1 }, 'Minimum memory limit allowed is 6MB'],
    [{ Memory: 64 << 20, MemorySwap: 32 << 20 }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
    [{ MemorySwap: 64 << 20 }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
    [{ MemorySwappiness: 101 }, 'Invalid value: 101, valid memory swappiness range is 0-100'],
    [{ MemorySwappiness: -2 }, 'Invalid value: -2, valid memory swappiness range is 0-100'],
    [{ MemoryReservation: 1024 }, 'Minimum memory reservation allowed is 6MB'],
    [{ Memory: 8 << 20, MemoryReservation: 16 << 20 }, 'Minimum memory limit can not be less than memory reservation limit, see usage'],
    [{ BlkioWeight: 5 }, 'Range of blkio weight is from 10 to 1000'],
    [{ BlkioWeight: 1001 }, 'Range of blkio weight is from 10 to 1000'],
    [{ IOMaximumIOps: 5 }, 'Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps'],
  ];
  for (const [r, msg] of cases) {
    assert.throws(() => verify({ ...r }), (e: Error & { status?: number }) => e.message === msg && e.status === 400, JSON.stringify(r));
  }
});

test('values in range pass without warnings', () => {
  const ok: ResourceSettings[] = [
    { NanoCpus: 2e9 }, { NanoCpus: 1e7 }, { CpuPeriod: 100000, CpuQuota: 50000 }, { CpusetCpus: '0-1' }, { CpusetCpus: '1,0,0-1' },
    { CpusetMems: '0' }, { Memory: 6291456 }, { Memory: 64 << 20, MemorySwap: -1 }, { MemorySwappiness: 0 }, { MemorySwappiness: 100 },
    { MemorySwappiness: -1 }, { BlkioWeight: 10 }, { BlkioWeight: 1000 }, { OomKillDisable: true, Memory: 8 << 20 }, { PidsLimit: -1 },
  ];
  for (const r of ok) assert.deepEqual(verify({ ...r }), [], JSON.stringify(r));
  // The swap limit is only checked with a memory limit on update (it may exist already).
  assert.deepEqual(verify({ MemorySwap: 64 << 20 }, full, true), []);
});

test('what the host cannot enforce is dropped with Docker\'s warning', () => {
  const r: ResourceSettings = { BlkioWeight: 5, MemorySwappiness: 50, OomKillDisable: true, Memory: 8 << 20 };
  assert.deepEqual(verify(r, { ...v2, blkioWeight: false }), [
    'Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.',
    'Your kernel does not support OomKillDisable. OomKillDisable discarded.',
    'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.',
  ]);
  assert.equal(r.BlkioWeight, 0); // dropped, so the range check has nothing to refuse
  assert.equal(r.MemorySwappiness, null);
  assert.equal(r.OomKillDisable, null);

  const noSwap: ResourceSettings = { Memory: 8 << 20, MemorySwap: 32 << 20 };
  assert.deepEqual(verify(noSwap, { ...full, swapLimit: false }),
    ['Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.']);
  assert.equal(noSwap.MemorySwap, -1);

  const devices: ResourceSettings = { BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 100 }], BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1 }] };
  assert.deepEqual(verify(devices, { ...full, blkioWeightDevice: false }),
    ['Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.']);
  assert.deepEqual(devices.BlkioWeightDevice, []);
  assert.equal(devices.BlkioDeviceReadBps!.length, 1);

  assert.deepEqual(verify({ OomKillDisable: true }), ['OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.']);
  assert.deepEqual(verify({ CpuPercent: 50 }), ['linux does not support CPU percent. Percent discarded.']);
  assert.deepEqual(verify({ CpusetCpus: '7' }, { ...full, cpuset: false }), ['Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.']);
  assert.throws(() => verify({ NanoCpus: 1e9 }, { ...full, cpuCfs: false }), /NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler/);
});

test('create-time checks: QoS, realtime, negative shares; host settings; restart policies', () => {
  const create: [ResourceSettings, SysInfo, string][] = [
    [{ IOMaximumBandwidth: 1 }, full, 'invalid option: QoS maximum bandwidth configuration is not supported on linux'],
    [{ IOMaximumIOps: 1 }, full, 'invalid option: QoS maximum IOPs configuration is not supported on linux'],
    [{ CpuRealtimeRuntime: 100 }, v2, 'Your kernel does not support CPU real-time scheduler'],
    [{ CpuRealtimePeriod: 100, CpuRealtimeRuntime: 200 }, full, 'cpu real-time runtime cannot be higher than cpu real-time period'],
    [{ CpuShares: -1 }, full, 'invalid CPU shares (-1): value must be a positive integer'],
  ];
  for (const [r, si, msg] of create) assert.throws(() => verifyCreateResources(r, si), { message: msg });
  verifyCreateResources({ CpuShares: -1 }, { ...full, cpuShares: false });

  const host: [Parameters<typeof verifyHostSettings>[0], string][] = [
    [{ OomScoreAdj: 5000 }, 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
    [{ OomScoreAdj: -1001 }, 'Invalid value -1001, range for oom score adj is [-1000, 1000]'],
    [{ ShmSize: -1 }, 'SHM size can not be less than 0'],
    [{ IpcMode: 'bogus' }, 'invalid IPC mode: bogus'],
    [{ PidMode: 'container:' }, 'invalid PID mode: container:'],
    [{ UTSMode: 'private' }, 'invalid UTS mode: private'],
    [{ CgroupnsMode: 'x' }, 'invalid cgroup namespace mode: x'],
  ];
  for (const [hc, msg] of host) assert.throws(() => verifyHostSettings(hc), { message: msg });
  verifyHostSettings({ OomScoreAdj: 1000, IpcMode: 'shareable', PidMode: 'container:abc', UTSMode: 'host', CgroupnsMode: 'host' });

  const restart: [{ Name?: string; MaximumRetryCount?: number }, string][] = [
    [{ Name: 'always', MaximumRetryCount: 3 }, "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    [{ Name: 'no', MaximumRetryCount: -1 }, "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative"],
    [{ Name: 'on-failure', MaximumRetryCount: -1 }, 'invalid restart policy: maximum retry count cannot be negative'],
    [{ Name: 'sometimes' }, "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"],
  ];
  for (const [p, msg] of restart) assert.throws(() => validateRestartPolicy(p), { message: msg });
  validateRestartPolicy({ Name: '', MaximumRetryCount: 5 });
});

test('update verifies the new values alone, as dockerd does before it looks the container up', () => {
  assert.throws(() => verifyUpdate({ NanoCpus: 3e9 }, full), { message: 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available' });
  assert.throws(() => verifyUpdate({ CpusetCpus: '99' }, full), { message: 'Requested CPUs are not available - requested 99, available: 0-1' });
  assert.throws(() => verifyUpdate({ RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } }, full), /maximum retry count can only be used/);
  assert.deepEqual(verifyUpdate({ BlkioWeight: 500 }, { ...full, blkioWeight: false }),
    ['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
});

test('parseUintList: moby\'s formats', () => {
  assert.deepEqual([...parseUintList('7')], [7]);
  assert.deepEqual([...parseUintList('0,3-4,7,8-10')].sort((a, b) => a - b), [0, 3, 4, 7, 8, 9, 10]);
  assert.deepEqual([...parseUintList('03,1-3')].sort(), [1, 2, 3]);
  assert.deepEqual([...parseUintList('')], []);
  for (const bad of ['a', '1-', '-1', '1,,2', '2-1', ' 1']) assert.throws(() => parseUintList(bad), { message: `invalid format: ${bad}` });
  assert.throws(() => parseUintList('10', 8), { message: 'value of out range, maximum is 8' });
});

test('sysinfo: cgroup v1 files and v2 controllers, as moby probes them', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sysinfo-'));
  try {
    // v1: controllers found through the mount table; files decide the features.
    const v1 = path.join(root, 'v1');
    const proc = path.join(root, 'proc');
    fs.mkdirSync(proc, { recursive: true });
    for (const [dir, files] of Object.entries({
      memory: ['memory.memsw.limit_in_bytes', 'memory.soft_limit_in_bytes', 'memory.oom_control', 'memory.swappiness'],
      'cpu,cpuacct': ['cpu.shares', 'cpu.cfs_quota_us', 'cpu.rt_period_us'],
      cpuset: ['cpuset.cpus', 'cpuset.mems'],
      blkio: ['blkio.throttle.read_bps_device', 'blkio.throttle.write_bps_device', 'blkio.throttle.read_iops_device', 'blkio.throttle.write_iops_device'],
    })) {
      fs.mkdirSync(path.join(v1, dir), { recursive: true });
      for (const f of files) fs.writeFileSync(path.join(v1, dir, f), '');
    }
    fs.writeFileSync(path.join(v1, 'cpuset/cpuset.cpus'), '0-3\n');
    fs.writeFileSync(path.join(v1, 'cpuset/cpuset.mems'), '0\n');
    fs.writeFileSync(path.join(proc, 'mounts'), [
      `cgroup ${v1}/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0`,
      `cgroup ${v1}/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0`,
      `cgroup ${v1}/cpuset cgroup rw,nosuid,nodev,noexec,relatime,cpuset 0 0`,
      `cgroup ${v1}/blkio cgroup rw,nosuid,nodev,noexec,relatime,blkio 0 0`,
      'proc /proc proc rw 0 0', '',
    ].join('\n'));
    const si1 = probeSysInfo(v1, proc);
    assert.equal(si1.cgroupUnified, false);
    assert.equal(si1.swapLimit, true);
    assert.equal(si1.cpuRealtime, true);
    assert.equal(si1.blkioWeight, false); // no blkio.weight: no CFQ/BFQ
    assert.equal(si1.blkioReadBpsDevice, true);
    assert.equal(si1.pidsLimit, false); // pids not mounted
    assert.equal(si1.cpus, '0-3');
    assert.equal(si1.mems, '0');

    // v2: the root's controllers; swap from the daemon's own cgroup.
    const v2root = path.join(root, 'v2');
    fs.mkdirSync(path.join(v2root, 'system.slice'), { recursive: true });
    fs.writeFileSync(path.join(v2root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    fs.writeFileSync(path.join(v2root, 'cpuset.cpus.effective'), '0-7\n');
    fs.writeFileSync(path.join(v2root, 'cpuset.mems.effective'), '0-1\n');
    fs.writeFileSync(path.join(v2root, 'system.slice/memory.swap.max'), 'max\n');
    fs.writeFileSync(path.join(proc, 'cgroup'), '0::/system.slice\n');
    const si2 = probeSysInfo(v2root, proc);
    assert.deepEqual({ ...si2 }, {
      cgroupUnified: true, memoryLimit: true, swapLimit: true, memoryReservation: true, oomKillDisable: false, memorySwappiness: false,
      cpuShares: true, cpuCfs: true, cpuRealtime: false, cpuset: true, cpus: '0-7', mems: '0-1', blkioWeight: true, blkioWeightDevice: true,
      blkioReadBpsDevice: true, blkioWriteBpsDevice: true, blkioReadIOpsDevice: true, blkioWriteIOpsDevice: true, pidsLimit: true,
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
