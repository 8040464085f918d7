/**
 * Unix socket paths are limited to 108 bytes; container dirs under a deep data root exceed it.
 * Connect through /proc/self/fd/<dirfd>/<name> when the path is long, as the monitor binds them.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export function connectUnix(sockPath: string): Promise<net.Socket> {
  let dirFd: number | undefined;
  let target = sockPath;
  if (Buffer.byteLength(sockPath) > 100) {
    dirFd = fs.openSync(path.dirname(sockPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    target = `/proc/self/fd/${dirFd}/${path.basename(sockPath)}`;
  }
  return new Promise((resolve, reject) => {
    const s = net.connect(target);
    const done = () => { if (dirFd !== undefined) { fs.closeSync(dirFd); dirFd = undefined; } };
    s.once('connect', () => { done(); s.removeListener('error', onErr); resolve(s); });
    const onErr = (e: Error) => { done(); reject(e); };
    s.once('error', onErr);
  });
}
