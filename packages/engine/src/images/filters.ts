/** `images/json` and `images/prune` filters: dangling, label, reference, before, since, until. */
import { InvalidArgument } from '@berth/shared';
import { familiarize, familiarName, parseStored } from '@berth/shared/reference';
import type { ImageRecord } from './types.js';

const accepted = new Set(['dangling', 'label', 'reference', 'before', 'since', 'until']);

export function checkFilters(filters: Map<string, string[]>, allowed: string[] = [...accepted]): void {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw new InvalidArgument(`invalid filter '${k}'`);
  for (const v of filters.get('dangling') ?? []) {
    if (!['true', 'false', '1', '0'].includes(v.toLowerCase())) throw new InvalidArgument(`invalid filter 'dangling=${v}'`);
  }
}

export function danglingFilter(filters: Map<string, string[]>): boolean | undefined {
  const v = filters.get('dangling');
  if (!v?.length) return undefined;
  return v.some((x) => x === '1' || x.toLowerCase() === 'true');
}

/** Go's path.Match for the patterns people use (`*`, `?`, `[…]`). */
export function globMatch(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new InvalidArgument('syntax error in pattern');
      re += `[${pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(s);
}

export function labelsMatch(labels: Record<string, string>, want: string[]): boolean {
  return want.every((w) => {
    const i = w.indexOf('=');
    if (i < 0) return w in labels;
    return labels[w.slice(0, i)] === w.slice(i + 1);
  });
}

/** reference=pattern against each full reference: the familiar string, then the familiar name. */
export function referenceMatches(fullRefs: string[], patterns: string[]): boolean {
  return fullRefs.some((r) => patterns.some((p) => globMatch(p, familiarize(r)) || globMatch(p, familiarName(parseStored(r).name))));
}

export function createdSecs(img: ImageRecord): number {
  return Math.floor(Date.parse(img.config.created ?? '') / 1000) || 0;
}
