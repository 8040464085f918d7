/**
 * The terminal's termios through libc (tcgetattr, cfmakeraw, tcsetattr) by koffi's FFI.
 * Node's setRawMode is libuv's raw mode, which keeps OPOST|ONLCR on: a container's "\r\n"
 * would reach the screen as "\r\r\n". Docker's raw mode (moby/term MakeRaw) is cfmakeraw's.
 * The struct is handled as opaque bytes, so its layout never matters here.
 */
import koffi from 'koffi';

const TCSANOW = 0;
/** Larger than any libc's struct termios (glibc's is 60 bytes). */
const TERMIOS_BYTES = 256;

// The process itself: libc is already loaded, whichever libc it is.
const libc = koffi.load(null);
const tcgetattr = libc.func('int tcgetattr(int fd, void *termios)');
const tcsetattr = libc.func('int tcsetattr(int fd, int when, void *termios)');
const cfmakeraw = libc.func('void cfmakeraw(void *termios)');

function check(ret: number, what: string): void {
  if (ret !== 0) throw new Error(`${what}: errno ${koffi.errno()}`);
}

/** The terminal's current settings, to hand back to `setTermios` later. */
export function getTermios(fd: number): Buffer {
  const state = Buffer.alloc(TERMIOS_BYTES);
  check(tcgetattr(fd, state), 'tcgetattr');
  return state;
}

export function setTermios(fd: number, state: Buffer): void {
  check(tcsetattr(fd, TCSANOW, state), 'tcsetattr');
}

/** Puts the terminal in cfmakeraw's mode; returns the settings it had. */
export function makeRaw(fd: number): Buffer {
  const saved = getTermios(fd);
  const raw = Buffer.from(saved);
  cfmakeraw(raw);
  setTermios(fd, raw);
  return saved;
}
