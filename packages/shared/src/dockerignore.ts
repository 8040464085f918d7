/**
 * .dockerignore as Docker reads and applies it (moby/patternmatcher): one pattern a line,
 * `#` comments, surrounding whitespace trimmed, paths cleaned (`./a/../b` → `b`, leading `/`
 * dropped), `*`, `?`, `[…]`, `\` escapes, `**` for any number of directories, `!` exceptions,
 * the last matching pattern wins, and a pattern that matches a directory excludes what is
 * below it. Used by the CLI to build the context and by berthd to read it back.
 */
import path from 'node:path';

export interface IgnorePattern { text: string; exclusion: boolean; re: RegExp }

/** Lines of a .dockerignore file → the patterns in order. */
export function readDockerignore(content: string): string[] {
  const out: string[] = [];
  for (let line of content.split(/\r?\n/)) {
    if (line.startsWith('#')) continue;
    line = line.trim();
    if (!line) continue;
    let invert = false;
    if (line.startsWith('!')) { invert = true; line = line.slice(1).trim(); }
    if (line.length > 0) {
      line = path.posix.normalize(line);
      if (line.startsWith('/')) line = line.replace(/^\/+/, '') || '/';
      if (line.endsWith('/') && line.length > 1) line = line.replace(/\/+$/, '');
    }
    out.push(invert ? `!${line}` : line);
  }
  return out;
}

function toRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('!') || cls.startsWith('^')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

export class DockerIgnore {
  readonly patterns: IgnorePattern[];
  readonly hasExceptions: boolean;

  constructor(lines: string[]) {
    this.patterns = lines.map((l) => {
      const exclusion = l.startsWith('!');
      const text = exclusion ? l.slice(1) : l;
      return { text, exclusion, re: toRegExp(text) };
    });
    this.hasExceptions = this.patterns.some((p) => p.exclusion);
  }

  static fromFile(content: string): DockerIgnore {
    return new DockerIgnore(readDockerignore(content));
  }

  /** Whether the context path (relative, `/`-separated) is excluded. */
  matches(file: string): boolean {
    const rel = path.posix.normalize(file.replace(/^\/+/, ''));
    const parents = parentPaths(rel);
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // only a pattern of the other kind can change the answer
      let hit = p.re.test(rel);
      if (!hit) hit = parents.some((dir) => p.re.test(dir));
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }
}

/** "a/b/c" → ["a", "a/b"]. */
function parentPaths(rel: string): string[] {
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
