/**
 * What every `inspect` prints: Docker's indented JSON array of what was found (with Go's
 * escaping of <, >, &), or one --format result per object; then the errors, exit 1.
 */
import { StatusError } from '../cli/errors.js';
import { formatOne } from './format.js';

export function writeInspected(out: NodeJS.WritableStream, found: unknown[], errors: string[], format?: string): number {
  if (format) for (const o of found) out.write(formatOne(format, o));
  else out.write(JSON.stringify(found, null, 4).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}

/** Inspect each name with `fetch`; a failure becomes Docker's line for it (`describe`, else the daemon's). */
export async function inspectEach(
  names: string[], fetch: (name: string) => Promise<unknown>,
  describe: (name: string, err: Error & { statusCode?: number }) => string = (_n, e) => `Error response from daemon: ${e.message}`,
): Promise<{ found: unknown[]; errors: string[] }> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await fetch(name));
    } catch (e) {
      errors.push(describe(name, e as Error & { statusCode?: number }));
    }
  }
  return { found, errors };
}
