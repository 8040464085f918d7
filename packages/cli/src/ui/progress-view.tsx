/**
 * The pull/push/load progress view on a terminal (Ink): finished lines in <Static>, the layers of
 * the current block below, each with its status, a bar sized to the terminal, sizes and speed.
 * The same jsonmessage stream renders as plain append-only lines elsewhere (render/progress.ts).
 * Loaded lazily: Ink and React never load for commands that don't draw live views.
 */
import React from 'react';
import { Box, render, Static, Text, useStdout } from 'ink';
import { humanSize, humanSize3 } from '@berth/shared';
import type { ProgressEvent } from '../client/modem.js';
import { ProgressStreamError } from '../render/progress.js';
import { useColor } from './color.js';

export interface Layer { id: string; status: string; current?: number; total?: number; speed?: number; at: number; bytesAt: number }

/** The view's model, reduced from events; pure so tests can drive it without a terminal. */
export interface ProgressModel {
  /** Finished text: lines without an id, and layer blocks closed by such a line. */
  done: { key: number; text: string }[];
  /** The open block of layer lines, in first-seen order. */
  layers: Layer[];
  aux: ProgressEvent[];
  error?: string;
}

export const newModel = (): ProgressModel => ({ done: [], layers: [], aux: [] });

const doneStatuses = /^(Pull complete|Already exists|Download complete|Pushed|Layer already exists|Mounted from|Loaded|Verifying Checksum)/;

export function layerText(l: Layer, width: number): string {
  const sizes = l.total ? `${humanSize(l.current ?? 0)}/${humanSize(l.total)}` : l.current ? humanSize(l.current) : '';
  const speed = l.speed && l.total && (l.current ?? 0) < l.total ? `${humanSize3(l.speed)}/s` : '';
  const head = `${l.id}: ${l.status}`;
  if (doneStatuses.test(l.status)) return head;
  if (!l.total) return [head, sizes].filter(Boolean).join(' ');
  const room = width - head.length - sizes.length - speed.length - 6;
  const barWidth = Math.max(0, Math.min(50, room));
  const filled = Math.min(barWidth, Math.floor(((l.current ?? 0) / l.total) * barWidth));
  const bar = barWidth >= 10 ? `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(barWidth - Math.max(filled, 0))}] ` : '';
  return `${head} ${bar}${sizes}${speed ? '  ' + speed : ''}`;
}

/** Fold one event into the model (Docker's rules: a line without an id closes the layer block). */
export function reduce(m: ProgressModel, ev: ProgressEvent, width: number, now = Date.now()): void {
  if (ev.aux) { m.aux.push(ev); return; }
  if (ev.error || ev.errorDetail) { m.error = ev.errorDetail?.message ?? ev.error ?? 'unknown error'; return; }
  const key = () => m.done.length;
  if (ev.id && (ev.progressDetail !== undefined || ev.progress !== undefined)) {
    let l = m.layers.find((x) => x.id === ev.id);
    if (!l) { l = { id: ev.id, status: '', at: now, bytesAt: 0 }; m.layers.push(l); }
    l.status = ev.status ?? l.status;
    const cur = ev.progressDetail?.current;
    if (cur !== undefined) {
      const dt = (now - l.at) / 1000;
      if (dt >= 0.2 && cur >= l.bytesAt) {
        const inst = (cur - l.bytesAt) / dt;
        l.speed = l.speed === undefined ? inst : 0.7 * l.speed + 0.3 * inst;
        l.at = now;
        l.bytesAt = cur;
      }
      l.current = cur;
      l.total = ev.progressDetail?.total ?? l.total;
    } else if (doneStatuses.test(l.status)) {
      l.current = l.total;
    }
    return;
  }
  // A plain line: the layer block above it is final.
  for (const l of m.layers) m.done.push({ key: key(), text: layerText(l, width) });
  m.layers = [];
  const text = ev.stream !== undefined ? ev.stream.replace(/\n$/, '') : `${ev.id ? `${ev.id}: ` : ''}${ev.status ?? ''}`;
  m.done.push({ key: key(), text });
}

function LayerRow({ layer, width, color }: { layer: Layer; width: number; color: boolean }) {
  const text = layerText(layer, width);
  if (!color) return <Text>{text}</Text>;
  const finished = doneStatuses.test(layer.status);
  return (
    <Text>
      <Text dimColor>{layer.id}:</Text>
      <Text color={finished ? 'green' : 'cyan'}>{text.slice(layer.id.length + 1)}</Text>
    </Text>
  );
}

function ProgressApp({ model, color }: { model: ProgressModel; color: boolean }) {
  const { stdout } = useStdout();
  const width = stdout.columns || 80;
  return (
    <>
      <Static items={[...model.done]}>{(item) => <Text key={item.key}>{item.text}</Text>}</Static>
      <Box flexDirection="column">
        {model.layers.map((l) => <LayerRow key={l.id} layer={l} width={width} color={color} />)}
      </Box>
    </>
  );
}

/**
 * Read a JSON-lines progress stream and draw it with Ink on `out` (a TTY). Resolves with the aux
 * messages; rejects with ProgressStreamError on an error line, after the view is closed.
 */
export async function inkProgress(stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): Promise<ProgressEvent[]> {
  const model = newModel();
  const color = useColor(out);
  const width = () => out.columns || 80;
  const app = render(<ProgressApp model={model} color={color} />, { stdout: out, patchConsole: false, exitOnCtrlC: false });
  let pending = false;
  let closed = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; if (!closed) app.rerender(<ProgressApp model={{ ...model }} color={color} />); }, 50);
  };
  let buf = '';
  const handle = (line: string) => {
    if (!line.trim()) return;
    reduce(model, JSON.parse(line) as ProgressEvent, width());
    redraw();
  };
  try {
    for await (const chunk of stream) {
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { handle(buf.slice(0, i)); buf = buf.slice(i + 1); }
      if (model.error) break;
    }
    handle(buf);
  } finally {
    // Final frame: the open layer block stays on screen as the last lines.
    closed = true;
    app.rerender(<ProgressApp model={{ ...model }} color={color} />);
    await new Promise((r) => setTimeout(r, 40)); // let Ink's throttled render write the last frame
    app.unmount();
    await app.waitUntilExit();
  }
  if (model.error) throw new ProgressStreamError(model.error);
  return model.aux;
}
