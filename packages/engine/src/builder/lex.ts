/**
 * Variable substitution in Dockerfile words, as Docker's shell lexer does it: `$VAR`,
 * `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`,
 * single quotes literal, double quotes expanding, the escape char (`\` or the `# escape=`
 * one) escaping the next character. Quotes are removed from the result.
 */
import { InvalidArgument } from '@berth/shared';

export type Env = string[] | Record<string, string>;

function lookup(env: Env, name: string): string | undefined {
  if (!Array.isArray(env)) return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
  for (let i = env.length - 1; i >= 0; i--) {
    const kv = env[i]!;
    const eq = kv.indexOf('=');
    if ((eq < 0 ? kv : kv.slice(0, eq)) === name) return eq < 0 ? '' : kv.slice(eq + 1);
  }
  return undefined;
}

class Lexer {
  i = 0;
  constructor(readonly s: string, readonly env: Env, readonly escape: string) {}

  peek(): string | undefined { return this.s[this.i]; }

  /** Process until `stop` (unquoted) or the end. */
  run(stop?: string): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (stop && c === stop) return out;
      this.i++;
      if (c === "'") out += this.single();
      else if (c === '"') out += this.double();
      else if (c === '$') out += this.dollar();
      else if (c === this.escape) {
        if (this.i < this.s.length) out += this.s[this.i++];
      } else out += c;
    }
    if (stop) throw new InvalidArgument(`failed to process "${this.s}": syntax error: missing '${stop}'`);
    return out;
  }

  single(): string {
    const end = this.s.indexOf("'", this.i);
    if (end < 0) throw new InvalidArgument(`failed to process "${this.s}": unexpected end of statement while looking for matching single-quote`);
    const v = this.s.slice(this.i, end);
    this.i = end + 1;
    return v;
  }

  double(): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === '"') return out;
      if (c === '$') out += this.dollar();
      else if (c === this.escape && this.i < this.s.length) {
        const n = this.s[this.i]!;
        if (n === '"' || n === '$' || n === this.escape) { out += n; this.i++; } else out += c;
      } else out += c;
    }
    throw new InvalidArgument(`failed to process "${this.s}": unexpected end of statement while looking for matching double-quote`);
  }

  name(): string {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*|[0-9]|[*#@?$!-])/.exec(this.s.slice(this.i));
    if (!m) return '';
    this.i += m[0].length;
    return m[0];
  }

  dollar(): string {
    if (this.peek() !== '{') {
      const n = this.name();
      if (!n) return '$';
      return lookup(this.env, n) ?? '';
    }
    this.i++;
    const n = this.name();
    if (!n) throw new InvalidArgument(`failed to process "${this.s}": bad substitution`);
    const c = this.s[this.i];
    if (c === undefined) throw new InvalidArgument(`failed to process "${this.s}": syntax error: missing '}'`);
    if (c === '}') { this.i++; return lookup(this.env, n) ?? ''; }
    let colon = false;
    if (c === ':') { colon = true; this.i++; }
    const mod = this.s[this.i++];
    if (mod !== '-' && mod !== '+' && mod !== '?') {
      throw new InvalidArgument(`failed to process "${this.s}": unsupported modifier (${mod ?? ''}) in substitution`);
    }
    const word = this.run('}');
    this.i++;
    const v = lookup(this.env, n);
    const set = colon ? !!v : v !== undefined;
    if (mod === '-') return set ? v! : word;
    if (mod === '+') return set ? word : '';
    if (!set) throw new InvalidArgument(`failed to process "${this.s}": ${n}: ${word || 'is not allowed to be unset'}`);
    return v!;
  }
}

/** Expand one word (quotes removed). */
export function processWord(word: string, env: Env, escape = '\\'): string {
  return new Lexer(word, env, escape).run();
}

/** Is `kv` "NAME=value" form? */
export const envKey = (kv: string) => (kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv);

/** Set NAME in an env list (replace in place or append), as Docker's ReplaceOrAppendEnvValues. */
export function setEnv(env: string[], name: string, value: string): string[] {
  const out = env.filter((e) => envKey(e) !== name);
  const i = env.findIndex((e) => envKey(e) === name);
  if (i >= 0) { const copy = [...env]; copy[i] = `${name}=${value}`; return copy; }
  out.push(`${name}=${value}`);
  return out;
}
