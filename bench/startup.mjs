#!/usr/bin/env node
// Bench (not a test): cold start of the berth CLI beside `node -e 0` (Node's own floor) and the
// real docker CLI, both against the same throwaway berthd holding 10 running containers:
//   berth --version   no daemon contact: module loading only
//   berth ps          10 containers
//   berth images
// Each command runs N times (after one warm-up for the OS page cache); medians in ms, and
// ratios to `node -e 0` and to docker. Profile a command with:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof packages/cli/bin/berth ps
// Run as root from the repo: node --import tsx bench/startup.mjs [--runs 21]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { TestDaemon, berthBin, dockerBin } from '../e2e/harness.ts';
import { ensureBusybox } from '../e2e/images.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function time(argv, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(argv, env = {}) {
  time(argv, env); // warm the page cache
  const xs = Array.from({ length: runs }, () => time(argv, env)).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

const d = new TestDaemon({ hostNetwork: false });
await d.start();
try {
  ensureBusybox(d);
  for (let i = 0; i < 10; i++) must(d.berth(['run', '-d', '--name', `bench-${i}`, 'busybox', 'sleep', '3600']), `run ${i}`);
  const env = { BERTH_CONFIG: `${d.dir}/berth-config`, DOCKER_CONFIG: `${d.dir}/docker-config` };
  const node = median([process.execPath, '-e', '0']);
  const rows = [];
  for (const [label, args] of [['--version', ['--version']], ['ps', ['ps']], ['images', ['images']]]) {
    const berth = median([process.execPath, berthBin, '-H', d.host, ...args], env);
    const docker = median([dockerBin, '-H', d.host, ...args], env);
    rows.push({ label, berth, docker });
  }
  const f = (x) => x.toFixed(1).padStart(8);
  console.log(`cold start, median of ${runs} runs (ms); node -e 0 = ${node.toFixed(1)} ms`);
  console.log(`${'command'.padEnd(12)}${'berth'.padStart(8)}${'docker'.padStart(8)}  berth/node  berth/docker  berth-node`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(12)}${f(r.berth)}${f(r.docker)}  ${(r.berth / node).toFixed(2).padStart(10)}  ${(r.berth / r.docker).toFixed(2).padStart(12)}  ${f(r.berth - node)}`);
  }
} finally {
  await d.teardown();
}
