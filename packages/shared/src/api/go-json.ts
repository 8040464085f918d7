/**
 * JSON request bodies decoded as dockerd's Go `encoding/json` decodes them into its API structs,
 * driven by a schema generated from the Engine API swagger (request-schema.generated.ts):
 *
 * - object keys match struct fields exactly, else case-insensitively (Go's fold); the result
 *   carries the canonical (swagger) names, with embedded structs flattened as in the JSON;
 * - unknown keys are ignored; `null` sets pointers, slices, maps and `any` to nil (the key is
 *   dropped) and leaves everything else alone;
 * - numbers keep their literal text: integer fields take only what Go's ParseInt/ParseUint take
 *   (no fractions, no exponents) within the type's range;
 * - a value of the wrong JSON type is skipped and the first such error is reported with Go's
 *   text, `json: cannot unmarshal string into Go struct field CreateRequest.Config.Env of type
 *   []string` (Go 1.24's paths: embedded struct names included, map keys and indexes not);
 * - syntax errors carry the texts of Go's scanner (`invalid character 'x' looking for beginning
 *   of value`), and reading stops after the first value as json.Decoder does.
 */

/** A generated schema: body name → Go type; Go structs as [json name, Go type, embedded path]. */
export interface RequestSchema {
  bodies: Record<string, string>;
  named: Record<string, string>;
  structs: Record<string, [string, string, string?][]>;
}

/** Why a body could not be decoded; `eof` when the input held no value at all (io.EOF). */
export class GoJsonError extends Error {
  constructor(message: string, readonly kind: 'syntax' | 'eof' | 'type' | 'trailing') {
    super(message);
  }
}

// ── parsing: bytes → values with number literals kept as text ───────────────────────────────

/** A JSON number as its literal text (Go converts it per target type). */
export class GoNumber {
  constructor(readonly text: string) {}
}

/** A JSON object as its members in order (duplicate keys are each decoded, as Go does). */
export class GoObject {
  constructor(readonly members: [string, JsonNode][]) {}
}

export type JsonNode = null | boolean | string | GoNumber | GoObject | JsonNode[];

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Go's quoteChar: the offending byte as the scanner's messages show it. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const ch = String.fromCharCode(c); // a byte ≥ 0x80 is shown as the rune of that value, as Go's string(byte) does
  const esc: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };
  if (esc[ch]) return `'${esc[ch]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && c < 0xa0) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  if (c === 0xad) return `'\\u00ad'`;
  return `'${ch}'`;
}

class Parser {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  private fail(context: string): never {
    if (this.pos >= this.b.length) throw new GoJsonError('unexpected EOF', 'syntax');
    throw new GoJsonError(`invalid character ${quoteChar(this.b[this.pos]!)} ${context}`, 'syntax');
  }

  skipSpace(): void {
    while (this.pos < this.b.length && isSpace(this.b[this.pos]!)) this.pos++;
  }

  value(): JsonNode {
    this.skipSpace();
    const c = this.b[this.pos];
    switch (c) {
      case 0x7b: return this.object();
      case 0x5b: return this.array();
      case 0x22: return this.string();
      case 0x74: return this.literal('true', true);
      case 0x66: return this.literal('false', false);
      case 0x6e: return this.literal('null', null);
      default:
        if (c === 0x2d || (c !== undefined && isDigit(c))) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  private literal<T>(word: string, v: T): T {
    this.pos++;
    for (let i = 1; i < word.length; i++, this.pos++) {
      if (this.b[this.pos] !== word.charCodeAt(i)) this.fail(`in literal ${word} (expecting '${word[i]}')`);
    }
    return v;
  }

  private number(): GoNumber {
    const start = this.pos;
    if (this.b[this.pos] === 0x2d) {
      this.pos++;
      if (!isDigit(this.b[this.pos] ?? -1)) this.fail('in numeric literal');
    }
    if (this.b[this.pos] === 0x30) this.pos++;
    else while (isDigit(this.b[this.pos] ?? -1)) this.pos++;
    if (this.b[this.pos] === 0x2e) {
      this.pos++;
      if (!isDigit(this.b[this.pos] ?? -1)) this.fail('after decimal point in numeric literal');
      while (isDigit(this.b[this.pos] ?? -1)) this.pos++;
    }
    if (this.b[this.pos] === 0x65 || this.b[this.pos] === 0x45) {
      this.pos++;
      if (this.b[this.pos] === 0x2b || this.b[this.pos] === 0x2d) this.pos++;
      if (!isDigit(this.b[this.pos] ?? -1)) this.fail('in exponent of numeric literal');
      while (isDigit(this.b[this.pos] ?? -1)) this.pos++;
    }
    return new GoNumber(Buffer.from(this.b.subarray(start, this.pos)).toString('latin1'));
  }

  private string(): string {
    this.pos++; // opening quote
    const parts: (string | Uint8Array)[] = [];
    let runStart = this.pos;
    const flush = () => { if (this.pos > runStart) parts.push(this.b.subarray(runStart, this.pos)); };
    for (;;) {
      const c = this.b[this.pos];
      if (c === undefined) this.fail('in string literal');
      if (c === 0x22) { flush(); this.pos++; break; }
      if (c < 0x20) this.fail('in string literal');
      if (c !== 0x5c) { this.pos++; continue; }
      flush();
      this.pos++;
      const e = this.b[this.pos];
      const simple: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };
      if (e !== undefined && simple[e] !== undefined) { parts.push(simple[e]!); this.pos++; }
      else if (e === 0x75) { this.pos++; parts.push(this.unicodeEscape()); }
      else this.fail('in string escape code');
      runStart = this.pos;
    }
    // Invalid UTF-8 becomes U+FFFD, as Go's decoder does.
    return parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join('');
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++, this.pos++) {
      const c = this.b[this.pos];
      const d = c === undefined ? -1 : isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) this.fail('in \\u hexadecimal character escape');
      v = v * 16 + d;
    }
    return v;
  }

  /** \uXXXX after the `u`; surrogate pairs joined, lone surrogates → U+FFFD (Go's unquote). */
  private unicodeEscape(): string {
    const hi = this.hex4();
    if (hi >= 0xd800 && hi < 0xdc00 && this.b[this.pos] === 0x5c && this.b[this.pos + 1] === 0x75) {
      const save = this.pos;
      this.pos += 2;
      const lo = this.hex4();
      if (lo >= 0xdc00 && lo < 0xe000) return String.fromCharCode(hi, lo);
      this.pos = save; // not a pair: the next escape stands alone
      return '\ufffd';
    }
    if (hi >= 0xd800 && hi < 0xe000) return '\ufffd';
    return String.fromCharCode(hi);
  }

  private array(): JsonNode[] {
    this.pos++;
    const out: JsonNode[] = [];
    this.skipSpace();
    if (this.b[this.pos] === 0x5d) { this.pos++; return out; }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      const c = this.b[this.pos];
      if (c === 0x2c) { this.pos++; continue; }
      if (c === 0x5d) { this.pos++; return out; }
      this.fail('after array element');
    }
  }

  private object(): GoObject {
    this.pos++;
    const members: [string, JsonNode][] = [];
    this.skipSpace();
    if (this.b[this.pos] === 0x7d) { this.pos++; return new GoObject(members); }
    for (;;) {
      this.skipSpace();
      if (this.b[this.pos] !== 0x22) this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.b[this.pos] !== 0x3a) this.fail('after object key');
      this.pos++;
      members.push([key, this.value()]);
      this.skipSpace();
      const c = this.b[this.pos];
      if (c === 0x2c) { this.pos++; continue; }
      if (c === 0x7d) { this.pos++; return new GoObject(members); }
      this.fail('after object key:value pair');
    }
  }
}

/**
 * The first JSON value of `input`, as json.Decoder.Decode reads it, then `More()`: content other
 * than whitespace, `]` or `}` after it is an error (dockerd: `unexpected content after JSON`).
 * With `whole`, the input must be exactly one value, as json.Unmarshal wants it.
 */
export function parseGoJson(input: Uint8Array | string, opts: { whole?: boolean } = {}): JsonNode {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const p = new Parser(bytes);
  try {
    p.skipSpace();
    if (p.pos >= bytes.length) throw new GoJsonError('EOF', 'eof');
    const v = p.value();
    p.skipSpace();
    const next = bytes[p.pos];
    if (next === undefined) return v;
    if (opts.whole) throw new GoJsonError(`invalid character ${quoteChar(next)} after top-level value`, 'syntax');
    if (next !== 0x5d && next !== 0x7d) throw new GoJsonError('unexpected content after JSON', 'trailing');
    return v;
  } catch (e) {
    // json.Unmarshal checks the whole input first: a short one is `unexpected end of JSON input`.
    if (opts.whole && e instanceof GoJsonError && (e.kind === 'eof' || e.message === 'unexpected EOF')) {
      throw new GoJsonError('unexpected end of JSON input', 'syntax');
    }
    throw e;
  }
}

// ── decoding into Go types ───────────────────────────────────────────────────────────────────

type GoType =
  | { k: 'bool' | 'string' | 'float' | 'any' | 'strslice'; s: string }
  | { k: 'int' | 'uint'; bits: number; s: string }
  | { k: 'ptr'; elem: GoType; s: string }
  | { k: 'slice'; elem: GoType; s: string }
  | { k: 'array'; len: number; elem: GoType; s: string }
  | { k: 'map'; elem: GoType; s: string }
  | { k: 'struct'; name: string; s: string; fields: Field[]; exact: Map<string, Field>; folded: Map<string, Field> };

interface Field { json: string; type: GoType; embed: { name: string; ptr: boolean }[] }

const INT_BITS: Record<string, number> = { int: 64, int8: 8, int16: 16, int32: 32, int64: 64 };
const UINT_BITS: Record<string, number> = { uint: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64, uintptr: 64 };

/** Go's foldName: ASCII letters upper-cased; ſ and the Kelvin sign fold to S and K. */
function foldName(s: string): string {
  return s.replace(/[a-z]/g, (c) => c.toUpperCase()).replace(/\u017f/g, 'S').replace(/\u212a/g, 'K');
}

export class GoTypes {
  private readonly cache = new Map<string, GoType>();
  constructor(private readonly schema: RequestSchema) {}

  /** The Go type of a body (an operationId of the swagger). */
  body(name: string): GoType {
    const t = this.schema.bodies[name];
    if (!t) throw new Error(`no request schema for ${name}`);
    return this.type(t);
  }

  type(expr: string): GoType {
    let t = this.cache.get(expr);
    if (!t) {
      t = this.parse(expr);
      this.cache.set(expr, t);
    }
    return t;
  }

  private parse(s: string): GoType {
    if (s.startsWith('*')) return { k: 'ptr', elem: this.type(s.slice(1)), s };
    if (s.startsWith('[]')) return { k: 'slice', elem: this.type(s.slice(2)), s };
    const arr = /^\[(\d+)\](.+)$/.exec(s);
    if (arr) return { k: 'array', len: Number(arr[1]), elem: this.type(arr[2]!), s };
    if (s.startsWith('map[')) {
      // map[K]V with K a string type: find the bracket that closes the key.
      let depth = 0, i = 3;
      for (; i < s.length; i++) { if (s[i] === '[') depth++; else if (s[i] === ']' && --depth === 0) break; }
      return { k: 'map', elem: this.type(s.slice(i + 1)), s };
    }
    if (s === 'bool' || s === 'string' || s === 'any') return { k: s === 'any' ? 'any' : s, s };
    if (s === 'float64' || s === 'float32') return { k: 'float', s };
    if (INT_BITS[s]) return { k: 'int', bits: INT_BITS[s]!, s };
    if (UINT_BITS[s]) return { k: 'uint', bits: UINT_BITS[s]!, s };
    if (s === 'struct {}') return this.struct(s, 'struct {}', []);
    const underlying = this.schema.named[s];
    if (underlying === 'strslice') return { k: 'strslice', s };
    if (underlying) return { ...this.type(underlying), s } as GoType;
    const fields = this.schema.structs[s];
    if (fields) return this.struct(s, s.slice(s.indexOf('.') + 1), fields);
    throw new Error(`unknown Go type ${s}`);
  }

  private struct(s: string, name: string, raw: [string, string, string?][]): GoType {
    const t: GoType = { k: 'struct', name, s, fields: [], exact: new Map(), folded: new Map() };
    this.cache.set(s, t); // before the fields: structs may refer to themselves
    for (const [json, type, embed] of raw) {
      const f: Field = {
        json, type: this.type(type),
        embed: embed ? embed.split('.').map((e) => ({ name: e.replace(/^\*/, ''), ptr: e.startsWith('*') })) : [],
      };
      t.fields.push(f);
      t.exact.set(json, f);
      if (!t.folded.has(foldName(json))) t.folded.set(foldName(json), f);
    }
    return t;
  }
}

type Obj = Record<string, unknown>;

/** Decodes a parsed value into a Go type; `embedded` lists the embedded pointer structs it allocated. */
class Decoder {
  saved?: GoJsonError;
  struct?: string;
  stack: string[] = [];
  readonly embedded = new Set<string>();

  private typeError(what: string, t: GoType): void {
    if (this.saved) return;
    const msg = this.struct !== undefined || this.stack.length
      ? `json: cannot unmarshal ${what} into Go struct field ${this.struct ?? ''}.${this.stack.join('.')} of type ${t.s}`
      : `json: cannot unmarshal ${what} into Go value of type ${t.s}`;
    this.saved = new GoJsonError(msg, 'type');
  }

  /** The new value for a slot of type `t` that held `cur`; `undefined` leaves the slot as it was. */
  value(node: JsonNode, t: GoType, cur: unknown): unknown {
    if (t.k === 'ptr') {
      if (node === null) return null;
      return this.value(node, t.elem, cur === null ? undefined : cur);
    }
    if (t.k === 'any') return toPlain(node);
    if (t.k === 'strslice') return this.strslice(node, t);
    if (node === null) return t.k === 'slice' || t.k === 'map' ? null : undefined;
    if (node instanceof GoObject) return this.object(node, t, cur);
    if (Array.isArray(node)) return this.array(node, t);
    if (typeof node === 'boolean') {
      if (t.k === 'bool') return node;
      this.typeError('bool', t);
      return undefined;
    }
    if (typeof node === 'string') {
      if (t.k === 'string') return node;
      this.typeError('string', t);
      return undefined;
    }
    return this.number(node, t);
  }

  private number(n: GoNumber, t: GoType): unknown {
    if (t.k === 'int' || t.k === 'uint') {
      const ok = /^-?\d+$/.test(n.text) && (t.k === 'int' || !n.text.startsWith('-'));
      if (ok) {
        const v = BigInt(n.text);
        const lim = 1n << BigInt(t.k === 'int' ? t.bits - 1 : t.bits);
        if (t.k === 'int' ? v >= -lim && v < lim : v < lim) return Number(v);
      }
      this.typeError(`number ${n.text}`, t);
      return undefined;
    }
    if (t.k === 'float') {
      const v = Number(n.text);
      if (Number.isFinite(v)) return v;
      this.typeError(`number ${n.text}`, t);
      return undefined;
    }
    this.typeError('number', t);
    return undefined;
  }

  private array(items: JsonNode[], t: GoType): unknown {
    if (t.k !== 'slice' && t.k !== 'array') {
      this.typeError('array', t);
      return undefined;
    }
    const out: unknown[] = [];
    const n = t.k === 'array' ? t.len : items.length;
    for (let i = 0; i < items.length && i < n; i++) {
      const v = this.value(items[i]!, t.elem, undefined);
      out.push(v === undefined ? zero(t.elem) : v);
    }
    while (out.length < n) out.push(zero(t.elem)); // a Go array is zero-filled
    return out;
  }

  private object(o: GoObject, t: GoType, cur: unknown): unknown {
    if (t.k === 'map') {
      const out: Obj = cur && typeof cur === 'object' ? (cur as Obj) : {};
      // A nil struct pointer in a map comes out as an empty object: what dockerd's code makes of it.
      const nilStruct = t.elem.k === 'ptr' && t.elem.elem.k === 'struct' ? {} : null;
      for (const [k, v] of o.members) {
        const val = this.value(v, t.elem, undefined);
        out[k] = val === undefined ? zero(t.elem) : val === null && nilStruct ? {} : val;
      }
      return out;
    }
    if (t.k !== 'struct') {
      this.typeError('object', t);
      return undefined;
    }
    const out: Obj = cur && typeof cur === 'object' ? (cur as Obj) : {};
    const [struct, depth] = [this.struct, this.stack.length];
    for (const [key, v] of o.members) {
      const f = t.exact.get(key) ?? t.folded.get(foldName(key));
      if (!f) continue; // unknown fields are ignored
      for (const e of f.embed) {
        this.stack.push(e.name);
        if (e.ptr && depth === 0) this.embedded.add(e.name);
      }
      this.struct = t.name;
      this.stack.push(f.json);
      const val = this.value(v, f.type, out[f.json]);
      if (val === null) delete out[f.json];
      else if (val !== undefined) out[f.json] = val;
      this.struct = struct;
      this.stack.length = depth;
    }
    return out;
  }

  /** strslice.StrSlice's UnmarshalJSON: an array of strings, or one string; else the string's error, aborting. */
  private strslice(node: JsonNode, t: GoType): unknown {
    if (node === null) return null;
    if (typeof node === 'string') return [node];
    if (Array.isArray(node) && node.every((x) => typeof x === 'string' || x === null)) return node.map((x) => x ?? '');
    const what = Array.isArray(node) ? 'array' : node instanceof GoObject ? 'object' : typeof node === 'boolean' ? 'bool' : 'number';
    // The error comes back through the decoder, which adds the field it was decoding.
    this.saved = undefined;
    this.typeError(what, { k: 'string', s: 'string' });
    throw this.saved;
  }
}

function zero(t: GoType): unknown {
  switch (t.k) {
    case 'bool': return false;
    case 'string': return '';
    case 'int': case 'uint': case 'float': return 0;
    case 'struct': return {};
    case 'array': return Array.from({ length: t.len }, () => zero(t.elem));
    default: return null;
  }
}

/** A value of an `any` field: plain JSON (numbers as float64, as Go decodes into interface{}). */
function toPlain(n: JsonNode): unknown {
  if (n instanceof GoNumber) return Number(n.text);
  if (n instanceof GoObject) return Object.fromEntries(n.members.map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(n)) return n.map(toPlain);
  return n;
}

export interface Decoded<T> { value: T; embedded: Set<string> }

/**
 * Decode bytes into a Go type as json.Decoder.Decode does (first value; syntax errors before
 * type errors; the first type error wins). `null` for the whole body leaves the zero value.
 */
export function decodeGoJson<T = Obj>(input: Uint8Array | string, t: GoType, opts: { whole?: boolean } = {}): Decoded<T> {
  const node = parseGoJson(input, opts);
  const d = new Decoder();
  const value = d.value(node, t, undefined); // throws an Unmarshaler's error (StrSlice)
  if (d.saved) throw d.saved;
  return { value: (value ?? zero(t)) as T, embedded: d.embedded };
}
