/** berth context import CONTEXT FILE|-: a context from an exported tar, under a new name. */
import fs from 'node:fs';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { validateName, type ContextMeta, type TlsFiles } from '../../cli/contexts.js';
import { guard, store } from './common.js';
import { unpackTar } from './tar.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export default async function (argv: Args<'context import'>, ctx: CommandContext): Promise<number> {
  const [name = '', src = ''] = argv._;
  guard(() => validateName(name));
  const s = store(ctx);
  if (s.exists(name)) throw new StatusError(1, `context "${name}" already exists`);
  const buf = src === '-' ? await readAll(ctx.stdin) : fs.readFileSync(src);
  let meta: ContextMeta | undefined;
  const tls: TlsFiles = {};
  for (const e of unpackTar(buf)) {
    if (e.name === 'meta.json' && e.data) meta = JSON.parse(e.data.toString('utf8'));
    const m = /^tls\/docker\/(ca|cert|key)\.pem$/.exec(e.name);
    if (m && e.data) tls[`${m[1]}.pem` as keyof TlsFiles] = e.data;
  }
  if (!meta) throw new StatusError(1, 'invalid context archive: meta.json not found');
  s.save({ ...meta, Name: name }, tls);
  ctx.stdout.write(name + '\n');
  ctx.stderr.write(`Successfully imported context "${name}"\n`);
  return 0;
}
