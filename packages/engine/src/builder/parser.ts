/**
 * Dockerfile → instruction nodes, as Docker's frontend reads a file: parser directives
 * (`# escape=`, `# syntax=`) at the top, comments, line continuations with the escape char,
 * empty continuation lines skipped, heredocs (`RUN <<EOF`, `<<-EOF`, quoted terminators),
 * leading `--flags`, JSON vs shell forms. Errors name the line: "dockerfile parse error on
 * line 3: unknown instruction: FOO". Nothing here expands variables (see lex.ts).
 */
import { InvalidArgument } from '@berth/shared';

export interface Heredoc {
  name: string;
  content: string;
  /** Quoted terminator (<<"EOF"): no expansion of the body. */
  expand: boolean;
  /** <<-EOF: leading tabs stripped. */
  chomp: boolean;
}

export interface Node {
  /** Lower-case instruction keyword. */
  cmd: string;
  /** The instruction as written (continuations joined), as `Step N/M :` shows it. */
  original: string;
  startLine: number;
  endLine: number;
  /** Leading `--name[=value]` flags. */
  flags: string[];
  /** Everything after the flags, whitespace-trimmed. */
  rest: string;
  /** JSON form (exec form) arguments when `rest` is a JSON string array. */
  json?: string[];
  heredocs: Heredoc[];
  /** For ONBUILD: the instruction it wraps. */
  sub?: Node;
}

export interface ParseResult {
  nodes: Node[];
  escape: string;
  directives: Record<string, string>;
  warnings: string[];
}

export const knownInstructions = new Set([
  'add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label', 'maintainer',
  'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir',
]);
const heredocInstructions = new Set(['run', 'copy', 'add']);

export class DockerfileParseError extends InvalidArgument {
  constructor(readonly line: number, readonly detail: string) {
    super(`dockerfile parse error on line ${line}: ${detail}`);
  }
}

const knownDirectives = new Set(['escape', 'syntax', 'check']);
const directiveRe = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const heredocRe = /<<(-?)\s*(["']?)([a-zA-Z_][a-zA-Z0-9_]*)\2/g;

/** Parse Dockerfile text. Throws DockerfileParseError (a 400) on malformed input. */
export function parseDockerfile(text: string): ParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  const warnings: string[] = [];
  let escape = '\\';
  let i = 0;
  // Directives: only at the very top, before any blank line, comment or instruction.
  for (; i < lines.length; i++) {
    const m = directiveRe.exec(lines[i]!);
    const key = m?.[1]!.toLowerCase();
    if (!m || !key || !knownDirectives.has(key)) break; // anything else is a comment and ends the directives
    if (key in directives) throw new DockerfileParseError(i + 1, `only one ${key} parser directive can be used`);
    directives[key] = m[2]!;
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw new DockerfileParseError(i + 1, `invalid escape token '${m[2]}' does not match ${'`'} or \\`);
      escape = m[2]!;
    }
  }
  const contRe = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const nodes: Node[] = [];
  let emptyContinuation = false;
  while (i < lines.length) {
    const raw = lines[i]!;
    const start = i + 1;
    i++;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    let line = raw.replace(/^\s+/, '');
    let end = start;
    // Join continuation lines; comment lines and empty lines inside a continuation are skipped.
    while (contRe.test(line)) {
      line = line.replace(contRe, '');
      let next: string | undefined;
      while (i < lines.length) {
        const l = lines[i]!;
        i++;
        if (l.trim().startsWith('#')) continue;
        if (!l.trim()) { emptyContinuation = true; continue; }
        next = l;
        break;
      }
      if (next === undefined) break;
      end = i;
      line += next;
    }
    const node = parseLine(line, start, end);
    if (heredocInstructions.has(node.cmd) || (node.cmd === 'onbuild' && node.sub && heredocInstructions.has(node.sub.cmd))) {
      const target = node.sub ?? node;
      const docs = heredocNames(target.rest, target.cmd);
      for (const d of docs) {
        const body: string[] = [];
        while (i < lines.length) {
          let l = lines[i]!;
          i++;
          if (d.chomp) l = l.replace(/^\t+/, '');
          if (l === d.name) break;
          body.push(l);
        }
        end = i;
        // The step line (`original`) stays the instruction's own line, as Docker prints it.
        target.heredocs.push({ ...d, content: body.length ? body.join('\n') + '\n' : '' });
      }
      node.endLine = end;
    }
    nodes.push(node);
  }
  if (emptyContinuation) warnings.push('[WARNING]: Empty continuation line found in:\n[WARNING]: Empty continuation lines will become errors in a future release.');
  if (!nodes.length) throw new InvalidArgument('file with no instructions');
  return { nodes, escape, directives, warnings };
}

function heredocNames(rest: string, _cmd: string): Omit<Heredoc, 'content'>[] {
  if (/^\s*\[/.test(rest)) return [];
  const out: Omit<Heredoc, 'content'>[] = [];
  heredocRe.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = heredocRe.exec(rest))) {
    out.push({ name: m[3]!, chomp: m[1] === '-', expand: !m[2] });
  }
  return out;
}

function parseLine(line: string, startLine: number, endLine: number): Node {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(line.trim())!;
  const word = m[1]!;
  const cmd = word.toLowerCase();
  if (!knownInstructions.has(cmd)) throw new DockerfileParseError(startLine, `unknown instruction: ${word.toUpperCase()}`);
  let rest = m[2]!.trim();
  const flags: string[] = [];
  if (cmd !== 'onbuild') {
    // Leading --flags (not for ONBUILD, whose flags belong to the wrapped instruction).
    for (;;) {
      const f = /^(--\S*)\s*/.exec(rest);
      if (!f || f[1] === '--') break;
      flags.push(f[1]!);
      rest = rest.slice(f[0].length);
    }
  }
  const node: Node = { cmd, original: line.trim(), startLine, endLine, flags, rest, heredocs: [] };
  if (cmd === 'onbuild') {
    if (!rest) throw new DockerfileParseError(startLine, 'ONBUILD requires at least one argument');
    const sub = parseLine(rest, startLine, endLine);
    if (sub.cmd === 'onbuild') throw new DockerfileParseError(startLine, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (sub.cmd === 'from' || sub.cmd === 'maintainer') throw new DockerfileParseError(startLine, `${sub.cmd.toUpperCase()} isn't allowed as an ONBUILD trigger`);
    node.sub = sub;
    return node;
  }
  if (rest.startsWith('[')) {
    try {
      const v = JSON.parse(rest);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) node.json = v;
    } catch { /* shell form */ }
  }
  return node;
}

/** Split on whitespace outside quotes (quotes and escapes kept for the lexer): ENV/LABEL/ARG words. */
export function splitWords(s: string, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!quote && /\s/.test(c)) {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    if (c === escape && i + 1 < s.length) { cur += c + s[++i]; continue; }
    if (quote) { if (c === quote) quote = ''; }
    else if (c === '"' || c === "'") quote = c;
    cur += c;
  }
  if (inWord) out.push(cur);
  return out;
}
