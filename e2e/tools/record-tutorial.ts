/**
 * Records the tutorial session (e2e/fixtures/tutorial/session.json) with the docker CLI against a
 * real dockerd and writes the normalized transcript the e2e test compares berthd with.
 * Not part of the test suite: run it by hand when the session changes, against a dockerd that
 * has no containers, images, volumes or networks of its own and allows 127.0.0.1:5000 as an
 * insecure registry:
 *
 *   node --import tsx e2e/tools/record-tutorial.ts unix:///path/to/docker.sock [out.json]
 *
 * It starts Debian's docker-registry on 127.0.0.1:5000 for the push and pull steps (stopped by
 * PID at the end) and leaves the engine as it found it (the session ends by cleaning up).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSession, runSession, transcriptFile, unixApi, type Target } from '../tutorial/session.js';

// Not the harness's runSync: importing the harness would register node:test hooks.
function runSync(cmd: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  const r = spawnSync(cmd, args, { input: opts.input, encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...opts.env } });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const host = process.argv[2];
const out = process.argv[3] ?? transcriptFile;
if (!host?.startsWith('unix://')) {
  console.error('usage: record-tutorial.ts unix:///path/to/docker.sock [out.json]');
  process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tutorial-'));
const work = path.join(tmp, 'work');
fs.mkdirSync(work);
const config = path.join(tmp, 'docker-config');

const api = unixApi(host);
const before = await api('/containers/json?all=1') as unknown[];
const images = await api('/images/json?all=1') as unknown[];
if (before.length || images.length) {
  console.error(`the engine at ${host} has ${before.length} containers and ${images.length} images: record against an empty one`);
  process.exit(1);
}

const regConfig = path.join(tmp, 'registry.yml');
fs.writeFileSync(regConfig, ['version: 0.1', 'log:', '  level: warn', '  accesslog:', '    disabled: true',
  'storage:', '  filesystem:', `    rootdirectory: ${path.join(tmp, 'registry')}`, '  delete:', '    enabled: true',
  'http:', '  addr: 127.0.0.1:5000', ''].join('\n'));
const registry = spawn('docker-registry', ['serve', regConfig], { stdio: 'inherit' });
for (let i = 0; i < 100; i++) {
  if (runSync('curl', ['-s', '-o', '/dev/null', 'http://127.0.0.1:5000/v2/']).code === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}

const target: Target = {
  docker: (args, opts) => runSync('docker', ['-H', host, ...args], { ...opts, env: { DOCKER_CONFIG: config, ...opts.env } }),
  host: (argv) => runSync(argv[0]!, argv.slice(1)),
  api,
  work,
};

try {
  const entries = await runSession(loadSession(), target, (e) => {
    console.log(`${e.id}: exit ${e.exit}`);
  });
  fs.writeFileSync(out, JSON.stringify(entries, null, 2) + '\n');
  console.log(`wrote ${entries.length} steps to ${out}`);
} finally {
  registry.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
