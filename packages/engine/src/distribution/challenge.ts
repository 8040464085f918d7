/**
 * WWW-Authenticate challenges as registries send them (RFC 7235): `Bearer realm="…",service="…",
 * scope="…"` (Docker Hub's token flow) or `Basic realm="…"`. Several challenges may share one
 * header, separated by commas between auth-params.
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parse one or more WWW-Authenticate header values into challenges (scheme lower-cased). */
export function parseChallenges(headers: string | string[] | undefined): Challenge[] {
  if (headers === undefined) return [];
  const out: Challenge[] = [];
  for (const h of Array.isArray(headers) ? headers : [headers]) out.push(...parseOne(h));
  return out;
}

function parseOne(header: string): Challenge[] {
  const out: Challenge[] = [];
  let s = header.trim();
  let current: Challenge | undefined;
  while (s.length) {
    s = s.replace(/^[\s,]+/, '');
    const tok = tokenRe.exec(s);
    if (!tok) break;
    const word = tok[0];
    const rest = s.slice(word.length).replace(/^\s*/, '');
    if (rest.startsWith('=') && current) {
      // auth-param: name=value or name="quoted \"value\""
      let v = rest.slice(1).replace(/^\s*/, '');
      let value: string;
      if (v.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < v.length && v[i] !== '"') {
          if (v[i] === '\\' && i + 1 < v.length) i++;
          value += v[i];
          i++;
        }
        v = v.slice(i + 1);
      } else {
        const m = /^[^,\s]*/.exec(v)!;
        value = m[0];
        v = v.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
      s = v;
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      s = rest;
    }
  }
  return out;
}
