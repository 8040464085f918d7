/**
 * The tutorial session (see tutorial-transcript.test.ts) with the `berth` CLI in place of
 * docker, against berthd, compared step by step with Docker's recorded transcript. The steps
 * where berthd itself still differs (expected-differences.json) are left to the docker-CLI test;
 * the steps where the berth CLI prints something else than the docker CLI are listed in
 * berth-cli-differences.json and stay test.todo until issue 15 fixes the CLI.
 */
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useDaemon, type TestDaemon } from './harness.js';
import { registryPool } from './registry.js';
import { loadSession, runSession, transcriptFile, tutorialDir, unixApi, type Entry, type Target } from './tutorial/session.js';

const session = loadSession();
const docker = new Map((JSON.parse(fs.readFileSync(transcriptFile, 'utf8')) as Entry[]).map((e) => [e.id, e]));
const engineDifferences = JSON.parse(fs.readFileSync(path.join(tutorialDir, 'expected-differences.json'), 'utf8')) as Record<string, unknown>;
const cliDifferences = JSON.parse(fs.readFileSync(path.join(tutorialDir, 'berth-cli-differences.json'), 'utf8')) as Record<string, string>;

let d: TestDaemon;
const registries = registryPool();
const berth = new Map<string, Entry>();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tutorial-cli-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

before(async () => {
  d = await useDaemon();
  await registries.start(d, { port: 5000 });
  const target: Target = {
    docker: (args, opts) => d.berth(args, opts),
    host: (argv) => d.inNetns(argv),
    api: unixApi(d.host),
    work,
  };
  try {
    await runSession(session, target, (e) => { berth.set(e.id, e); });
  } catch (e) {
    console.error(`the session broke off after ${berth.size} steps: ${String(e)}`);
  }
  if (process.env.BERTH_TUTORIAL_DUMP) fs.writeFileSync(process.env.BERTH_TUTORIAL_DUMP, JSON.stringify([...berth.values()], null, 2) + '\n');
});

const show = (e: Entry) => [`$ ${e.command.replace(/^docker /, 'berth ')}`, `exit ${e.exit}`, ...e.stdout.map((l) => `1| ${l}`), ...e.stderr.map((l) => `2| ${l}`)].join('\n');

for (const step of session.steps) {
  if (step.id in engineDifferences) continue;
  const compare = () => {
    const want = docker.get(step.id);
    const got = berth.get(step.id);
    assert.ok(want && got, `${step.id}: no output`);
    // The CLI's own name in its messages ("docker: …", "Run 'docker run --help'") is berth's here.
    want.stderr = want.stderr.map((l) => l.replace(/^docker: /, 'berth: ').replace(/^Run 'docker /, "Run 'berth "));
    assert.deepStrictEqual(got, want, `step ${step.id} with the berth CLI differs from Docker:\n--- docker\n${show(want)}\n--- berth\n${show(got)}`);
  };
  const todo = cliDifferences[step.id];
  if (todo) it.todo(`${step.id} (issue 15: ${todo})`, compare);
  else it(`${step.id}: ${step.seed}`, compare);
}
