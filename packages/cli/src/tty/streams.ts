/**
 * Holds a hijacked attach/exec connection: output to our stdout/stderr (raw with a TTY,
 * demultiplexed without), our stdin to the container (half-close on EOF), the detach keys
 * noticed locally so the command can exit 0 once the daemon lets go.
 */
import type { Duplex } from 'node:stream';
import { FrameDecoder, StdStream } from '@berth/shared';
import { detachMatcher } from './detach.js';

export interface HoldOptions {
  tty: boolean;
  stdin?: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  detachKeys: number[];
}

export function holdHijacked(sock: Duplex, o: HoldOptions): Promise<{ detached: boolean }> {
  return new Promise((resolve) => {
    let detached = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (o.stdin) { o.stdin.off('data', onIn); o.stdin.off('end', onInEnd); o.stdin.pause(); }
      resolve({ detached });
    };
    if (o.tty) {
      sock.on('data', (c: Buffer) => { o.stdout.write(c); });
    } else {
      const dec = new FrameDecoder();
      dec.on('data', (f: { stream: StdStream; payload: Buffer }) => {
        (f.stream === StdStream.Stderr || f.stream === StdStream.Systemerr ? o.stderr : o.stdout).write(f.payload);
      });
      sock.on('data', (c: Buffer) => dec.write(c));
    }
    sock.resume();
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', finish);
    const seen = detachMatcher(o.detachKeys);
    const onIn = (c: Buffer) => {
      if (seen(c)) detached = true;
      if (sock.writable) sock.write(c);
    };
    const onInEnd = () => { if (!o.tty && sock.writable) sock.end(); };
    if (o.stdin) {
      o.stdin.on('data', onIn);
      o.stdin.on('end', onInEnd);
      o.stdin.resume();
    }
  });
}
