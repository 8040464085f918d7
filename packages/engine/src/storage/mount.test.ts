/**
 * Mounts through the addon (native/berth/src/mount.cc): options split as mount(8) splits them,
 * flags that take effect, an overlay of more lowerdirs than one page of options holds, errors
 * worded as moby's, unmounts. Needs root.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MS, MountError, mount, mountsUnder, parseMountOptions, unmount, unmountUnder } from './mount.js';

let base = '';
before(() => { base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mount-')); });
after(async () => {
  await unmountUnder(base);
  fs.rmSync(base, { recursive: true, force: true });
});

const dir = (name: string) => { const d = path.join(base, name); fs.mkdirSync(d, { recursive: true }); return d; };

/** The mount options /proc/self/mountinfo shows for `target` (per-mount and superblock). */
function optionsOf(target: string): string[] {
  const line = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').reverse().find((l) => l.split(' ')[4] === target);
  assert.ok(line, `${target} is mounted`);
  const [pre, post] = line!.split(' - ');
  return [...pre!.split(' ')[5]!.split(','), ...post!.split(' ')[2]!.split(',')];
}

test('options: flag words become flags (later ones win), the rest is the filesystem\'s data', () => {
  const cases: [string | string[], number, string[]][] = [
    ['ro,nosuid,size=1m,mode=0755', MS.RDONLY | MS.NOSUID, ['size=1m', 'mode=0755']],
    ['ro,rw', 0, []],
    ['nodev,noexec,dev', MS.NOEXEC, []],
    ['defaults', 0, []],
    ['bind,ro', MS.BIND | MS.RDONLY, []],
    ['rbind,rprivate', MS.BIND | MS.REC | MS.PRIVATE, []],
    ['addr=10.0.0.1,vers=4,soft', 0, ['addr=10.0.0.1', 'vers=4', 'soft']],
    [['noatime', 'uid=1000'], MS.NOATIME, ['uid=1000']],
    ['', 0, []],
  ];
  for (const [o, flags, data] of cases) assert.deepEqual(parseMountOptions(o), { flags, data }, JSON.stringify(o));
});

test('tmpfs with flags and data: both take effect', async () => {
  const t = dir('tmpfs');
  await mount({ type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', 'size=1m', 'mode=0750'] }, t);
  const opts = optionsOf(t);
  for (const o of ['nosuid', 'nodev', 'noexec', 'size=1024k', 'mode=750']) assert.ok(opts.includes(o), `${o} in ${opts.join(',')}`);
  assert.equal(fs.statSync(t).mode & 0o7777, 0o750);
  await unmount(t);
  assert.deepEqual(mountsUnder(t), []);
});

test('a read-only bind (device with o=bind,ro, as a local volume has it): remounted read-only', async () => {
  const src = dir('bind-src');
  fs.writeFileSync(path.join(src, 'f'), 'host');
  const t = dir('bind-ro');
  await mount({ type: 'none', source: src, options: ['bind', 'ro'] }, t);
  assert.equal(fs.readFileSync(path.join(t, 'f'), 'utf8'), 'host');
  assert.throws(() => fs.writeFileSync(path.join(t, 'g'), 'x'), { code: 'EROFS' });
  assert.ok(optionsOf(t).includes('ro'));
  await unmount(t);
});

test('an overlay of 150 lowerdirs: past the page mount(2) takes, through fsconfig lowerdir+', async () => {
  const lowers: string[] = [];
  for (let i = 0; i < 150; i++) {
    const l = dir(`layers/${String(i).padStart(3, '0')}-${'x'.repeat(40)}/diff`);
    fs.writeFileSync(path.join(l, `f${i}`), String(i));
    fs.writeFileSync(path.join(l, 'top'), String(i));
    lowers.push(l);
  }
  assert.ok(lowers.join(':').length > 4096 * 2, 'longer than a page even made relative');
  const t = dir('merged');
  const upper = dir('upper');
  const work = dir('work');
  await mount({ type: 'overlay', source: 'overlay', options: [`workdir=${work}`, `upperdir=${upper}`, `lowerdir=${lowers.join(':')}`] }, t);
  assert.equal(fs.readFileSync(path.join(t, 'f0'), 'utf8'), '0');
  assert.equal(fs.readFileSync(path.join(t, 'f149'), 'utf8'), '149');
  assert.equal(fs.readFileSync(path.join(t, 'top'), 'utf8'), '0', 'the first lowerdir is the topmost');
  fs.writeFileSync(path.join(t, 'new'), 'n');
  assert.equal(fs.readFileSync(path.join(upper, 'new'), 'utf8'), 'n');
  await unmount(t);
});

test('errors are worded as moby\'s mount package words them; unmounting a non-mount is no error', async () => {
  const t = dir('err');
  await assert.rejects(mount({ type: 'none', source: path.join(base, 'missing'), options: ['bind'] }, t),
    (e: Error) => e instanceof MountError && e.message === `mount ${path.join(base, 'missing')}:${t}, flags: 0x1000: no such file or directory`);
  await assert.rejects(mount({ type: 'nosuchfs', source: 'x', options: ['nosuid', 'a=b'] }, t),
    (e: Error) => e instanceof MountError && e.message === `mount x:${t}, flags: 0x2, data: a=b: no such device`);
  await assert.rejects(mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${path.join(base, 'nope')}`] }, t),
    (e: Error) => e instanceof MountError && /^mount overlay:.*: no such file or directory/.test(e.message));
  assert.deepEqual(mountsUnder(t), [], 'nothing was mounted');
  await unmount(t);
  await unmount(path.join(base, 'not-there'));
});

test('unmountUnder detaches every mount below a directory, deepest first', async () => {
  const top = dir('nest');
  await mount({ type: 'tmpfs', source: 'tmpfs', options: [] }, top);
  fs.mkdirSync(path.join(top, 'in'));
  await mount({ type: 'tmpfs', source: 'tmpfs', options: [] }, path.join(top, 'in'));
  assert.deepEqual(mountsUnder(top), [path.join(top, 'in'), top]);
  await unmountUnder(top);
  assert.deepEqual(mountsUnder(top), []);
});
