#!/usr/bin/env node
// Bench (not a test): the classic builder, median of N runs each:
//   cold 6-step build, 20 MB context     FROM, ENV, COPY (20 MB of files), RUN, WORKDIR, CMD, --no-cache
//   fully cached rebuild, same context   every step a cache hit (context upload + checksums)
//   multi-stage build (cold)             seed 002's shape: a builder stage, a small final stage
//   docker CLI cold 6-step build         DOCKER_BUILDKIT=0 docker build against berthd
// A real dockerd's legacy builder is not installed here; when one is, point DOCKER_HOST at it
// and compare by hand with the same contexts (printed at the end).
// Run as root from the repo: node --import tsx bench/build.mjs [--runs 7]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TestDaemon } from '../e2e/harness.ts';
import { runsFromArgs, timeIt, must } from './timing.mjs';
import { ensureBusybox } from '../e2e/images.ts';

const runs = runsFromArgs(7);
const time = (fn, n = runs) => timeIt(fn, n);

const d = new TestDaemon();
await d.start();
const rows = [];
try {
  ensureBusybox(d);
  const six = path.join(d.dir, 'six');
  fs.mkdirSync(path.join(six, 'data'), { recursive: true });
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(six, 'data', `blob${i}.bin`), crypto.randomBytes(1024 * 1024));
  fs.writeFileSync(path.join(six, 'Dockerfile'), 'FROM busybox\nENV APP=/app\nCOPY data /app/data\nRUN du -s /app/data > /app/size\nWORKDIR /app\nCMD ["cat", "size"]\n');
  const multi = path.join(d.dir, 'multi');
  fs.mkdirSync(multi);
  fs.writeFileSync(path.join(multi, 'build.sh'), 'printf \'#!/bin/sh\\necho "Hello, world!"\\n\' > server && chmod 755 server\n');
  fs.writeFileSync(path.join(multi, 'Dockerfile'), 'FROM busybox as builder\nWORKDIR /build\nCOPY . .\nRUN sh build.sh\n\nFROM busybox\nMAINTAINER bench\nWORKDIR /\nCOPY --from=builder /build/server .\nEXPOSE 80\nCMD ["./server"]\n');

  must(d.berth(['build', '-t', 'bench:six', six]), 'warm-up');
  rows.push(['cold 6-step build, 20 MB context (berth build --no-cache)', await time(() => must(d.berth(['build', '--no-cache', '-t', 'bench:six', six]), 'cold'))]);
  rows.push(['fully cached rebuild, 20 MB context (berth build)', await time(() => {
    const out = must(d.berth(['build', '-t', 'bench:six', six]), 'cached');
    if ((out.match(/Using cache/g) ?? []).length !== 5) throw new Error(`expected 5 cache hits:\n${out}`);
  })]);
  rows.push(['multi-stage build, cold (berth build --no-cache)', await time(() => must(d.berth(['build', '--no-cache', '-t', 'bench:multi', multi]), 'multi'))]);
  rows.push(['multi-stage build, cached (berth build)', await time(() => must(d.berth(['build', '-t', 'bench:multi', multi]), 'multi cached'))]);
  rows.push(['cold 6-step build (DOCKER_BUILDKIT=0 docker build → berthd)', await time(() => must(d.docker(['build', '--no-cache', '-t', 'bench:six', six], { env: { DOCKER_BUILDKIT: '0' } }), 'docker cold'))]);
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`median of ${runs} runs (ms)`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v.toFixed(1).padStart(8)}`);
} finally {
  await d.teardown();
}
