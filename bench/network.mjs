#!/usr/bin/env node
// Bench (not a test): TCP throughput, printed as MB/s, all inside a throwaway network namespace
// with its own berthd. A busybox httpd serves an N MiB file; busybox wget (in a container) or
// curl (in the namespace) fetches it:
//   loopback            namespace → busybox httpd on the namespace's 127.0.0.1 (the baseline)
//   bridge              container → container on a user-defined bridge network
//   published (DNAT)    namespace → bridge gateway IP:published port (kernel DNAT to the container)
//   published (proxy)   namespace → 127.0.0.1:published port (the proxy in the container's berth-monitor)
// (busybox nc 1.35 as shipped here drops data on stdin EOF, so HTTP carries the bytes.)
// Run as root from the repo: node --import tsx bench/network.mjs [--mb 512]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TestDaemon } from '../e2e/harness.ts';
import { ensureBusybox } from '../e2e/images.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '512' } } });
const mb = Number(values.mb);
const bytes = mb * 1048576;

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const d = new TestDaemon();
await d.start();
const rows = [];
const wwwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-www-'));
let httpdPid = 0;
try {
  ensureBusybox(d);
  must(d.berth(['network', 'create', 'bench']), 'network create');
  must(d.berth(['run', '-d', '--name', 'sink', '--network', 'bench', '-p', '5001:5001', 'busybox', 'sh', '-c',
    `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1048576 count=${mb} 2>/dev/null && exec httpd -f -p 5001 -h /www`]), 'run sink');
  must(d.berth(['run', '-d', '--name', 'src', '--network', 'bench', 'busybox', 'sleep', '3600']), 'run src');
  const sinkIp = must(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.bench.IPAddress}}', 'sink']), 'inspect').trim();
  const gw = must(d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bench']), 'inspect').trim();
  fs.writeFileSync(path.join(wwwDir, 'big'), Buffer.alloc(0));
  fs.truncateSync(path.join(wwwDir, 'big'), bytes);
  httpdPid = Number(must(d.inNetns(['sh', '-c', `busybox httpd -f -p 6001 -h ${wwwDir} >/dev/null 2>&1 </dev/null & echo $!`]), 'httpd').trim());
  for (let i = 0; i < 100 && d.berth(['exec', 'src', 'wget', '-q', '--spider', `http://${sinkIp}:5001/big`]).code !== 0; i++) await sleep(100);

  /** curl in the namespace: its own timing, no process start in the figure. */
  const curl = (url) => {
    const out = must(d.inNetns(['curl', '-sS', '-o', '/dev/null', '-w', '%{size_download} %{speed_download}', url], { timeout: 300000 }), `curl ${url}`);
    const [size, speed] = out.trim().split(' ').map(Number);
    if (size !== bytes) throw new Error(`${url}: got ${size} bytes`);
    return speed / 1e6;
  };
  rows.push(['loopback (namespace 127.0.0.1)', curl('http://127.0.0.1:6001/big')]);
  const t0 = process.hrtime.bigint();
  must(d.berth(['exec', 'src', 'wget', '-q', '-O', '/dev/null', `http://${sinkIp}:5001/big`], { timeout: 300000 }), 'wget');
  rows.push(['bridge (container → container)', bytes / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9)]);
  rows.push([`published, DNAT (namespace → ${gw}:5001)`, curl(`http://${gw}:5001/big`)]);
  rows.push(['published, proxy (namespace → 127.0.0.1:5001)', curl('http://127.0.0.1:5001/big')]);
} finally {
  if (httpdPid) { try { process.kill(httpdPid); } catch { /* gone */ } }
  fs.rmSync(wwwDir, { recursive: true, force: true });
  d.berth(['rm', '-f', 'sink', 'src']);
  d.berth(['network', 'rm', 'bench']);
  await d.teardown();
}
const w = Math.max(...rows.map(([n]) => n.length));
console.log(`Throughput of one ${mb} MiB HTTP transfer:`);
for (const [name, rate] of rows) console.log(`  ${name.padEnd(w)}  ${rate.toFixed(0).padStart(6)} MB/s`);
