import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FrameDecoder, randomName } from '@berth/shared';
import { NameRegistry, resolveContainer } from './names.js';
import { mergeConfig, mergeEnv, defaultHostConfig, validateHostConfig } from './create-config.js';
import type { SysInfo } from '../system/sysinfo.js';

const FULL_SYSINFO: SysInfo = {
  cgroupUnified: false, memoryLimit: true, swapLimit: true, memoryReservation: true, oomKillDisable: true, memorySwappiness: true,
  cpuShares: true, cpuCfs: true, cpuRealtime: true, cpuset: true, cpus: '0-1', mems: '0', blkioWeight: true, blkioWeightDevice: true,
  blkioReadBpsDevice: true, blkioWriteBpsDevice: true, blkioReadIOpsDevice: true, blkioWriteIOpsDevice: true, pidsLimit: true,
};
import { streamLogs, fixedTime, timeNanos } from './logs.js';
import { parseDetachKeys } from './attach.js';
import { containerResolvConf } from './files.js';
import type { ImageRecord } from '../images/types.js';

test('names: generated in Docker style, conflicts refused with Docker text', () => {
  assert.match(randomName(), /^[a-z]+_[a-z]+$/);
  assert.match(randomName(1), /^[a-z]+_[a-z]+\d$/);
  const r = new NameRegistry();
  assert.equal(r.reserve('web', 'id1'), '/web');
  assert.throws(() => r.reserve('/web', 'id2'), /^Conflict: The container name|Conflict\. The container name "\/web" is already in use by container "id1"\. You have to remove \(or rename\) that container to be able to reuse that name\./);
  assert.throws(() => r.reserve('bad name', 'id3'), /Invalid container name/);
  const ids = ['abc123', 'abd456'];
  assert.equal(resolveContainer('web', ids, r), 'id1');
  assert.equal(resolveContainer('abc', ids, r), 'abc123');
  assert.throws(() => resolveContainer('ab', ids, r), /multiple IDs found/);
  assert.throws(() => resolveContainer('zzz', ids, r), /No such container: zzz/);
});

const image = (config: ImageRecord['config']['config']): ImageRecord => ({ id: 'sha256:i', config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config }, repoTags: [], repoDigests: [], size: 0, parent: '', chainIDs: [] });

test('config merge: Cmd/Entrypoint/Env/WorkingDir/User/Labels from the image', () => {
  const img = image({ Cmd: ['sh'], Entrypoint: ['/init'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/w', User: 'u', Labels: { a: '1' }, StopSignal: 'SIGQUIT' });
  const c = mergeConfig({ Image: 'x', Env: ['A=2', 'B=3'], Labels: { b: '2' } }, img, 'f'.repeat(64));
  assert.deepEqual([c.Entrypoint, c.Cmd], [['/init'], ['sh']]);
  assert.deepEqual(c.Env, ['A=2', 'B=3', 'PATH=/bin']); // moby's merge: the container's first
  assert.equal(c.WorkingDir, '/w');
  assert.equal(c.User, 'u');
  assert.equal(c.Hostname, 'ffffffffffff');
  assert.deepEqual(c.Labels, { a: '1', b: '2' });
  assert.equal(c.StopSignal, 'SIGQUIT');
  // A given entrypoint drops the image's Cmd; "" resets the entrypoint.
  assert.deepEqual(mergeConfig({ Image: 'x', Entrypoint: ['echo'] }, img, 'f').Cmd, null);
  assert.deepEqual(mergeConfig({ Image: 'x', Entrypoint: [''], Cmd: ['ls'] }, img, 'f').Entrypoint, null);
  assert.throws(() => mergeConfig({ Image: 'x' }, image({}), 'f'), /: No command specified$/);
  // moby's merge: the container's entries first and as given (a bare one too), then the image's others.
  assert.deepEqual(mergeEnv(['A=1', 'P=/bin'], ['A']), ['A', 'P=/bin']);
  assert.deepEqual(mergeEnv(['P=/bin', 'A=1'], ['B=2', 'A=3']), ['B=2', 'A=3', 'P=/bin']);
});

test('host config: defaults, MemorySwap doubled, --restart with --rm refused', () => {
  const hc = defaultHostConfig({ Memory: 64 << 20 });
  validateHostConfig(hc, FULL_SYSINFO);
  assert.equal(hc.MemorySwap, 128 << 20);
  assert.equal(hc.NetworkMode, 'bridge');
  assert.equal(hc.IpcMode, 'private');
  assert.throws(() => validateHostConfig(defaultHostConfig({ AutoRemove: true, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }), FULL_SYSINFO), /AutoRemove/);
  assert.throws(() => validateHostConfig(defaultHostConfig({ Memory: 1000 }), FULL_SYSINFO), /Minimum memory limit allowed is 6MB/);
});

test('logs: tail, timestamps, since/until, stdcopy framing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-logs-'));
  const file = path.join(dir, 'x-json.log');
  fs.writeFileSync(file, [
    { log: 'one\n', stream: 'stdout', time: '2024-01-01T00:00:01.5Z' },
    { log: 'two\n', stream: 'stderr', time: '2024-01-01T00:00:02Z' },
    { log: 'three\n', stream: 'stdout', time: '2024-01-01T00:00:03.123456789Z' },
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const read = async (opts: Partial<Parameters<typeof streamLogs>[2]>) => {
    const out = new PassThrough();
    const dec = new FrameDecoder();
    const frames: string[] = [];
    dec.on('data', (f: { stream: number; payload: Buffer }) => frames.push(`${f.stream}:${f.payload}`));
    out.pipe(dec);
    await streamLogs(file, out, { follow: false, stdout: true, stderr: true, timestamps: false, tail: 'all', details: false, tty: false, ...opts });
    out.end();
    await new Promise((r) => dec.on('end', r).resume?.());
    return frames;
  };
  assert.deepEqual(await read({}), ['1:one\n', '2:two\n', '1:three\n']);
  assert.deepEqual(await read({ tail: 1 }), ['1:three\n']);
  assert.deepEqual(await read({ stderr: false }), ['1:one\n', '1:three\n']);
  assert.deepEqual(await read({ since: '1704067202', until: '1704067202.5' }), ['2:two\n']);
  assert.deepEqual(await read({ timestamps: true, tail: 1 }), ['1:2024-01-01T00:00:03.123456789Z three\n']);
  assert.equal(fixedTime('2024-01-01T00:00:01.5Z'), '2024-01-01T00:00:01.500000000Z');
  assert.equal(timeNanos('1970-01-01T00:00:01.000000002Z'), 1_000_000_002n);
  fs.rmSync(dir, { recursive: true });
});

test('detach keys and resolv.conf', () => {
  assert.deepEqual(parseDetachKeys(undefined), [16, 17]);
  assert.deepEqual(parseDetachKeys('ctrl-a,x'), [1, 120]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /Invalid detach keys/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-resolv-'));
  fs.writeFileSync(path.join(dir, 'r'), 'nameserver 127.0.0.53\nnameserver 10.0.0.1\nsearch x\n');
  assert.equal(containerResolvConf(path.join(dir, 'r')), 'nameserver 10.0.0.1\nsearch x\n');
  fs.rmSync(dir, { recursive: true });
});
