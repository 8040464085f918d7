/** Flag values that several commands turn into API shapes. */
import { StatusError } from './errors.js';

/** `key=value` list → map (Docker's ConvertKVStringsToMap: a bare key maps to ""). */
export function kvMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    out[i < 0 ? v : v.slice(0, i)] = i < 0 ? '' : v.slice(i + 1);
  }
  return out;
}

/** `-f key=value` flags → the API's filters map. */
export function filterMap(values: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of values) {
    const i = f.indexOf('=');
    if (i < 0) throw new StatusError(125, `invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    (out[f.slice(0, i).trim().toLowerCase()] ??= []).push(f.slice(i + 1));
  }
  return out;
}
