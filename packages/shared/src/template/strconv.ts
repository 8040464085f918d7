// Small subset of Go's strconv needed by the template parser: Unquote,
// UnquoteChar and number parsing with Go's literal syntax.

export class SyntaxError_ extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function hexVal(c: string): number {
  const v = parseInt(c, 16);
  return Number.isNaN(v) || !/^[0-9a-fA-F]$/.test(c) ? -1 : v;
}

/**
 * Decodes the first character or escape sequence of s (Go's strconv.UnquoteChar).
 * Returns the decoded text and the remaining tail; throws SyntaxError_ on bad input.
 */
export function unquoteChar(s: string, quote: string): { value: string; tail: string } {
  if (s.length === 0) throw new SyntaxError_();
  const first = s.codePointAt(0) as number;
  const firstCh = String.fromCodePoint(first);
  if (firstCh === quote && (quote === "'" || quote === '"')) throw new SyntaxError_();
  if (firstCh !== '\\') return { value: firstCh, tail: s.slice(firstCh.length) };
  if (s.length <= 1) throw new SyntaxError_();
  const c = s[1];
  let rest = s.slice(2);
  if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, c)) return { value: SIMPLE_ESCAPES[c], tail: rest };
  switch (c) {
    case 'x':
    case 'u':
    case 'U': {
      const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      if (rest.length < n) throw new SyntaxError_();
      let v = 0;
      for (let j = 0; j < n; j++) {
        const x = hexVal(rest[j]);
        if (x < 0) throw new SyntaxError_();
        v = v * 16 + x;
      }
      rest = rest.slice(n);
      if (c === 'x') return { value: String.fromCharCode(v), tail: rest };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError_();
      return { value: String.fromCodePoint(v), tail: rest };
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = c.charCodeAt(0) - 48;
      if (rest.length < 2) throw new SyntaxError_();
      for (let j = 0; j < 2; j++) {
        const x = rest.charCodeAt(j) - 48;
        if (x < 0 || x > 7) throw new SyntaxError_();
        v = v * 8 + x;
      }
      if (v > 255) throw new SyntaxError_();
      return { value: String.fromCharCode(v), tail: rest.slice(2) };
    }
    case "'":
    case '"':
      if (c !== quote) throw new SyntaxError_();
      return { value: c, tail: rest };
  }
  throw new SyntaxError_();
}

/** Go's strconv.Unquote for "..." , `...` and '...' literals. */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new SyntaxError_();
  const quote = s[0];
  if (quote !== s[n - 1]) throw new SyntaxError_();
  let body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new SyntaxError_();
    if (body.includes('\r')) body = body.replace(/\r/g, '');
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new SyntaxError_();
  if (body.includes('\n')) throw new SyntaxError_();
  let out = '';
  let count = 0;
  while (body.length > 0) {
    const { value, tail } = unquoteChar(body, quote);
    out += value;
    body = tail;
    count++;
    if (quote === "'" && body.length > 0) throw new SyntaxError_();
  }
  if (quote === "'" && count !== 1) throw new SyntaxError_();
  return out;
}

function underscoreOK(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'boxBOX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;

/** strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64); null on any error. */
export function parseGoInt(text: string, unsigned: boolean): bigint | null {
  let s = text;
  let neg = false;
  if (!unsigned && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0) return null;
  let base = 10;
  let digits = s;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1].toLowerCase();
    if (p === 'x') {
      base = 16;
      digits = s.slice(2);
    } else if (p === 'o') {
      base = 8;
      digits = s.slice(2);
    } else if (p === 'b') {
      base = 2;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
    }
  }
  if (digits.includes('_')) {
    if (!underscoreOK(s)) return null;
    digits = digits.replace(/_/g, '');
  }
  if (digits.length === 0) return null;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 10 ? /^[0-9]+$/ : base === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(digits)) return null;
  let v = 0n;
  const b = BigInt(base);
  for (const c of digits) v = v * b + BigInt(parseInt(c, 16));
  if (neg) v = -v;
  if (unsigned) return v <= MAX_UINT64 ? v : null;
  return v >= MIN_INT64 && v <= MAX_INT64 ? v : null;
}

/** strconv.ParseFloat(s, 64); null on syntax or range error. */
export function parseGoFloat(text: string): number | null {
  let s = text;
  if (s.includes('_')) {
    if (!underscoreOK(s)) return null;
    s = s.replace(/_/g, '');
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
  if (hex) {
    const [, sign, ip, fp = '', exp] = hex;
    if (ip.length + fp.length === 0) return null;
    let mant = 0;
    for (const c of ip + fp) mant = mant * 16 + parseInt(c, 16);
    const v = mant * Math.pow(2, Number(exp) - 4 * fp.length);
    if (!Number.isFinite(v)) return null;
    return sign === '-' ? -v : v;
  }
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) return null;
  const v = Number(s);
  if (!Number.isFinite(v)) return null;
  return v;
}
