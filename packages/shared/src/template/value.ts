// The Go value model used by the template engine for plain JavaScript data.
//
// JS value                         Go analogue
// -------------------------------  -------------------------------------------
// undefined                        invalid reflect.Value ("<no value>")
// null                             nil interface{} (prints "<nil>" inside containers)
// boolean / string                 bool / string
// number (integral)                int
// number (fractional, NaN, ±Inf)   float64
// bigint                           int64
// Float64 / Complex128 instances   float64 / complex128 template constants
// Array                            []interface{} ([]string when every element is a string)
// plain object, Map                map[string]interface{} (keys iterate sorted, as Go does)
// function                         method (called when reached as a field)
// other objects (class instances)  struct (fields and methods via properties)
// Date                             time.Time

/** A float64 constant from a template literal such as 1.5 or 1e6. */
export class Float64 {
  constructor(readonly value: number) {}
}

/** A complex128 constant from a template literal such as 1+2i. */
export class Complex128 {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

export type Kind =
  | 'invalid'
  | 'nil'
  | 'bool'
  | 'int'
  | 'float'
  | 'complex'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'func'
  | 'time';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'symbol':
      return 'struct';
  }
  if (v === null) return 'nil';
  if (v instanceof Float64) return 'float';
  if (v instanceof Complex128) return 'complex';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return 'slice';
  if (v instanceof Map || isPlainObject(v)) return 'map';
  if (v instanceof Date) return 'time';
  return 'struct';
}

/** Numeric value of an int/float kind value. */
export function toNumber(v: unknown): number {
  if (v instanceof Float64) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return v as number;
}

export function sliceElems(v: unknown): unknown[] {
  return Array.isArray(v) ? v : Array.from(v as ArrayLike<unknown>);
}

/** Keys of a map-kind value, in Go's sorted order. */
export function mapKeys(m: unknown): unknown[] {
  const keys: unknown[] = m instanceof Map ? Array.from(m.keys()) : Object.keys(m as object);
  return keys.sort(compareKeys);
}

export function mapSize(m: unknown): number {
  return m instanceof Map ? m.size : Object.keys(m as object).length;
}

/** Looks up a map key; returns `{ found: false }` when absent. */
export function mapIndex(m: unknown, key: unknown): { found: boolean; value: unknown } {
  if (m instanceof Map) return m.has(key) ? { found: true, value: m.get(key) } : { found: false, value: undefined };
  const obj = m as Record<string, unknown>;
  const k = String(key);
  if (Object.prototype.hasOwnProperty.call(obj, k)) return { found: true, value: obj[k] };
  return { found: false, value: undefined };
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Ordering of map keys as Go's internal/fmtsort does for basic key types. */
export function compareKeys(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if ((ka === 'int' || ka === 'float') && (kb === 'int' || kb === 'float')) {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka === 'string' && kb === 'string') return compareCodePoints(a as string, b as string);
  if (ka === 'bool' && kb === 'bool') return a === b ? 0 : a ? 1 : -1;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return compareCodePoints(String(a), String(b));
}

function everyString(values: unknown[]): boolean {
  return values.length > 0 && values.every((x) => typeof x === 'string');
}

/** True when a container's elements are statically typed strings ([]string, map[string]string). */
export function isStringContainer(v: unknown): boolean {
  const k = kindOf(v);
  if (k === 'slice') return everyString(sliceElems(v));
  if (k === 'map') return everyString(v instanceof Map ? Array.from(v.values()) : Object.values(v as object));
  return false;
}

/** Go type name of a value (reflect.Type.String()). */
export function typeName(v: unknown): string {
  const k = kindOf(v);
  switch (k) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return typeof v === 'bigint' ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'complex':
      return 'complex128';
    case 'string':
      return 'string';
    case 'func':
      return 'func()';
    case 'time':
      return 'time.Time';
    case 'slice':
      if (v instanceof Uint8Array) return '[]uint8';
      return isStringContainer(v) ? '[]string' : '[]interface {}';
    case 'map':
      return isStringContainer(v) ? 'map[string]string' : 'map[string]interface {}';
    case 'struct': {
      const ctor = (v as object).constructor as { name?: string } | undefined;
      return ctor && ctor.name ? ctor.name : 'struct {}';
    }
  }
}

/** Go's truth: the value is not the zero value of its type. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'float':
      return toNumber(v) !== 0;
    case 'complex':
      return (v as Complex128).re !== 0 || (v as Complex128).im !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return sliceElems(v).length > 0;
    case 'map':
      return mapSize(v) > 0;
    case 'time':
    case 'struct':
    case 'func':
      return true;
  }
}

const BUILTIN_PROTOS = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, Map.prototype]);

/**
 * Looks up a struct-like property: own properties, then the prototype chain
 * (class methods and getters) up to but excluding Object.prototype.
 */
export function structField(obj: object, name: string): { found: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(obj, name)) {
    return { found: true, value: (obj as Record<string, unknown>)[name] };
  }
  if (name === 'constructor') return { found: false, value: undefined };
  let proto = Object.getPrototypeOf(obj);
  while (proto !== null && !BUILTIN_PROTOS.has(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) {
      return { found: true, value: (obj as Record<string, unknown>)[name] };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return { found: false, value: undefined };
}

/** Own enumerable fields of a struct-like object, in declaration order. */
export function structFields(obj: object): [string, unknown][] {
  return Object.keys(obj)
    .map((k) => [k, (obj as Record<string, unknown>)[k]] as [string, unknown])
    .filter(([, v]) => typeof v !== 'function');
}
