/**
 * The live build view on a terminal (Ink): each step with its timer, cache hits marked, the
 * running step's last output lines below it; finished steps move to <Static>. The model is
 * reduced from the same JSON events the plain renderer prints (render/build.ts). Loaded
 * lazily by `berth build` only when stdout is a terminal.
 */
import React from 'react';
import { Box, render, Static, Text } from 'ink';
import { renderBuildEvent, type BuildEvent, type BuildOutcome } from '../render/build.js';
import { useColor } from './color.js';

export interface StepView { key: number; title: string; started: number; ended?: number; cached: boolean; failed: boolean; lines: string[]; id?: string }
export interface BuildModel { steps: StepView[]; notes: string[]; /** A line still being written (no newline yet). */ partial?: string }

const TAIL = 6;

/** Fold the text of `stream` events into steps (pure: tests drive it without a terminal). */
export function reduceBuild(m: BuildModel, text: string, now = Date.now()): void {
  const all = (m.partial ?? '') + text;
  const cut = all.lastIndexOf('\n') + 1;
  m.partial = all.slice(cut);
  for (const raw of all.slice(0, cut).split(/(?<=\n)/)) {
    if (!raw) continue;
    const line = raw.replace(/\n$/, '');
    const cur = m.steps[m.steps.length - 1];
    const step = /^Step (\d+)\/(\d+) : ([\s\S]*)$/.exec(line);
    if (step) {
      if (cur && !cur.ended) cur.ended = now;
      m.steps.push({ key: m.steps.length, title: line, started: now, cached: false, failed: false, lines: [] });
      continue;
    }
    if (!cur || cur.ended) { if (line.trim()) m.notes.push(line); continue; }
    if (line === ' ---> Using cache') { cur.cached = true; continue; }
    const id = /^ ---> ([0-9a-f]{12})$/.exec(line);
    if (id) { cur.id = id[1]; continue; }
    if (/^ ---> Running in |^Removing intermediate container /.test(line)) continue;
    if (/^Successfully (built|tagged) /.test(line)) { cur.ended = now; m.notes.push(line); continue; }
    if (line.length) { cur.lines.push(line); if (cur.lines.length > 200) cur.lines.shift(); }
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function StepLine({ s, now, color }: { s: StepView; now: number; color: boolean }) {
  const t = secs((s.ended ?? now) - s.started);
  const mark = s.failed ? '✗' : s.ended ? (s.cached ? '⚡' : '✓') : '…';
  const tint = s.failed ? 'red' : s.cached ? 'cyan' : s.ended ? 'green' : 'yellow';
  const head = (
    <Text>
      <Text color={color ? tint : undefined}>{mark}</Text> {s.title}
      <Text dimColor={color}>{`  ${s.cached ? 'CACHED ' : ''}${t}${s.id ? `  → ${s.id}` : ''}`}</Text>
    </Text>
  );
  if (!s.failed) return head;
  // A failed step keeps its last output lines on screen.
  return (
    <Box flexDirection="column">
      {head}
      {s.lines.slice(-TAIL).map((l, i) => <Text key={i}>{`  │ ${l}`}</Text>)}
    </Box>
  );
}

function BuildApp({ model, color, now }: { model: BuildModel; color: boolean; now: number }) {
  const done = model.steps.filter((s) => s.ended);
  const running = model.steps.find((s) => !s.ended);
  return (
    <>
      <Static items={[...done.map((s) => ({ key: `s${s.key}`, s })), ...model.notes.map((n, i) => ({ key: `n${i}`, n }))]}>
        {(item) => ('s' in item ? <StepLine key={item.key} s={item.s} now={now} color={color} /> : <Text key={item.key}>{item.n}</Text>)}
      </Static>
      {running ? (
        <Box flexDirection="column">
          <StepLine s={running} now={now} color={color} />
          {running.lines.slice(-TAIL).map((l, i) => <Text key={i} dimColor={color} wrap="truncate-end">{`  │ ${l}`}</Text>)}
        </Box>
      ) : null}
    </>
  );
}

export async function runBuildView(events: AsyncIterable<BuildEvent>, out: NodeJS.WriteStream, outcome: BuildOutcome): Promise<void> {
  const model: BuildModel = { steps: [], notes: [] };
  const color = useColor(out);
  const draw = () => <BuildApp model={{ ...model, steps: model.steps.map((s) => ({ ...s })) }} color={color} now={Date.now()} />;
  const app = render(draw(), { stdout: out, patchConsole: false, exitOnCtrlC: false });
  const timer = setInterval(() => app.rerender(draw()), 100);
  try {
    for await (const ev of events) {
      const text = renderBuildEvent(ev, outcome);
      if (text) reduceBuild(model, text);
    }
    if (model.partial) reduceBuild(model, '\n');
    const last = model.steps[model.steps.length - 1];
    if (outcome.error && last && !last.ended) { last.failed = true; last.ended = Date.now(); }
    for (const s of model.steps) s.ended ??= Date.now();
  } finally {
    clearInterval(timer);
    app.rerender(draw());
    app.unmount();
    await app.waitUntilExit();
  }
}
