/** `context ls`: Docker's table (NAME with " *" on the current one, DESCRIPTION, DOCKER ENDPOINT, ERROR), -q and --format. */
import { renderFormatted } from '@berth/shared/template/index';
import { StatusError } from '../cli/errors.js';

export interface ContextRow { Name: string; Description: string; DockerEndpoint: string; Current: boolean; Error: string }

const DEFAULT_TABLE = 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}';
const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR', Current: '' };

export function renderContexts(rows: ContextRow[], opts: { quiet?: boolean; format?: string } = {}): string {
  const sorted = [...rows].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  const format = opts.format ?? '';
  if (opts.quiet) return sorted.map((r) => r.Name + '\n').join('');
  // Field order as Go's json marshals docker's ClientContext: sorted keys.
  const data = sorted.map((r) => ({ Current: r.Current, Description: r.Description, DockerEndpoint: r.DockerEndpoint, Error: r.Error, Name: r.Name }));
  try {
    return renderFormatted(format, data, { defaultFormat: DEFAULT_TABLE, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}
