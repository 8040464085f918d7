/**
 * The build context: the request body (a tar, plain or gzip/bzip2/xz/zstd) extracted into a
 * private directory by the in-root extractor (chrooted into it); the Dockerfile and
 * `.dockerignore` read from it inside that root — a Dockerfile that is a symlink resolves in the
 * context, never on the host — and both dropped when `.dockerignore` excludes them (as Docker's
 * daemon does).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgument } from '@berth/shared';
import { DockerIgnore } from '@berth/shared/dockerignore';
import { extractInRoot, readFileInRoot, unlinkInRoot } from '../storage/in-root.js';

/** Extract the context stream into `dir` (created). An empty body is an empty context. */
export async function extractContext(src: Readable, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await extractInRoot(src, dir, '/', { owner: { uid: 0, gid: 0 } });
  } catch (e) {
    throw new InvalidArgument(`failed to read the build context: ${(e as Error).message}`, { cause: e });
  }
}

/** Read the Dockerfile from the context (`name` relative to it), applying Docker's checks. */
export async function readDockerfile(dir: string, name: string): Promise<string> {
  const rel = name || 'Dockerfile';
  const lexical = path.posix.normalize(rel);
  if (path.posix.isAbsolute(rel) || lexical === '..' || lexical.startsWith('../')) {
    throw new InvalidArgument(`Forbidden path outside the build context: ${rel}`);
  }
  let data = await readFileInRoot(dir, rel);
  if (!data && !name) data = await readFileInRoot(dir, 'dockerfile');
  if (!data) throw new InvalidArgument(`Cannot locate specified Dockerfile: ${rel}`);
  const text = data.toString('utf8');
  if (!text.trim()) throw new InvalidArgument(`the Dockerfile (${rel}) cannot be empty`);
  return text;
}

/** Drop the Dockerfile and .dockerignore from the context when .dockerignore excludes them. */
export async function applyIgnoreToSpecialFiles(dir: string, dockerfile: string): Promise<void> {
  const content = await readFileInRoot(dir, '.dockerignore');
  if (!content) return;
  const ig = DockerIgnore.fromFile(content.toString('utf8'));
  for (const f of [dockerfile || 'Dockerfile', '.dockerignore']) {
    if (ig.matches(f)) await unlinkInRoot(dir, f);
  }
}
