/** berth version: Client and Server sections laid out as `docker version` does, or --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { API_VERSION } from '@berth/shared';
import { CLI_VERSION } from '../../version.js';
import { formatOne } from '../../render/format.js';
import type { SystemVersion } from '@berth/shared/api/types';

/** The Client section: what `docker version` shows of itself. */
export interface ClientVersion {
  Platform: { Name: string }; Version: string; ApiVersion: string; DefaultAPIVersion: string; GitCommit: string;
  GoVersion: string; Os: string; Arch: string; BuildTime: string; Context: string;
}

function arch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch;
}

const row = (indent: string, key: string, value: unknown, width: number) => `${indent}${(key + ':').padEnd(width)}${value ?? ''}`;

export function renderVersion(data: { Client: ClientVersion; Server: SystemVersion | null }): string {
  const c = data.Client;
  const lines = [
    'Client:',
    row(' ', 'Version', c.Version, 19),
    row(' ', 'API version', c.ApiVersion + (c.DefaultAPIVersion !== c.ApiVersion ? ` (downgraded from ${c.DefaultAPIVersion})` : ''), 19),
    row(' ', 'Go version', c.GoVersion, 19),
    row(' ', 'Git commit', c.GitCommit, 19),
    row(' ', 'Built', c.BuildTime, 19),
    row(' ', 'OS/Arch', `${c.Os}/${c.Arch}`, 19),
    row(' ', 'Context', c.Context, 19),
  ];
  const s = data.Server;
  if (s) {
    lines.push('', `Server: ${s.Platform?.Name ?? ''}`.trimEnd());
    for (const comp of s.Components ?? []) {
      lines.push(` ${comp.Name}:`);
      const d = comp.Details ?? {};
      if (comp.Name === 'Engine') {
        lines.push(
          row('  ', 'Version', comp.Version, 18),
          row('  ', 'API version', `${d.ApiVersion} (minimum version ${d.MinAPIVersion})`, 18),
          row('  ', 'Go version', d.GoVersion, 18),
          row('  ', 'Git commit', d.GitCommit, 18),
          row('  ', 'Built', d.BuildTime, 18),
          row('  ', 'OS/Arch', `${d.Os}/${d.Arch}`, 18),
          row('  ', 'Experimental', d.Experimental, 18),
        );
      } else {
        lines.push(row('  ', 'Version', comp.Version, 18));
        for (const k of Object.keys(d).sort()) lines.push(row('  ', k, d[k], 18));
      }
    }
  }
  return lines.join('\n') + '\n';
}

export default async function version(argv: Args<'version'>, ctx: CommandContext) {
  const docker = ctx.docker();
  const client: ClientVersion = {
    Platform: { Name: 'Berth' },
    Version: CLI_VERSION,
    ApiVersion: API_VERSION,
    DefaultAPIVersion: API_VERSION,
    GitCommit: process.env.BERTH_GIT_COMMIT ?? 'unknown',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: arch(),
    BuildTime: '',
    Context: ctx.globals.context ?? 'default',
  };
  let server: SystemVersion | null = null;
  let failure: unknown;
  try {
    server = await docker.version();
    client.ApiVersion = docker.modem.version ?? API_VERSION;
  } catch (e) {
    failure = e;
  }
  const data = { Client: client, Server: server };
  const format = argv.format;
  if (format && failure) throw failure;
  ctx.stdout.write(format ? formatOne(format, data) : renderVersion(data));
  if (failure) throw failure;
  return 0;
}
