/**
 * A build's remote context (`POST /build?remote=<URL>`, moby's remotecontext.newURLRemote): the
 * URL's body is the context — a tar, plain or compressed — or, when it is text, the Dockerfile
 * itself (the context is then that one file). The body is downloaded into the build's own dir
 * before anything reads it, so a server that closes in the middle fails the build with a
 * message, the partial file going with the build's dir. Git URLs are not supported.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { InvalidArgument, NotImplemented, SystemError, errorMessage } from '@berth/shared';
import { download } from '../download.js';

/** moby's urlutil.IsGitURL. */
export function isGitURL(url: string): boolean {
  return /^git(@|:\/\/)|^github\.com\//.test(url) || /^https?:\/\/.*\.git(#.+)?$/.test(url);
}

/** moby's acceptableRemoteMIME. */
const ACCEPTABLE = /application\/(?:(?:x-)?tar|octet-stream|(?:x-)?(?:gzip|bzip2?|xz))|text\/plain/;

function isArchive(head: Buffer): boolean {
  if (head[0] === 0x1f && head[1] === 0x8b) return true; // gzip
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return true;
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return true;
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return true; // zstd
  return head.subarray(257, 262).toString('latin1') === 'ustar';
}

async function head(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A tar holding just the Dockerfile. */
function dockerfileTar(name: string, text: Buffer): Readable {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644, size: text.length, mtime: new Date(0) }, text);
  pack.finalize();
  return pack as unknown as Readable;
}

/** Download the remote context into `dir`; returns the context tar to extract. */
export async function remoteContext(url: string, dir: string, dockerfile: string, signal?: AbortSignal): Promise<Readable> {
  if (isGitURL(url)) throw new NotImplemented('remote git contexts are not supported by Berth: clone the repository and build from the directory');
  if (!/^https?:\/\//.test(url)) throw new InvalidArgument(`remoteURL (${url}) could not be recognized as URL`);
  const { body, contentType } = await download(url, signal);
  const file = path.join(dir, 'remote-context');
  try {
    await pipeline(body, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    throw new SystemError(`error downloading remote context ${url}: ${errorMessage(e)}`, { cause: e });
  }
  const first = await head(file);
  if (!first.length) throw new InvalidArgument(`error detecting content type for remote ${url}: empty response`);
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  const sniffed = isArchive(first) ? 'application/x-tar' : first.includes(0) ? 'application/octet-stream-binary' : 'text/plain';
  const kind = !ct || ct === 'application/octet-stream' ? sniffed : ct;
  if (!ACCEPTABLE.test(kind)) throw new InvalidArgument(`error detecting content type for remote ${url}: unsupported Content-Type "${contentType}"`);
  if (kind === 'text/plain') return dockerfileTar(dockerfile || 'Dockerfile', await fs.promises.readFile(file));
  return fs.createReadStream(file);
}
