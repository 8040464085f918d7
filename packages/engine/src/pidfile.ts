/** dockerd's pidfile: refuse to start while another live daemon holds it. */
import fs from 'node:fs';
import path from 'node:path';
import { Conflict } from '@berth/shared';
import { writeAtomicSync } from './storage/atomic.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export function acquirePidfile(file: string): () => void {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new Conflict(`process with PID ${pid} is still running: pid file found, ensure berthd is not running or delete ${file}`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // whole or not at all: a torn pid could name another live process and keep the next berthd from starting
  writeAtomicSync(file, `${process.pid}`, { mode: 0o644, durable: false });
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
    } catch { /* already gone */ }
  };
}
