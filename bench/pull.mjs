#!/usr/bin/env node
// Bench (not a test): push, pull, save and load of a multi-layer ~100 MB image between berthd and
// a local docker-registry, both in a throwaway network namespace, printed as MB/s.
// Run as root from the repo: node --import tsx bench/pull.mjs [--layers 4] [--mb 100]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { TestDaemon } from '../e2e/harness.ts';
import { TestRegistry } from '../e2e/registry.ts';

const { values } = parseArgs({ options: { layers: { type: 'string', default: '4' }, mb: { type: 'string', default: '100' } } });
const layers = Number(values.layers);
const totalMb = Number(values.mb);

/** A docker-archive with `layers` layers of random files (half random, half compressible text). */
function makeArchive(dir, name) {
  const diffIds = [];
  const layerFiles = [];
  for (let i = 0; i < layers; i++) {
    const root = path.join(dir, `root${i}`, `layer${i}`);
    fs.mkdirSync(root, { recursive: true });
    const bytes = Math.floor((totalMb * 1e6) / layers);
    fs.writeFileSync(path.join(root, 'random.bin'), randomBytes(Math.floor(bytes / 2)));
    fs.writeFileSync(path.join(root, 'text.txt'), 'berth bench line of text\n'.repeat(Math.floor(bytes / 2 / 25)));
    const tar = path.join(dir, `layer${i}.tar`);
    execFileSync('tar', ['-C', path.join(dir, `root${i}`), '-cf', tar, '.']);
    diffIds.push(`sha256:${createHash('sha256').update(fs.readFileSync(tar)).digest('hex')}`);
    layerFiles.push(`layer${i}.tar`);
  }
  const config = JSON.stringify({
    architecture: 'amd64', os: 'linux', created: new Date().toISOString(),
    config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: new Date().toISOString(), created_by: `layer ${i}` })),
  });
  fs.writeFileSync(path.join(dir, 'config.json'), config);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: [name], Layers: layerFiles }]));
  const archive = path.join(dir, 'image.tar');
  execFileSync('tar', ['-C', dir, '-cf', archive, 'manifest.json', 'config.json', ...layerFiles]);
  return archive;
}

function timed(label, mb, fn) {
  const t0 = process.hrtime.bigint();
  const r = fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r && r.code !== 0) throw new Error(`${label} failed (${r.code}): ${r.stderr}`);
  console.log(`${label.padEnd(8)} ${s.toFixed(2).padStart(7)} s  ${(mb / s).toFixed(1).padStart(7)} MB/s`);
}

const d = new TestDaemon();
let reg;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
try {
  await d.start();
  reg = new TestRegistry(d);
  await reg.start();
  const name = `${reg.host}/bench:latest`;
  const archive = makeArchive(work, name);
  const mb = fs.statSync(archive).size / 1e6;
  console.log(`image: ${layers} layers, ${mb.toFixed(1)} MB uncompressed`);
  timed('load', mb, () => d.docker(['load', '-i', archive], { timeout: 600000 }));
  timed('push', mb, () => d.berth(['push', '-q', name], { timeout: 600000 }));
  const check = d.docker(['rmi', name]);
  if (check.code !== 0) throw new Error(check.stderr);
  timed('pull', mb, () => d.berth(['pull', '-q', name], { timeout: 600000 }));
  const saved = path.join(work, 'saved.tar');
  timed('save', mb, () => d.docker(['save', '-o', saved, name], { timeout: 600000 }));
  d.docker(['rmi', name]);
  timed('load', mb, () => d.docker(['load', '-i', saved], { timeout: 600000 }));
} finally {
  await reg?.stop();
  await d.teardown();
  fs.rmSync(work, { recursive: true, force: true });
}
