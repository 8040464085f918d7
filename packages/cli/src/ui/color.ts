/** Colors only on a terminal, never with NO_COLOR (any value) or TERM=dumb: https://no-color.org */
export function useColor(stream: { isTTY?: boolean }): boolean {
  return !!stream.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

/** Live (Ink) views only on a terminal, unless BERTH_PROGRESS=plain asks for append-only lines. */
export function useLiveView(stream: { isTTY?: boolean }): boolean {
  return !!stream.isTTY && process.env.BERTH_PROGRESS !== 'plain' && process.env.TERM !== 'dumb';
}
