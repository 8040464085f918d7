/** `search` table: NAME / DESCRIPTION / STARS / OFFICIAL as docker prints it, or --format. */
import { renderFormatted } from '@berth/shared/template/index';
import type { ImageSearchResult } from '@berth/shared/api/types';
import { StatusError } from '../cli/errors.js';

export type SearchResult = ImageSearchResult;

const DEFAULT_TABLE = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';
const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' };

/** Docker's Ellipsis(s, 45) over a description with newlines flattened. */
function description(s: string, noTrunc: boolean): string {
  const flat = s.replace(/\n/g, ' ').replace(/\r/g, ' ');
  if (noTrunc) return flat;
  const chars = [...flat];
  return chars.length > 45 ? chars.slice(0, 44).join('') + '…' : flat;
}

export function renderSearch(results: SearchResult[], opts: { noTrunc?: boolean; format?: string } = {}): string {
  const rows = results.map((r) => ({
    Name: r.name ?? '',
    Description: description(r.description ?? '', !!opts.noTrunc),
    StarCount: String(r.star_count ?? 0),
    IsOfficial: r.is_official ? '[OK]' : '',
    IsAutomated: r.is_automated ? '[OK]' : '',
  }));
  try {
    return renderFormatted(opts.format ?? '', rows, { defaultFormat: DEFAULT_TABLE, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}
