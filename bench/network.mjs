#!/usr/bin/env node
// Bench (not a test): TCP throughput with busybox nc, printed as MB/s, all inside a throwaway
// network namespace with its own berthd:
//   loopback            nc → nc over the namespace's 127.0.0.1 (the baseline)
//   bridge              container → container on a user-defined bridge network
//   published (DNAT)    namespace → bridge gateway IP:published port (kernel DNAT to the container)
//   published (proxy)   namespace → 127.0.0.1:published port (berthd's userland proxy)
// Run as root from the repo: node --import tsx bench/network.mjs [--mb 512]
import { parseArgs } from 'node:util';
import { TestDaemon } from '../e2e/harness.ts';
import { ensureBusybox } from '../e2e/images.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '512' } } });
const mb = Number(values.mb);

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Send `mb` MiB with `dd | nc` from `argv`'s context and time it end to end. */
function timed(run, target, port) {
  const t0 = process.hrtime.bigint();
  must(run(['sh', '-c', `dd if=/dev/zero bs=1048576 count=${mb} 2>/dev/null | busybox nc ${target} ${port}`]), `send to ${target}:${port}`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return (mb * 1.048576) / secs;
}

const d = new TestDaemon();
await d.start();
const rows = [];
try {
  ensureBusybox(d);
  must(d.berth(['network', 'create', 'bench']), 'network create');
  const sink = 'while true; do nc -l -p 5001 > /dev/null; done';
  must(d.berth(['run', '-d', '--name', 'sink', '--network', 'bench', '-p', '5001:5001', 'busybox', 'sh', '-c', sink]), 'run sink');
  must(d.berth(['run', '-d', '--name', 'src', '--network', 'bench', 'busybox', 'sleep', '3600']), 'run src');
  const sinkIp = must(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.bench.IPAddress}}', 'sink']), 'inspect').trim();
  const gw = must(d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bench']), 'inspect').trim();
  await new Promise((r) => setTimeout(r, 300));

  // baseline: a sink in the namespace itself
  const ns = (argv) => d.inNetns(argv, { timeout: 300000 });
  const loop = ns(['sh', '-c', 'busybox nc -l -p 6001 > /dev/null & echo $!']);
  const loopPid = Number(loop.stdout.trim());
  await new Promise((r) => setTimeout(r, 200));
  rows.push(['loopback (netns 127.0.0.1)', timed(ns, '127.0.0.1', 6001)]);
  try { process.kill(loopPid); } catch { /* exited with the connection */ }

  const inSrc = (argv) => d.berth(['exec', 'src', ...argv], { timeout: 300000 });
  rows.push(['bridge (container → container)', timed(inSrc, sinkIp, 5001)]);
  rows.push([`published, DNAT (netns → ${gw}:5001)`, timed(ns, gw, 5001)]);
  rows.push(['published, proxy (netns → 127.0.0.1:5001)', timed(ns, '127.0.0.1', 5001)]);
} finally {
  d.berth(['rm', '-f', 'sink', 'src']);
  d.berth(['network', 'rm', 'bench']);
  await d.teardown();
}
const w = Math.max(...rows.map(([n]) => n.length));
console.log(`TCP throughput, ${mb} MiB per run (busybox nc):`);
for (const [name, rate] of rows) console.log(`  ${name.padEnd(w)}  ${rate.toFixed(0).padStart(6)} MB/s`);
