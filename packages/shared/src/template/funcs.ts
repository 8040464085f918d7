// Template functions: Go's text/template builtins and docker/cli's extra
// template functions (templates.basicFunctions and HeaderFunctions).

import { sprint, sprintf, sprintln } from './fmt.js';
import { JSONUnsupportedError, marshalJSON } from './json.js';
import {
  Complex128,
  Float64,
  isTrue,
  kindOf,
  mapIndex,
  mapSize,
  sliceElems,
  isStringContainer,
  toNumber,
  typeName,
} from './value.js';

/**
 * Parameter types understood by the executor when evaluating arguments:
 * - value: reflect.Value — the raw value, undefined allowed
 * - any: interface{} — undefined becomes null (nil)
 * - raw: passed to user JS functions as-is (Float64 constants unwrapped)
 * - string, int, stringSlice: Go string, int, []string with Go's type checks
 */
export type ParamType = 'value' | 'any' | 'raw' | 'string' | 'int' | 'stringSlice';

export interface FuncDef {
  params: ParamType[];
  /** Element type of a trailing variadic parameter. */
  variadic?: ParamType;
  fn: (...args: never[]) => unknown;
  /** Builtins evaluated specially by the executor. */
  special?: 'and' | 'or' | 'call';
}

/** A JS function (all arguments passed raw) or a typed FuncDef. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FuncSpec = ((...args: any[]) => unknown) | FuncDef;

export type FuncMap = Record<string, FuncSpec>;

/** Error returned by a template function: reported as `error calling NAME: MSG`. */
export class FuncError extends Error {}

export function goTypeOfParam(t: ParamType): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'stringSlice':
      return '[]string';
    case 'value':
      return 'reflect.Value';
    default:
      return 'interface {}';
  }
}

export function toFuncDef(spec: FuncSpec): FuncDef {
  if (typeof spec === 'function') {
    return { params: Array<ParamType>(spec.length).fill('raw'), variadic: 'raw', fn: spec };
  }
  return spec;
}

// ---------------------------------------------------------------------------
// helpers

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** indirectInterface: a nil interface becomes the invalid value. */
function indirectInterface(v: unknown): unknown {
  return v === null ? undefined : v;
}

function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

function indexArg(index: unknown, cap: number): number {
  let x: number;
  const k = kindOf(index);
  if (k === 'int') x = Number(index);
  else if (k === 'invalid' || k === 'nil') throw new FuncError('cannot index slice/array with nil');
  else throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function prepareMapKey(m: unknown, index: unknown): unknown {
  if (m instanceof Map) return index === null ? undefined : index;
  if (index === undefined || index === null) throw new FuncError('value is nil; should be of type string');
  if (typeof index !== 'string') throw new FuncError(`value has type ${typeName(index)}; should be string`);
  return index;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (let idx of indexes) {
    idx = indirectInterface(idx);
    if (item === null || item === undefined) throw new FuncError('index of nil pointer');
    switch (kindOf(item)) {
      case 'slice': {
        const elems = sliceElems(item);
        const x = indexArg(idx, elems.length);
        if (x === elems.length) throw new FuncError('reflect: slice index out of range');
        item = elems[x] === undefined ? null : elems[x];
        break;
      }
      case 'string': {
        const bytes = utf8Bytes(item as string);
        const x = indexArg(idx, bytes.length);
        if (x === bytes.length) throw new FuncError('reflect: string index out of range');
        item = bytes[x];
        break;
      }
      case 'map': {
        const key = prepareMapKey(item, idx);
        const r = mapIndex(item, key);
        if (r.found) item = r.value === undefined ? null : r.value;
        else item = isStringContainer(item) ? '' : null;
        break;
      }
      default:
        throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const k = kindOf(item);
  if (k === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    cap = len = utf8Bytes(item as string).length;
  } else if (k === 'slice') {
    cap = len = sliceElems(item).length;
  } else {
    throw new FuncError(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(indirectInterface(x), cap);
  });
  if (idx[0] > idx[1]) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string') return decoder.decode(utf8Bytes(item as string).slice(idx[0], idx[1]));
  return sliceElems(item).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  if (item === null) throw new FuncError('len of nil pointer');
  switch (kindOf(item)) {
    case 'invalid':
      throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
    case 'string':
      return utf8Bytes(item as string).length;
    case 'slice':
      return sliceElems(item).length;
    case 'map':
      return mapSize(item);
  }
  throw new FuncError(`len of type ${typeName(item)}`);
}

// ---- comparisons ----

type BasicKind = 'invalid' | 'bool' | 'complex' | 'number' | 'string';

function basicKind(v: unknown): BasicKind {
  switch (kindOf(v)) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'float':
      // JS numbers do not distinguish int from float64: compare them numerically.
      return 'number';
    case 'complex':
      return 'complex';
    case 'string':
      return 'string';
  }
  return 'invalid';
}

function numLess(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b;
  return toNumber(a) < toNumber(b);
}

function numEq(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  return toNumber(a) === toNumber(b);
}

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null;
}

function isComparable(v: unknown): boolean {
  const k = kindOf(v);
  return k !== 'slice' && k !== 'map' && k !== 'func';
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        throw new FuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'number':
          truth = numEq(arg1, arg);
          break;
        case 'complex':
          truth = (arg1 as Complex128).re === (arg as Complex128).re && (arg1 as Complex128).im === (arg as Complex128).im;
          break;
        default: {
          const ka = kindOf(arg1);
          const kb = kindOf(arg);
          if (ka !== kb && ka !== 'invalid' && kb !== 'invalid') {
            throw new FuncError(
              `non-comparable types ${sprintf('%s', [arg1])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprintf('%s', [arg])}`,
            );
          }
          if (isNilValue(arg1) || isNilValue(arg)) {
            truth = isNilValue(arg) === isNilValue(arg1);
          } else {
            if (!isComparable(arg)) throw new FuncError(`non-comparable type ${sprintf('%s', [arg])}: ${typeName(arg)}`);
            truth = arg1 === arg;
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function ne(arg1: unknown, arg2: unknown): boolean {
  return !eq(arg1, arg2);
}

function compareCodeUnitsAsBytes(a: string, b: string): number {
  const x = utf8Bytes(a);
  const y = utf8Bytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError('invalid type for comparison');
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new FuncError('invalid type for comparison');
    case 'number':
      return numLess(arg1, arg2);
    default:
      return compareCodeUnitsAsBytes(arg1 as string, arg2 as string) < 0;
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function gt(arg1: unknown, arg2: unknown): boolean {
  return !le(arg1, arg2);
}

function ge(arg1: unknown, arg2: unknown): boolean {
  return !lt(arg1, arg2);
}

// ---- escaping ----

/** evalArgs: fmt.Sprint of the arguments with template printing rules. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

const GO_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u;

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80 || GO_PRINT.test(ch)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---- docker/cli string helpers ----

/** Per-rune simple case mapping (Go's unicode.ToUpper/ToLower/ToTitle). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += Array.from(m).length === 1 ? m : ch;
  }
  return out;
}

export function goToUpper(s: string): string {
  return mapRunes(s, (c) => c.toUpperCase());
}

export function goToLower(s: string): string {
  return mapRunes(s, (c) => c.toLowerCase());
}

function isTitleSeparator(ch: string): boolean {
  const r = ch.codePointAt(0) as number;
  if (r <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
  return /^\s$/u.test(ch);
}

/** strings.Title: upper-cases the first letter of each word. */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    if (isTitleSeparator(prev)) {
      const t = ch.toUpperCase();
      out += Array.from(t).length === 1 ? t : ch;
    } else {
      out += ch;
    }
    prev = ch;
  }
  return out;
}

/** strings.Split, including the empty-separator rune explosion. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s);
  return s.split(sep);
}

function repeatSpaces(n: number): string {
  if (n < 0) throw new FuncError('strings: negative Repeat count');
  return ' '.repeat(n);
}

/** docker's padWithSpace. */
export function padWithSpace(source: string, prefix: number, suffix: number): string {
  if (source === '') return source;
  return repeatSpaces(prefix) + source + repeatSpaces(suffix);
}

/** docker's truncateWithLength (rune-aware). */
export function truncateWithLength(source: string, length: number): string {
  const runes = Array.from(source);
  if (runes.length < length) return source;
  if (length < 0) throw new FuncError(`runtime error: slice bounds out of range [:${length}]`);
  return runes.slice(0, length).join('');
}

/** docker's json template function (encoding/json, HTML escaping off, trimmed). */
export function dockerJSON(v: unknown): string {
  try {
    return marshalJSON(v instanceof Float64 ? v.value : v).trim();
  } catch (e) {
    if (e instanceof JSONUnsupportedError) return '';
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Function maps.

const fnv = <T extends (...args: never[]) => unknown>(f: T): FuncDef['fn'] => f as FuncDef['fn'];

/** Go's builtin template functions. */
export const builtinFuncs: Record<string, FuncDef> = {
  and: { params: ['value'], variadic: 'value', fn: fnv(() => undefined), special: 'and' },
  or: { params: ['value'], variadic: 'value', fn: fnv(() => undefined), special: 'or' },
  call: { params: ['value'], variadic: 'value', fn: fnv(() => undefined), special: 'call' },
  html: { params: [], variadic: 'any', fn: fnv((...a: unknown[]) => htmlEscapeString(evalArgs(a))) },
  index: { params: ['value'], variadic: 'value', fn: fnv(index) },
  slice: { params: ['value'], variadic: 'value', fn: fnv(slice) },
  js: { params: [], variadic: 'any', fn: fnv((...a: unknown[]) => jsEscapeString(evalArgs(a))) },
  len: { params: ['value'], fn: fnv(length) },
  not: { params: ['value'], fn: fnv((a: unknown) => !isTrue(a === null ? undefined : a)) },
  print: { params: [], variadic: 'any', fn: fnv((...a: unknown[]) => sprint(a)) },
  printf: { params: ['string'], variadic: 'any', fn: fnv((f: string, ...a: unknown[]) => sprintf(f, a)) },
  println: { params: [], variadic: 'any', fn: fnv((...a: unknown[]) => sprintln(a)) },
  urlquery: { params: [], variadic: 'any', fn: fnv((...a: unknown[]) => urlQueryEscape(evalArgs(a))) },
  eq: { params: ['value'], variadic: 'value', fn: fnv(eq) },
  ge: { params: ['value', 'value'], fn: fnv(ge) },
  gt: { params: ['value', 'value'], fn: fnv(gt) },
  le: { params: ['value', 'value'], fn: fnv(le) },
  lt: { params: ['value', 'value'], fn: fnv(lt) },
  ne: { params: ['value', 'value'], fn: fnv(ne) },
};

/** docker/cli templates.basicFunctions. */
export const dockerFuncs: Record<string, FuncDef> = {
  json: { params: ['any'], fn: fnv(dockerJSON) },
  split: { params: ['string', 'string'], fn: fnv(goSplit) },
  join: { params: ['stringSlice', 'string'], fn: fnv((a: string[], sep: string) => a.join(sep)) },
  title: { params: ['string'], fn: fnv(goTitle) },
  lower: { params: ['string'], fn: fnv(goToLower) },
  upper: { params: ['string'], fn: fnv(goToUpper) },
  pad: { params: ['string', 'int', 'int'], fn: fnv(padWithSpace) },
  truncate: { params: ['string', 'int'], fn: fnv(truncateWithLength) },
};

/**
 * docker/cli templates.HeaderFunctions: used when rendering a table header
 * so that `{{upper .Name}}` etc. leave the column title intact. `pad` is
 * deliberately not overridden (to keep columns aligned).
 */
export const headerFuncs: Record<string, FuncDef> = {
  json: { params: ['string'], fn: fnv((v: string) => v) },
  split: { params: ['string', 'string'], fn: fnv((v: string) => v) },
  join: { params: ['string', 'string'], fn: fnv((v: string) => v) },
  title: { params: ['string'], fn: fnv((v: string) => v) },
  lower: { params: ['string'], fn: fnv((v: string) => v) },
  upper: { params: ['string'], fn: fnv((v: string) => v) },
  truncate: { params: ['string', 'int'], fn: fnv((v: string) => v) },
};
