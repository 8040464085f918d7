/**
 * Raw mode for an interactive session (run -it, exec -it, attach, start -ai), as the docker
 * CLI sets it: cfmakeraw on stdin's terminal (no echo, no ICRNL, no ISIG, no OPOST). The saved
 * settings come back on every way out: the session's end, an error, process exit (uncaught
 * exceptions included), and SIGTERM/SIGHUP/SIGINT/SIGQUIT from outside (restored, then the
 * signal raised again so the process still dies of it).
 */
const fatalSignals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

export async function enterRaw(stdin: NodeJS.ReadStream): Promise<() => void> {
  if (!stdin.isTTY) return () => {};
  const fd = (stdin as NodeJS.ReadStream & { fd: number }).fd;
  const { makeRaw, setTermios } = await import('./termios.js');
  const saved = makeRaw(fd);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    for (const s of fatalSignals) process.off(s, onSignal);
    try { setTermios(fd, saved); } catch { /* the terminal is gone (SIGHUP) */ }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    restore();
    process.kill(process.pid, sig);
  };
  process.on('exit', restore);
  for (const s of fatalSignals) process.on(s, onSignal);
  return restore;
}
