/** Raw mode for an interactive container session; always restored, even on errors. */
export function enterRaw(stdin: NodeJS.ReadStream): () => void {
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  let restored = false;
  const restore = () => { if (!restored) { restored = true; try { stdin.setRawMode(false); } catch { /* closed */ } } };
  process.once('exit', restore);
  return restore;
}
