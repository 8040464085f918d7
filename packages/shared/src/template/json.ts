// JSON encoding matching Go's encoding/json Encoder as docker's `json`
// template function configures it (SetEscapeHTML(false), trailing newline
// trimmed). Object keys keep insertion order (Go structs marshal fields in
// declaration order); Map keys are sorted as Go sorts map keys.

import { Float64, compareKeys, kindOf } from './value.js';

export class JSONUnsupportedError extends Error {}

function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
      } else out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x2028:
        out += '\\u2028';
        continue;
      case 0x2029:
        out += '\\u2029';
        continue;
    }
    if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += '\\u' + c.toString(16).padStart(4, '0');
      continue;
    }
    out += s[i];
  }
  return out + '"';
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new JSONUnsupportedError(`json: unsupported value: ${n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : 'NaN'}`);
  if (Object.is(n, -0)) return '-0';
  // Go uses %f unless the exponent is < -6 or >= 21, as ECMAScript does.
  return String(n);
}

function encode(v: unknown, escapeHTML: boolean, seen: Set<object>): string | undefined {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'object' || typeof v === 'function') {
    const withJSON = v as { toJSON?: () => unknown };
    if (!(v instanceof Float64) && typeof withJSON.toJSON === 'function' && !(v instanceof Date)) {
      return encode(withJSON.toJSON(), escapeHTML, seen);
    }
  }
  switch (kindOf(v)) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return typeof v === 'bigint' ? v.toString() : encodeNumber(v as number);
    case 'float':
      return encodeNumber(v instanceof Float64 ? v.value : (v as number));
    case 'complex':
      throw new JSONUnsupportedError('json: unsupported type: complex128');
    case 'string':
      return encodeString(v as string, escapeHTML);
    case 'func':
      return undefined;
    case 'time':
      return encodeString(timeRFC3339(v as Date), escapeHTML);
  }
  const obj = v as object;
  if (seen.has(obj)) throw new JSONUnsupportedError('json: unsupported value: encountered a cycle');
  seen.add(obj);
  try {
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const items = Array.from(obj as ArrayLike<unknown>).map((e) => encode(e, escapeHTML, seen) ?? 'null');
      return '[' + items.join(',') + ']';
    }
    let entries: [string, unknown][];
    if (obj instanceof Map) {
      entries = Array.from(obj.entries())
        .sort((a, b) => compareKeys(a[0], b[0]))
        .map(([k, val]) => [String(k), val]);
    } else {
      entries = Object.keys(obj).map((k) => [k, (obj as Record<string, unknown>)[k]]);
    }
    const parts: string[] = [];
    for (const [k, val] of entries) {
      if (val === undefined) continue;
      const enc = encode(val, escapeHTML, seen);
      if (enc === undefined) continue;
      parts.push(encodeString(k, escapeHTML) + ':' + enc);
    }
    return '{' + parts.join(',') + '}';
  } finally {
    seen.delete(obj);
  }
}

function timeRFC3339(d: Date): string {
  // RFC 3339 with nanosecond precision trimmed, as time.Time.MarshalJSON.
  const iso = d.toISOString();
  return iso.replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/** Marshals v like Go's encoding/json. Throws JSONUnsupportedError for unsupported values. */
export function marshalJSON(v: unknown, opts: { escapeHTML?: boolean } = {}): string {
  return encode(v, opts.escapeHTML ?? false, new Set()) ?? 'null';
}
