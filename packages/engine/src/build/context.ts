/**
 * The build context: the request body (a tar, plain or gzip/bzip2/xz) extracted into a private
 * directory; the Dockerfile read from it; `.dockerignore` read back so that the Dockerfile and
 * the ignore file are dropped when they are themselves ignored (as Docker's daemon does).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { DockerIgnore } from '@berth/shared/dockerignore';

/** Read the first bytes of a stream without losing them. */
async function peek(src: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const c = src.read() as Buffer | null;
    if (c) { chunks.push(c); size += c.length; if (size >= n) break; continue; }
    if (src.readableEnded) break;
    const more = await new Promise<boolean>((resolve) => {
      const onR = () => { cleanup(); resolve(true); };
      const onE = () => { cleanup(); resolve(false); };
      const cleanup = () => { src.off('readable', onR); src.off('end', onE); };
      src.once('readable', onR);
      src.once('end', onE);
    });
    if (!more) break;
  }
  const all = Buffer.concat(chunks);
  if (all.length) src.unshift(all);
  return all.subarray(0, n);
}

function compressionFlag(head: Buffer): string[] {
  if (head[0] === 0x1f && head[1] === 0x8b) return ['-z'];
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return ['-j'];
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return ['-J'];
  if (head.readUInt32LE(0) === 0xfd2fb528) return ['--zstd'];
  return [];
}

/** Extract the context stream into `dir` (created). An empty body is an empty context. */
export async function extractContext(src: Readable, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const head = await peek(src, 6);
  if (!head.length) return;
  const p = spawn('tar', ['-x', ...compressionFlag(head), '--no-same-owner', '--numeric-owner', '--delay-directory-restore', '-C', dir, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (c) => { err += c; });
  const closed = new Promise<number | null>((r) => p.on('close', r));
  src.pipe(p.stdin);
  p.stdin.on('error', () => undefined);
  const code = await closed;
  if (code !== 0) throw new InvalidArgument(`failed to read the build context: ${err.trim().split('\n')[0] ?? 'tar failed'}`);
}

/** Read the Dockerfile from the context (`name` relative to it), applying Docker's checks. */
export function readDockerfile(dir: string, name: string): string {
  const rel = name || 'Dockerfile';
  const file = path.resolve(dir, rel);
  if (!file.startsWith(dir + path.sep)) throw new InvalidArgument(`Forbidden path outside the build context: ${rel}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (!name) {
      try { text = fs.readFileSync(path.join(dir, 'dockerfile'), 'utf8'); } catch {
        throw new InvalidArgument(`Cannot locate specified Dockerfile: ${rel}`);
      }
    } else throw new InvalidArgument(`Cannot locate specified Dockerfile: ${rel}`);
  }
  if (!text.trim()) throw new InvalidArgument(`the Dockerfile (${rel}) cannot be empty`);
  return text;
}

/** Drop the Dockerfile and .dockerignore from the context when .dockerignore excludes them. */
export function applyIgnoreToSpecialFiles(dir: string, dockerfile: string): void {
  let content: string;
  try { content = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'); } catch { return; }
  const ig = DockerIgnore.fromFile(content);
  for (const f of [dockerfile || 'Dockerfile', '.dockerignore']) {
    if (ig.matches(f)) fs.rmSync(path.join(dir, f), { force: true });
  }
}
