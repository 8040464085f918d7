/** berth context export [OPTIONS] CONTEXT [FILE|-]: a tar of meta.json and tls/, as the docker CLI writes it. */
import fs from 'node:fs';
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { getMeta } from './common.js';
import { packTar, type TarEntry } from './tar.js';

export default async function (argv: Args<'context export'>, ctx: CommandContext): Promise<number> {
  const [name = '', dest = `${name}.dockercontext`] = argv._;
  if (name === 'default') throw new StatusError(1, 'context "default" cannot be exported');
  const { meta, tls } = getMeta(ctx, name);
  const entries: TarEntry[] = [{ name: 'meta.json', data: Buffer.from(JSON.stringify(meta)) }, { name: 'tls', dir: true }];
  const files = Object.entries(tls).filter(([, v]) => v);
  if (files.length) entries.push({ name: 'tls/docker', dir: true });
  for (const [f, data] of files) entries.push({ name: `tls/docker/${f}`, data: data!, mode: 0o600 });
  const tar = packTar(entries);
  if (dest === '-') {
    ctx.stdout.write(tar);
    return 0;
  }
  fs.writeFileSync(dest, tar, { mode: 0o600 });
  ctx.stderr.write(`Written file "${dest}"\n`);
  return 0;
}
