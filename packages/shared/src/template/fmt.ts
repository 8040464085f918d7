// A port of the parts of Go's fmt package that templates reach through
// print, printf, println and the default printing of action values.

import { goQuoteWith } from './lexer.js';
import {
  Complex128,
  kindOf,
  mapIndex,
  mapKeys,
  sliceElems,
  structField,
  structFields,
  toNumber,
  typeName,
} from './value.js';

// ---------------------------------------------------------------------------
// Float formatting (strconv.FormatFloat semantics, with exact rounding).

interface Decimal {
  /** Significant digits, no leading zeros ("" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
  neg: boolean;
}

/** Exact decimal expansion of a finite double. */
function exactDecimal(v: number): Decimal {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (a === 0) return { d: '', dp: 0, neg };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length - -e;
  }
  const stripped = digits.replace(/0+$/, '');
  const lead = stripped.length - stripped.replace(/^0+/, '').length;
  return { d: stripped.slice(lead), dp: dp - lead, neg };
}

/** Rounds decimal to nd significant digits, half to even (exact input). */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: x.dp, neg: x.neg };
  if (x.d.length <= nd) return x;
  const keep = x.d.slice(0, nd);
  const rest = x.d.slice(nd);
  let up: boolean;
  if (rest[0] > '5') up = true;
  else if (rest[0] < '5') up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else up = nd > 0 && (keep.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return { d: keep.replace(/0+$/, ''), dp: x.dp, neg: x.neg };
  // increment keep
  const arr = keep.split('').map((c) => c.charCodeAt(0) - 48);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) {
    arr[i] = 0;
    i--;
  }
  if (i < 0) return { d: '1', dp: x.dp + 1, neg: x.neg };
  arr[i]++;
  return { d: arr.join('').replace(/0+$/, ''), dp: x.dp, neg: x.neg };
}

/** Shortest decimal that round-trips (same digits Go's shortest mode yields). */
function shortestDecimal(v: number): Decimal {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (a === 0) return { d: '', dp: 0, neg };
  const s = a.toExponential();
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s) as RegExpExecArray;
  const d = (m[1] + (m[2] ?? '')).replace(/0+$/, '');
  return { d, dp: Number(m[3]) + 1, neg };
}

function digitAt(x: Decimal, i: number): string {
  return i < x.d.length ? x.d[i] : '0';
}

function fmtE(x: Decimal, prec: number, ch: string): string {
  let s = x.neg ? '-' : '';
  s += digitAt(x, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, i);
  }
  const exp = x.d.length === 0 ? 0 : x.dp - 1;
  const ae = Math.abs(exp);
  s += ch + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' : '') + ae;
  return s;
}

function fmtF(x: Decimal, prec: number): string {
  let s = x.neg ? '-' : '';
  if (x.dp > 0) {
    for (let i = 0; i < x.dp; i++) s += digitAt(x, i);
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      s += j < 0 ? '0' : digitAt(x, j);
    }
  }
  return s;
}

/** strconv's %x float format: -0x1.8p+01 (shortest when prec < 0). */
function formatHexFloat(v: number, prec: number, upper: boolean): string {
  const neg = v < 0 || Object.is(v, -0);
  let a = Math.abs(v);
  let exp = 0;
  let mant = 0n;
  if (a !== 0) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, a);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const bexp = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (bexp === 0) {
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= (1n << 52n) - 1n;
    } else exp = bexp - 1023;
  }
  // mant holds 52 fraction bits = 13 hex digits.
  let frac = mant.toString(16).padStart(13, '0');
  let lead = a === 0 ? 0 : 1;
  if (prec < 0) frac = frac.replace(/0+$/, '');
  else if (prec < 13) {
    // round half to even on the dropped bits
    const keepBits = BigInt(prec * 4);
    const shift = 52n - keepBits;
    let m = (BigInt(lead) << 52n) | mant;
    const rem = m & ((1n << shift) - 1n);
    m >>= shift;
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
    if (m >> keepBits > 1n) {
      m >>= 1n;
      exp++;
    }
    lead = Number(m >> keepBits);
    frac = prec === 0 ? '' : (m & ((1n << keepBits) - 1n)).toString(16).padStart(prec, '0');
  } else frac = frac.padEnd(prec, '0');
  a = 0;
  let s = (neg ? '-' : '') + '0x' + lead + (frac.length > 0 ? '.' + frac : '') + 'p' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  if (upper) s = s.toUpperCase();
  return s;
}

/** strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G x X. */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (fmt === 'x' || fmt === 'X') return formatHexFloat(v, prec, fmt === 'X');
  const shortest = prec < 0;
  let x: Decimal;
  if (shortest) {
    x = shortestDecimal(v);
  } else {
    const exact = exactDecimal(v);
    switch (fmt) {
      case 'e':
      case 'E':
        x = roundDecimal(exact, prec + 1);
        break;
      case 'f':
        x = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        x = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(x, shortest ? Math.max(x.d.length - 1, 0) : prec, fmt);
    case 'f':
      return fmtF(x, shortest ? Math.max(x.d.length - x.dp, 0) : prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (x.d.length !== 0 && (exp < -4 || exp >= eprec)) {
        const p = shortest ? Math.max(x.d.length - 1, 0) : prec - 1;
        return fmtE(x, Math.min(p, Math.max(x.d.length - 1, 0)), fmt === 'g' ? 'e' : 'E');
      }
      const p = shortest ? Math.max(x.d.length - x.dp, 0) : Math.max(x.d.length - x.dp, 0);
      return fmtF(x, p);
    }
  }
  return fmtF(x, prec);
}

// ---------------------------------------------------------------------------
// Printer state (a port of fmt's pp / fmt structs).

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
  widPresent: boolean;
  precPresent: boolean;
}

function clearFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    prec: 0,
    widPresent: false,
    precPresent: false,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const utf8 = new TextEncoder();

class Printer {
  buf = '';
  f: Flags = clearFlags();

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero ? '0' : ' ').repeat(n);
  }

  /** Appends s padded to the width (width counted in runes). */
  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      const z = this.f.zero;
      this.f.zero = false;
      this.writePadding(width);
      this.f.zero = z;
    }
  }

  private truncate(s: string): string {
    if (this.f.precPresent) {
      const runes = Array.from(s);
      if (runes.length > this.f.prec) return runes.slice(0, this.f.prec).join('');
    }
    return s;
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  /** Port of fmt.fmtInteger for arbitrary-size integers. */
  fmtInteger(value: bigint, base: number, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = value < 0n;
    let u = negative ? -value : value;
    let prec = 0;
    let zeroPad = false;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const z = f.zero;
        f.zero = false;
        this.writePaddingOnly(f.wid);
        f.zero = z;
        return;
      }
    } else if (f.zero && f.widPresent && !f.minus) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
      zeroPad = true;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    u = 0n;
    while (digits.length < prec) digits = '0' + digits;
    if (f.sharp) {
      switch (base) {
        case 2:
          digits = '0b' + digits;
          break;
        case 8:
          if (digits[0] !== '0') digits = '0' + digits;
          break;
        case 16:
          digits = (upper ? '0X' : '0x') + digits;
          break;
      }
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (f.plus) digits = '+' + digits;
    else if (f.space) digits = ' ' + digits;
    const z = f.zero;
    if (zeroPad || f.precPresent) f.zero = false;
    this.pad(digits);
    f.zero = z;
  }

  private writePaddingOnly(n: number): void {
    if (this.f.widPresent && n > 0) this.buf += ' '.repeat(n);
  }

  fmtFloat(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let fmtVerb = verb;
    if (verb === 'v') fmtVerb = 'g';
    if (verb === 'F') fmtVerb = 'f';
    let num = formatFloat(v, fmtVerb, prec);
    if (f.sharp && verb !== 'b' && Number.isFinite(v)) {
      num = sharpFloat(num, fmtVerb, prec);
    }
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const z = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = z;
      return;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && f.widPresent && f.wid > num.length && !f.minus) {
        this.buf += num[0];
        this.writePadding(f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.pad(this.truncate(s));
        return;
      case 's':
        this.pad(this.truncate(s));
        return;
      case 'x':
      case 'X':
        this.fmtSbx(s, verb === 'X');
        return;
      case 'q':
        this.fmtQ(s);
        return;
    }
    this.badVerb(verb, s);
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && !/[`\r\n\t\x00-\x08\x0b-\x1f\x7f\ufeff]/.test(s) && !s.includes('`')) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(goQuoteWith(s, '"', this.f.plus));
  }

  private fmtSbx(s: string, upper: boolean): void {
    let bytes = Array.from(utf8.encode(s));
    if (this.f.precPresent && this.f.prec < bytes.length) bytes = bytes.slice(0, this.f.prec);
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      let h = bytes[i].toString(16).padStart(2, '0');
      if (upper) h = h.toUpperCase();
      if (this.f.space) {
        if (this.f.sharp) h = (upper ? '0X' : '0x') + h;
        parts.push(h);
      } else {
        if (i === 0 && this.f.sharp) h = (upper ? '0X' : '0x') + h;
        parts.push(h);
      }
    }
    this.pad(parts.join(this.f.space ? ' ' : ''));
  }

  badVerb(verb: string, arg: unknown): void {
    this.buf += '%!' + verb + '(';
    if (arg === undefined || arg === null) {
      this.buf += '<nil>';
    } else {
      this.buf += typeName(arg) + '=';
      this.printArg(arg, 'v', 0);
    }
    this.buf += ')';
  }

  printArg(arg: unknown, verb: string, depth: number): void {
    const f = this.f;
    const k = kindOf(arg);
    if (k === 'invalid' || k === 'nil') {
      if (verb === 'T' || verb === 'v') {
        if (depth > 0 && f.sharpV) this.pad('interface {}(nil)');
        else this.pad('<nil>');
      } else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.fmtString(typeName(arg), 's');
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    switch (k) {
      case 'bool':
        if (verb === 't' || verb === 'v') this.fmtBoolean(arg as boolean);
        else this.badVerb(verb, arg);
        return;
      case 'int':
        if (typeof arg === 'bigint' || Number.isSafeInteger(arg) || Math.abs(arg as number) < 2 ** 63) {
          this.fmtIntegerVerb(BigInt(arg as number | bigint), verb, arg);
        } else {
          this.fmtFloatVerb(arg as number, verb, arg);
        }
        return;
      case 'float':
        this.fmtFloatVerb(toNumber(arg), verb, arg);
        return;
      case 'complex':
        this.fmtComplex(arg as Complex128, verb);
        return;
      case 'string':
        this.fmtString(arg as string, verb);
        return;
    }
    this.printValue(arg, verb, depth);
  }

  private fmtIntegerVerb(v: bigint, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(v, 10, verb, false);
        return;
      case 'b':
        this.fmtInteger(v, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, verb, false);
        return;
      case 'x':
        this.fmtInteger(v, 16, verb, false);
        return;
      case 'X':
        this.fmtInteger(v, 16, verb, true);
        return;
      case 'c':
        this.pad(this.runeString(v));
        return;
      case 'q': {
        const r = this.runeString(v);
        this.pad(goQuoteWith(r, "'", this.f.plus));
        return;
      }
      case 'U': {
        const n = Number(v);
        let s = 'U+' + (n < 0 ? 0xfffd : n).toString(16).toUpperCase().padStart(4, '0');
        if (this.f.sharp && n >= 0 && n <= 0x10ffff) s += ` '${String.fromCodePoint(n)}'`;
        this.pad(s);
        return;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        // JS numbers do not distinguish int from float64; format as float.
        this.fmtFloat(Number(v), verb, verb === 'g' || verb === 'G' ? -1 : 6);
        return;
    }
    this.badVerb(verb, arg);
  }

  private runeString(v: bigint): string {
    const n = Number(v);
    if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(n);
  }

  private fmtFloatVerb(v: number, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
        this.fmtFloat(v, verb === 'G' ? 'G' : 'g', -1);
        return;
      case 'x':
      case 'X':
        this.fmtFloat(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        this.fmtFloat(v, verb, 6);
        return;
    }
    this.badVerb(verb, arg);
  }

  private fmtComplex(c: Complex128, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.f.plus;
        this.buf += '(';
        this.fmtFloatVerb(c.re, verb, c.re);
        this.f.plus = true;
        this.fmtFloatVerb(c.im, verb, c.im);
        this.buf += 'i)';
        this.f.plus = oldPlus;
        return;
      }
    }
    this.badVerb(verb, c);
  }

  printValue(v: unknown, verb: string, depth: number): void {
    const f = this.f;
    if (depth > 0) {
      const k0 = kindOf(v);
      if (k0 !== 'slice' && k0 !== 'map' && k0 !== 'struct' && k0 !== 'time' && k0 !== 'func') {
        this.printArg(v, verb, depth);
        return;
      }
    }
    const k = kindOf(v);
    switch (k) {
      case 'map': {
        const keys = mapKeys(v);
        if (f.sharpV) {
          this.buf += typeName(v) + '{';
          keys.forEach((key, i) => {
            if (i > 0) this.buf += ', ';
            this.printValue(key, verb, depth + 1);
            this.buf += ':';
            this.printValue(mapIndex(v, key).value, verb, depth + 1);
          });
          this.buf += '}';
        } else {
          this.buf += 'map[';
          keys.forEach((key, i) => {
            if (i > 0) this.buf += ' ';
            this.printValue(key, verb, depth + 1);
            this.buf += ':';
            this.printValue(mapIndex(v, key).value, verb, depth + 1);
          });
          this.buf += ']';
        }
        return;
      }
      case 'slice': {
        const elems = sliceElems(v);
        if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && v instanceof Uint8Array) {
          this.fmtString(new TextDecoder().decode(v), verb);
          return;
        }
        if (f.sharpV) {
          this.buf += typeName(v) + '{';
          elems.forEach((e, i) => {
            if (i > 0) this.buf += ', ';
            this.printValue(e, verb, depth + 1);
          });
          this.buf += '}';
        } else {
          this.buf += '[';
          elems.forEach((e, i) => {
            if (i > 0) this.buf += ' ';
            this.printValue(e, verb, depth + 1);
          });
          this.buf += ']';
        }
        return;
      }
      case 'time':
        this.fmtString(formatTime(v as Date), verb === 'v' ? 'v' : verb);
        return;
      case 'func':
        if (verb === 'v' || verb === 'p') this.pad(f.sharpV ? '(func())(0x0)' : '0x0');
        else this.badVerb(verb, v);
        return;
      case 'struct': {
        const str = stringerOf(v);
        if (str !== null && (verb === 'v' || verb === 's' || verb === 'q') && !f.sharpV) {
          this.fmtString(str, verb);
          return;
        }
        if (f.sharpV) this.buf += typeName(v);
        this.buf += '{';
        structFields(v as object).forEach(([name, val], i) => {
          if (i > 0) this.buf += f.sharpV ? ', ' : ' ';
          if (f.plusV || f.sharpV) this.buf += name + ':';
          this.printValue(val, verb, depth + 1);
        });
        this.buf += '}';
        return;
      }
    }
    this.printArg(v, verb, depth);
  }
}

/** Go's fmt.Stringer / error analogue for objects: String() method or Error message. */
function stringerOf(v: unknown): string | null {
  if (v instanceof Error) return v.message;
  if (typeof v === 'object' && v !== null) {
    const m = structField(v, 'String');
    if (m.found && typeof m.value === 'function' && (m.value as () => unknown).length === 0) {
      const s = (m.value as () => unknown).call(v);
      if (typeof s === 'string') return s;
    }
  }
  return null;
}

function sharpFloat(num: string, verb: string, prec: number): string {
  // %#g keeps trailing zeros and always prints a decimal point.
  let tail = '';
  let body = num;
  const eIdx = body.search(/[eE]/);
  if (eIdx >= 0) {
    tail = body.slice(eIdx);
    body = body.slice(0, eIdx);
  }
  if (!body.includes('.')) body += '.';
  if (verb === 'g' || verb === 'G') {
    const digits = prec < 0 ? 6 : prec === 0 ? 1 : prec;
    const sig = body.replace(/^[+-]?0*\.?0*/, '').replace('.', '');
    let have = /^[+-]?0\.?0*$/.test(body) ? 1 : sig.length;
    while (have < digits) {
      body += '0';
      have++;
    }
  }
  return body + tail;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function formatTime(d: Date): string {
  if (Number.isNaN(d.getTime())) return '0001-01-01 00:00:00 +0000 UTC';
  let s = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  if (ms !== 0) s += '.' + String(ms).padStart(3, '0').replace(/0+$/, '');
  return s + ' +0000 UTC';
}

// ---------------------------------------------------------------------------
// Public entry points.

/** fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v', 0);
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: spaces always added between operands, newline appended. */
export function sprintln(args: unknown[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(arg, 'v', 0);
  });
  return p.buf + '\n';
}

function parseNum(s: string, start: number): { num: number; isnum: boolean; end: number } {
  let i = start;
  let num = 0;
  let isnum = false;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    if (num > 1e6) return { num: 0, isnum: false, end: s.length };
    num = num * 10 + (s.charCodeAt(i) - 48);
    isnum = true;
    i++;
  }
  return { num, isnum, end: i };
}

/** fmt.Sprintf with Go's verbs, flags, widths, precisions and error annotations. */
export function sprintf(format: string, a: unknown[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (i: number): { i: number; found: boolean } => {
    if (i >= end || format[i] !== '[') return { i, found: false };
    reordered = true;
    for (let j = i + 1; j < end; j++) {
      if (format[j] === ']') {
        const { num, isnum, end: e } = parseNum(format, i + 1);
        if (!isnum || e !== j) {
          goodArgNum = false;
          return { i: j + 1, found: false };
        }
        const idx = num - 1;
        if (idx >= 0 && idx < a.length) {
          argNum = idx;
          return { i: j + 1, found: true };
        }
        goodArgNum = false;
        return { i: j + 1, found: true };
      }
    }
    goodArgNum = false;
    return { i: i + 1, found: false };
  };

  const intFromArg = (): { num: number; isInt: boolean } => {
    let num = 0;
    let isInt = false;
    if (argNum < a.length) {
      const arg = a[argNum];
      if (kindOf(arg) === 'int') {
        num = Number(arg);
        isInt = true;
        if (num > 1e6 || num < -1e6) {
          num = 0;
          isInt = false;
        }
      }
      argNum++;
    }
    return { num, isInt };
  };

  let i = 0;
  while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++; // skip %
    p.f = clearFlags();
    const f = p.f;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    let r = argNumber(i);
    i = r.i;
    afterIndex = r.found;
    // width
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg();
      f.wid = w.num;
      f.widPresent = w.isInt;
      if (!w.isInt) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const n = parseNum(format, i);
      f.wid = n.num;
      f.widPresent = n.isnum;
      i = n.end;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    // precision
    if (i + 1 <= end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      r = argNumber(i);
      i = r.i;
      afterIndex = r.found;
      if (i < end && format[i] === '*') {
        i++;
        const pr = intFromArg();
        f.prec = pr.num;
        f.precPresent = pr.isInt;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const n = parseNum(format, i);
        f.prec = n.num;
        f.precPresent = true;
        i = n.end;
      }
    }
    if (!afterIndex) {
      r = argNumber(i);
      i = r.i;
      afterIndex = r.found;
    }
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(i) as number;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === '%') {
      p.buf += '%';
      continue;
    }
    if (!goodArgNum) {
      p.buf += '%!' + verb + '(BADINDEX)';
      continue;
    }
    if (argNum >= a.length) {
      p.buf += '%!' + verb + '(MISSING)';
      continue;
    }
    if (verb === 'v') {
      if (f.sharp) {
        f.sharp = false;
        f.sharpV = true;
      }
      if (f.plus) {
        f.plus = false;
        f.plusV = true;
      }
    }
    p.printArg(a[argNum], verb === 'w' ? 'v' : verb, 0);
    argNum++;
  }
  if (!reordered && argNum < a.length) {
    p.f = clearFlags();
    p.buf += '%!(EXTRA ';
    a.slice(argNum).forEach((arg, j) => {
      if (j > 0) p.buf += ', ';
      if (arg === undefined || arg === null) p.buf += '<nil>';
      else {
        p.buf += typeName(arg) + '=';
        p.printArg(arg, 'v', 0);
      }
    });
    p.buf += ')';
  }
  return p.buf;
}

/** fmt.Sprint of a single value (used for action output). */
export function formatValue(v: unknown): string {
  const p = new Printer();
  p.printArg(v, 'v', 0);
  return p.buf;
}
