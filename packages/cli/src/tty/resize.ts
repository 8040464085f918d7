/** Keep a container's (or exec's) TTY the size of ours: once now, then on every SIGWINCH. */
export function followResize(stdout: NodeJS.WriteStream, resize: (h: number, w: number) => Promise<unknown>): () => void {
  if (!stdout.isTTY) return () => {};
  const send = () => { const [w, h] = stdout.getWindowSize(); if (h && w) void resize(h, w).catch(() => undefined); };
  send();
  process.on('SIGWINCH', send);
  return () => { process.off('SIGWINCH', send); };
}

/** The terminal size as [height, width] for ConsoleSize, or [0, 0]. */
export function consoleSize(stdout: NodeJS.WriteStream): [number, number] {
  if (!stdout.isTTY) return [0, 0];
  const [w, h] = stdout.getWindowSize();
  return [h ?? 0, w ?? 0];
}
