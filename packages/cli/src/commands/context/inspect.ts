/** berth context inspect [OPTIONS] [CONTEXT] [CONTEXT...]: Docker's JSON (TLSMaterial, Storage) or --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { StatusError } from '../../cli/errors.js';
import { formatOne } from '../../render/format.js';
import { currentName, getMeta, store } from './common.js';

function indentJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export default async function (argv: Args<'context inspect'>, ctx: CommandContext): Promise<number> {
  const names = argv._.length ? argv._ : [currentName(ctx)];
  const s = store(ctx);
  const out: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      const { meta, tls } = getMeta(ctx, name);
      const material = Object.keys(tls).filter((k) => tls[k as keyof typeof tls]).sort();
      const mem = name === 'default';
      out.push({
        ...meta,
        TLSMaterial: material.length ? { docker: material } : {},
        Storage: { MetadataPath: mem ? '<IN MEMORY>' : s.metaDir(name), TLSPath: mem ? '<IN MEMORY>' : s.tlsDir(name) },
      });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const format = argv.format;
  if (format) ctx.stdout.write(out.map((o) => formatOne(format, o)).join(''));
  else ctx.stdout.write(indentJson(out) + '\n');
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
