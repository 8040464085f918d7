/**
 * The tutorial session (e2e/fixtures/tutorial/session.json: the seeds' walkthroughs of images,
 * containers, volumes, networks, builds, restart policies, limits, logs, events and system
 * commands) played with the real docker CLI against berthd, normalized as the recorder normalized
 * Docker's own run (e2e/tutorial/session.ts), and compared step by step with the transcript
 * recorded against dockerd 20.10 (e2e/fixtures/tutorial/docker-transcript.json).
 *
 * A step whose difference waits for another piece of work is listed in
 * expected-differences.json with berthd's output and the item it waits for: the test then
 * holds berthd to that output exactly, and fails once the step matches Docker (remove the
 * entry then).
 */
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useDaemon, type TestDaemon } from './harness.js';
import { registryPool } from './registry.js';
import { loadSession, runSession, transcriptFile, tutorialDir, unixApi, type Entry, type Target } from './tutorial/session.js';

interface ExpectedDifference {
  /** The issue item this step waits for. */
  waitsFor: string;
  /** berthd's normalized output where it differs (fields left out are Docker's). */
  berth: Partial<Pick<Entry, 'exit' | 'stdout' | 'stderr'>>;
}

const session = loadSession();
const docker = new Map((JSON.parse(fs.readFileSync(transcriptFile, 'utf8')) as Entry[]).map((e) => [e.id, e]));
const differences = JSON.parse(fs.readFileSync(path.join(tutorialDir, 'expected-differences.json'), 'utf8')) as Record<string, ExpectedDifference>;

let d: TestDaemon;
const registries = registryPool();
const berth = new Map<string, Entry>();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tutorial-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

before(async () => {
  d = await useDaemon();
  // The tutorial pushes to 127.0.0.1:5000: a fresh namespace has that port free.
  await registries.start(d, { port: 5000 });
  const target: Target = {
    docker: (args, opts) => d.docker(args, opts),
    host: (argv) => d.inNetns(argv),
    api: unixApi(d.host),
    work,
  };
  // A session that breaks off leaves the steps it did not reach failing on their own.
  const verbose = !!process.env.BERTH_TUTORIAL_VERBOSE;
  try {
    await runSession(session, target, (e) => {
      berth.set(e.id, e);
      if (verbose) console.error(`${e.id}: exit ${e.exit}`);
    });
  } catch (e) {
    console.error(`the session broke off after ${berth.size} steps: ${String(e)}\n${d.log.slice(-3000)}`);
  }
  // BERTH_TUTORIAL_DUMP=file writes berthd's transcript (for expected-differences.json).
  if (process.env.BERTH_TUTORIAL_DUMP) fs.writeFileSync(process.env.BERTH_TUTORIAL_DUMP, JSON.stringify([...berth.values()], null, 2) + '\n');
});

it('the session and the recorded transcript have the same steps', () => {
  assert.deepEqual(session.steps.map((s) => s.id), [...docker.keys()]);
  for (const id of Object.keys(differences)) assert.ok(docker.has(id), `expected-differences.json names an unknown step ${id}`);
});

const show = (e: Entry) => [`$ ${e.command}`, `exit ${e.exit}`, ...e.stdout.map((l) => `1| ${l}`), ...e.stderr.map((l) => `2| ${l}`)].join('\n');

for (const step of session.steps) {
  it(`${step.id}: ${step.seed}`, () => {
    const want = docker.get(step.id);
    const got = berth.get(step.id);
    assert.ok(want, `no recorded Docker output for ${step.id}`);
    assert.ok(got, `the session did not reach ${step.id}`);
    const diff = differences[step.id];
    if (!diff) {
      assert.deepStrictEqual(got, want, `step ${step.id} differs from Docker:\n--- docker\n${show(want)}\n--- berthd\n${show(got)}`);
      return;
    }
    assert.notDeepStrictEqual(got, want, `step ${step.id} now matches Docker: remove its entry from expected-differences.json (it waited for ${diff.waitsFor})`);
    assert.deepStrictEqual(got, { ...want, ...diff.berth }, `step ${step.id} (an expected difference waiting for ${diff.waitsFor}) changed:\n--- expected berthd\n${show({ ...want, ...diff.berth })}\n--- berthd\n${show(got)}`);
  });
}
