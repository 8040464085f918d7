/**
 * berth cp [-a] [-L] [-q] CONTAINER:SRC_PATH DEST_PATH|-  /  SRC_PATH|- CONTAINER:DEST_PATH
 * The docker CLI's copy rules (cli/command/container/cp.go + pkg/archive/copy.go): the archive is
 * rebased so that extracting it in the right directory gives `cp`'s semantics (dir vs file,
 * trailing "/" and "/.", missing destinations), "-" streams a tar on stdin/stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { humanSize3 } from '@berth/shared';
import {
  goModeIsDir, goModeIsRegular, goModeIsSymlink, hasTrailingSeparator, specifiesCurrentDir, splitPathDirEntry, type PathStat,
} from '@berth/shared/file-mode';
import { rebaseArchive, tarTree, untar, UntarError } from './cp-tar.js';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { isApiError } from '../../client/errors.js';

interface CopyInfo { path: string; exists: boolean; isDir: boolean; rebaseName?: string }

/** splitCpArg: "ctr:path" → ["ctr", "path"]; absolute or ./-relative local paths have no container. */
export function splitCpArg(arg: string): [string, string] {
  if (arg.startsWith('/')) return ['', arg];
  const i = arg.indexOf(':');
  if (i < 0 || arg.slice(0, i).startsWith('.')) return ['', arg];
  return [arg.slice(0, i), arg.slice(i + 1)];
}

/** GetRebaseName: keep the requested trailing "/" or "/." and the requested base name. */
export function getRebaseName(p: string, resolved: string): [string, string | undefined] {
  let r = resolved;
  if (specifiesCurrentDir(p) && !specifiesCurrentDir(r)) r += '/.';
  if (hasTrailingSeparator(p) && !hasTrailingSeparator(r)) r += '/';
  const base = (x: string) => path.basename(x.replace(/\/+$/, '')) || '/';
  return [r, base(p) !== base(r) ? base(p) : undefined];
}

/** PrepareArchiveCopy: where to extract and how to rename the archive's top entry. */
export function prepareArchiveCopy(src: Readable, srcInfo: CopyInfo, dstInfo: CopyInfo): [string, Readable] {
  const [dstDir, dstBase] = splitPathDirEntry(dstInfo.path);
  let [, srcBase] = splitPathDirEntry(srcInfo.path);
  if (dstInfo.exists && dstInfo.isDir) return [dstInfo.path, src];
  if (dstInfo.exists && srcInfo.isDir) throw new StatusError(1, 'cannot copy directory');
  if (!dstInfo.exists && !srcInfo.isDir && (hasTrailingSeparator(dstInfo.path) || specifiesCurrentDir(dstInfo.path))) throw new StatusError(1, 'no such directory');
  if (srcInfo.rebaseName) srcBase = srcInfo.rebaseName;
  return [dstDir, rebaseArchive(src, srcBase, dstBase)];
}

function counter(): Transform & { bytes: number } {
  const t = new Transform({ transform(chunk: Buffer, _e, cb) { t.bytes += chunk.length; cb(null, chunk); } }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

function daemonError(e: unknown): StatusError {
  return new StatusError(1, isApiError(e) ? `Error response from daemon: ${(e as Error).message}` : (e as Error).message);
}

async function statOrUndefined(ctx: CommandContext, ctr: string, p: string): Promise<PathStat | undefined> {
  try { return await ctx.docker().getContainer(ctr).statPath({ path: p }); } catch (e) {
    if (isApiError(e) && e.statusCode === 404) {
      // a missing container is an error; a missing path is not
      try { await ctx.docker().getContainer(ctr).inspect(); } catch (e2) { throw daemonError(e2); }
      return undefined;
    }
    throw daemonError(e);
  }
}

/** CopyInfoDestinationPath: the local destination (a missing one needs an existing parent dir). */
function localDestination(p: string): CopyInfo {
  let cur = p;
  for (let n = 0; n < 10; n++) {
    let st: fs.Stats;
    try { st = fs.lstatSync(cur); } catch {
      const [parent] = splitPathDirEntry(cur);
      let ps: fs.Stats;
      try { ps = fs.statSync(parent); } catch { throw new StatusError(1, `stat ${parent}: no such file or directory`); }
      if (!ps.isDirectory()) throw new StatusError(1, 'not a directory');
      return { path: cur, exists: false, isDir: false };
    }
    if (!st.isSymbolicLink()) return { path: cur, exists: true, isDir: st.isDirectory() };
    const target = fs.readlinkSync(cur);
    cur = target.startsWith('/') ? target : path.join(path.dirname(cur), target);
  }
  throw new StatusError(1, 'too many symlinks in ' + p);
}

async function copyFromContainer(ctx: CommandContext, ctr: string, srcPath: string, dstPath: string, followLink: boolean, quiet: boolean): Promise<void> {
  let rebaseName: string | undefined;
  if (followLink) {
    const st = await statOrUndefined(ctx, ctr, srcPath);
    if (st && goModeIsSymlink(st.mode)) {
      let target = st.linkTarget;
      if (!target.startsWith('/')) target = path.posix.join(splitPathDirEntry(srcPath)[0], target);
      [srcPath, rebaseName] = getRebaseName(srcPath, target);
    }
  }
  let res: { stat: PathStat; stream: Readable };
  try { res = await ctx.docker().getContainer(ctr).getArchiveWithStat({ path: srcPath }); } catch (e) { throw daemonError(e); }
  if (dstPath === '-') { await pipeline(res.stream, ctx.stdout); return; }
  const count = counter();
  const src = res.stream.pipe(count);
  const srcInfo: CopyInfo = { path: srcPath, exists: true, isDir: goModeIsDir(res.stat.mode), rebaseName };
  let pre: Readable = src;
  if (rebaseName) pre = rebaseArchive(src, splitPathDirEntry(srcPath)[1], rebaseName);
  const dstInfo = localDestination(dstPath);
  const [dstDir, content] = prepareArchiveCopy(pre, srcInfo, dstInfo);
  try {
    await untar(content, dstDir, { noOverwriteDirNonDir: true, owner: 'none' });
  } catch (e) {
    if (e instanceof UntarError) throw new StatusError(1, e.message);
    throw e;
  }
  if (!quiet) ctx.stderr.write(`Successfully copied ${humanSize3(count.bytes)} to ${dstPath}\n`);
}

/** ResolveHostSourcePath + CopyInfoSourcePath. */
function localSource(p: string, followLink: boolean): CopyInfo {
  let resolved: string;
  let rebaseName: string | undefined;
  try {
    if (followLink) {
      [resolved, rebaseName] = getRebaseName(p, fs.realpathSync(p));
    } else {
      const i = p.lastIndexOf('/');
      const dir = i >= 0 ? p.slice(0, i + 1) : '';
      const base = p.slice(i + 1);
      const rdir = fs.realpathSync(dir || '.');
      resolved = `${rdir}/${base}`;
      if (hasTrailingSeparator(p) && path.basename(p) !== path.basename(resolved)) rebaseName = path.basename(p);
    }
    const st = fs.lstatSync(resolved);
    return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
  } catch {
    throw new StatusError(1, `lstat ${path.resolve(p)}: no such file or directory`);
  }
}

async function copyToContainer(ctx: CommandContext, srcPath: string, ctr: string, dstPath: string, followLink: boolean, copyUIDGID: boolean, quiet: boolean): Promise<void> {
  const dstInfo: CopyInfo = { path: dstPath, exists: false, isDir: false };
  let st = await statOrUndefined(ctx, ctr, dstPath);
  if (st && goModeIsSymlink(st.mode)) {
    let target = st.linkTarget;
    if (!target.startsWith('/')) target = path.posix.join(splitPathDirEntry(dstPath)[0], target);
    dstInfo.path = target;
    st = await statOrUndefined(ctx, ctr, target);
  }
  if (st && !goModeIsDir(st.mode) && !goModeIsRegular(st.mode)) {
    throw new StatusError(1, `destination "${ctr}:${dstPath}" must be a directory or a regular file`);
  }
  if (st) { dstInfo.exists = true; dstInfo.isDir = goModeIsDir(st.mode); }
  let content: Readable;
  let resolvedDst: string;
  const count = counter();
  if (srcPath === '-') {
    if (!dstInfo.isDir) throw new StatusError(1, `destination "${ctr}:${dstPath}" must be a directory`);
    content = ctx.stdin.pipe(new PassThrough());
    resolvedDst = dstInfo.path;
  } else {
    const srcInfo = localSource(srcPath, followLink);
    const [dir, base] = splitPathDirEntry(srcInfo.path);
    const archive = tarTree(dir, base, srcInfo.rebaseName ? { rebase: srcInfo.rebaseName } : {});
    [resolvedDst, content] = prepareArchiveCopy(archive, srcInfo, dstInfo);
  }
  try {
    await ctx.docker().getContainer(ctr).putArchive(content.pipe(count), { path: resolvedDst, noOverwriteDirNonDir: true, copyUIDGID });
  } catch (e) { throw daemonError(e); }
  if (!quiet && srcPath !== '-') ctx.stderr.write(`Successfully copied ${humanSize3(count.bytes)} to ${ctr}:${dstInfo.path}\n`);
}

export default async function (argv: Args<'container cp'>, ctx: CommandContext): Promise<number> {
  const [src = '', dst = ''] = argv._;
  const [srcCtr, srcPath] = splitCpArg(src);
  const [dstCtr, dstPath] = splitCpArg(dst);
  if (!srcPath) throw new StatusError(1, 'source can not be empty');
  if (!dstPath) throw new StatusError(1, 'destination can not be empty');
  const quiet = argv.quiet || !ctx.stderr.isTTY;
  const followLink = argv['follow-link'];
  if (srcCtr && dstCtr) throw new StatusError(1, 'copying between containers is not supported');
  if (srcCtr) await copyFromContainer(ctx, srcCtr, srcPath, dstPath, followLink, quiet);
  else if (dstCtr) await copyToContainer(ctx, srcPath, dstCtr, dstPath, followLink, argv.archive, quiet);
  else throw new StatusError(1, 'must specify at least one container source');
  return 0;
}
