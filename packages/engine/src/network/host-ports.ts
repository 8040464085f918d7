/**
 * Host sockets of published ports. berthd binds them (native/berth/src/ports.cc) at start, so it
 * learns the port (for -p 0:80) and Docker's errors on the spot, and hands them to the
 * container's berth-monitor, which serves them for as long as the container runs: the ports
 * answer on 127.0.0.1 and [::1] (which DNAT leaves alone) and stay reserved while berthd is down
 * or restarting. They are released when the monitor exits with the container.
 */
import { nativeAddon } from '../native.js';

export interface BoundPort { fd: number; port: number }

interface Addon { bindHostPort(proto: 'tcp' | 'udp', ip: string, port: number): BoundPort }

/**
 * A listening TCP socket or a bound UDP socket on `ip:port` (port 0: the kernel picks), close-on-exec.
 * The caller owns the fd. Throws with `code` (EADDRINUSE, EADDRNOTAVAIL, ...).
 */
export function bindHostPort(proto: 'tcp' | 'udp', ip: string, port: number): BoundPort {
  return nativeAddon<Addon>().bindHostPort(proto, ip, port);
}

/** Docker's (Go's net.JoinHostPort) spelling: 0.0.0.0:80, [::1]:80. */
export const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
