/** `volume ls` table and --format rows, `volume prune` report: Docker's layout and texts. */
import { humanSize } from '@berth/shared';
import { renderFormatted } from '@berth/shared/template/index';
import { StatusError } from '../cli/errors.js';
import type { Volume, VolumePruneResponse } from '@berth/shared/api/types';
import { goJson } from './format.js';

export type VolumeSummary = Volume;

const DEFAULT_TABLE = 'table {{.Driver}}\t{{.Name}}';
const HEADERS = { Driver: 'DRIVER', Name: 'VOLUME NAME', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };

/** The fields docker's volume formatting context offers. */
function row(v: VolumeSummary) {
  const labels = v.Labels ?? {};
  return {
    Name: v.Name,
    Driver: v.Driver,
    Scope: v.Scope,
    Mountpoint: v.Mountpoint,
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Links: v.UsageData && v.UsageData.RefCount >= 0 ? String(v.UsageData.RefCount) : 'N/A',
    Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A',
    Availability: 'N/A',
    Group: 'N/A',
    Status: 'N/A',
    Label: (name: string) => labels[name] ?? '',
  };
}

export function renderVolumes(vols: VolumeSummary[], opts: { quiet?: boolean; format?: string } = {}): string {
  const sorted = [...vols].sort((a, b) => a.Name.localeCompare(b.Name));
  const format = opts.format ?? '';
  if (opts.quiet && (format === '' || format === 'table')) return sorted.map((v) => v.Name + '\n').join('');
  if (format === 'json') {
    return sorted.map((v) => {
      const { Label: _label, ...fields } = row(v);
      return goJson(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))) + '\n';
    }).join('');
  }
  try {
    return renderFormatted(format, sorted.map(row), { defaultFormat: DEFAULT_TABLE, headers: HEADERS });
  } catch (e) {
    throw new StatusError(64, (e as Error).message);
  }
}

export function renderVolumePrune(report: VolumePruneResponse): string {
  let out = '';
  let space = 0;
  if (report.VolumesDeleted?.length) {
    out = 'Deleted Volumes:\n' + report.VolumesDeleted.map((n) => n + '\n').join('') + '\n';
    space = report.SpaceReclaimed ?? 0;
  }
  return `${out}Total reclaimed space: ${humanSize(space)}\n`;
}
