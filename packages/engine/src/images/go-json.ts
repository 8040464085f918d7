/**
 * Go's encoding/json for the image types Docker marshals as structs: fields in declaration
 * order, `omitempty` honoured, a missing non-omitempty field as its zero value, and <, > and &
 * escaped in strings.
 */
export type Field = [name: string, omitEmpty: boolean, zero: unknown];

/** api/types/container.Config. Docker 20.10 wrote OnBuild even when empty. */
export const containerConfigFields = (onBuildAlways: boolean): Field[] => [
  ['Hostname', false, ''], ['Domainname', false, ''], ['User', false, ''],
  ['AttachStdin', false, false], ['AttachStdout', false, false], ['AttachStderr', false, false],
  ['ExposedPorts', true, null], ['Tty', false, false], ['OpenStdin', false, false], ['StdinOnce', false, false],
  ['Env', false, null], ['Cmd', false, null], ['Healthcheck', true, null], ['ArgsEscaped', true, false],
  ['Image', false, ''], ['Volumes', false, null], ['WorkingDir', false, ''], ['Entrypoint', false, null],
  ['NetworkDisabled', true, false], ['MacAddress', true, ''], ['OnBuild', !onBuildAlways, null], ['Labels', false, null],
  ['StopSignal', true, ''], ['StopTimeout', true, null], ['Shell', true, null],
];

export const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || v === false || v === 0
  || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

export function goStruct(obj: Record<string, unknown> | undefined, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, omit, zero] of fields) {
    const v = obj?.[name];
    if (omit && isEmpty(v)) continue;
    out[name] = v === undefined ? zero : v;
  }
  return out;
}

/** Go's json.Marshal output for plain data (HTML-sensitive characters escaped). */
export function goJSON(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}


const goEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * What Go's json.Marshal writes for a json.RawMessage: the bytes compacted (whitespace outside
 * strings dropped) and <, >, &, U+2028, U+2029 inside strings escaped; nothing else re-encoded.
 */
export function goCompact(raw: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === '\\') { out += c + raw[++i]; continue; }
      if (c === '"') inString = false;
      out += /[<>&\u2028\u2029]/.test(c) ? goEscape(c) : c;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/[ \t\n\r]/.test(c)) {
      out += c;
    }
  }
  return out;
}

/**
 * The members of a JSON object as Go's json.Unmarshal into map[string]*json.RawMessage keeps
 * them: decoded key → the value's text as written (a repeated key: the last one). Throws what
 * JSON.parse throws for text that is not JSON; undefined when it is JSON but not an object.
 */
export function rawMembers(text: string): Map<string, string> | undefined {
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out = new Map<string, string>();
  let i = 0;
  const ws = () => { while (/[ \t\n\r]/.test(text[i] ?? '')) i++; };
  const skipString = () => { // text[i] is the opening quote
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') { skipString(); i--; continue; }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') { if (depth === 0) return; depth--; if (depth === 0) { i++; return; } }
      else if (depth === 0 && /[ \t\n\r,]/.test(c)) return;
    }
  };
  ws();
  i++; // {
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    ws();
    i++; // :
    ws();
    const valueStart = i;
    skipValue();
    out.set(key, text.slice(valueStart, i));
    ws();
    if (text[i] === ',') i++;
  }
  return out;
}

/** Go's json.Marshal of map[string]*json.RawMessage: keys in byte order, values compacted. */
export function goRawObject(members: Map<string, string>): string {
  const keys = [...members.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goJSON(k)}:${goCompact(members.get(k)!)}`).join(',')}}`;
}

/**
 * The value Go's case-insensitive struct decoding gives field `name` of `obj` (the last key that
 * matches it, ignoring case), as encoding/json matches object keys to struct fields.
 */
export function goField(obj: Record<string, unknown>, name: string): unknown {
  let v: unknown;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) v = obj[k];
  return v;
}
