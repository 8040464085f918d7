/** --format for single objects (version, info, inspect): `json`, or a Go template, one result per line. */
import { compileTemplate } from '@berth/shared/template/index';
import { StatusError } from '../cli/errors.js';

export function goJson(value: unknown): string {
  // Go's encoding/json escapes <, > and & in strings.
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function compile(format: string) {
  try {
    return compileTemplate(format === 'json' ? '{{json .}}' : format);
  } catch (e) {
    throw new StatusError(64, `template parsing error: ${(e as Error).message}`);
  }
}

export function formatOne(format: string, data: unknown): string {
  const tmpl = compile(format);
  try {
    return tmpl.execute(data) + '\n';
  } catch (e) {
    // Docker exits 64 for a template that does not parse, 1 for one that fails while executing.
    throw new StatusError(1, `template: ${(e as Error).message.replace(/^template: /, '')}`);
  }
}
