/**
 * An attached session with a container (run, start -a, attach): the hijacked stream held,
 * raw mode and resize with a TTY, signals proxied as the caller says, and the exit status from the
 * wait registered before start.
 */
import type { Duplex } from 'node:stream';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import type { Container } from '../../client/objects.js';
import { enterRaw } from '../../tty/raw.js';
import { followResize } from '../../tty/resize.js';
import { holdHijacked } from '../../tty/streams.js';
import { detachBytes } from '../../tty/detach.js';

export interface SessionOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string;
  /** Forward the signals berth receives to the container (docker's ForwardAllSignals). */
  sigProxy: boolean;
}

/** Docker's CheckTty: stdin for a TTY needs a terminal on our side. */
export function checkTty(ctx: CommandContext, attachStdin: boolean, tty: boolean): void {
  if (tty && attachStdin && !ctx.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY');
}

export async function openAttach(c: Container, o: SessionOptions): Promise<Duplex> {
  return c.attach({ stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, detachKeys: o.detachKeys, hijack: true });
}

/** Register a wait on the daemon (resolves once the daemon answered with headers) and return the result promise. */
export async function registerWait(c: Container, condition: 'next-exit' | 'removed' | 'not-running'): Promise<{ result: Promise<number> }> {
  const stream = await c.modem.dial<NodeJS.ReadableStream>({ method: 'POST', path: `/containers/${encodeURIComponent(c.id)}/wait`, query: { condition }, expect: 'stream' });
  const result = new Promise<number>((resolve, reject) => {
    let body = '';
    stream.on('data', (d: Buffer) => { body += d.toString(); });
    stream.on('end', () => {
      try { resolve(Number(JSON.parse(body).StatusCode ?? 0)); } catch { reject(new Error('Error waiting for container: unexpected EOF')); }
    });
    stream.on('error', reject);
  });
  result.catch(() => undefined);
  return { result };
}

/** Hold the session until the output ends; returns whether the user detached. */
export async function holdSession(ctx: CommandContext, c: Container, sock: Duplex, o: SessionOptions): Promise<{ detached: boolean }> {
  const restore = o.tty && o.stdin ? await enterRaw(ctx.stdin) : () => {};
  const stopResize = o.tty ? followResize(ctx.stdout, (h, w) => c.resize({ h, w })) : () => {};
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const proxy = (sig: NodeJS.Signals) => { void c.kill({ signal: sig }).catch(() => undefined); };
  if (o.sigProxy) for (const s of signals) process.on(s, proxy);
  try {
    return await holdHijacked(sock, {
      tty: o.tty, stdin: o.stdin ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr, detachKeys: detachBytes(o.detachKeys),
    });
  } finally {
    restore();
    stopResize();
    for (const s of signals) process.off(s, proxy);
  }
}
