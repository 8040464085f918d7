/** berth info: the Client and Server sections as `docker info` prints them, or --format. */
import type { Args } from '../../cli/flags.js';
import type { CommandContext } from '../../cli/context.js';
import { bytesSize } from '@berth/shared';
import { CLI_VERSION } from '../../version.js';
import { formatOne } from '../../render/format.js';
import type { SystemInfo } from '@berth/shared/api/types';

export function renderServerInfo(i: SystemInfo): string {
  const out: string[] = [];
  const p = (s: string) => out.push(s);
  p(`Server:`);
  p(` Containers: ${i.Containers}`);
  p(`  Running: ${i.ContainersRunning}`);
  p(`  Paused: ${i.ContainersPaused}`);
  p(`  Stopped: ${i.ContainersStopped}`);
  p(` Images: ${i.Images}`);
  p(` Server Version: ${i.ServerVersion}`);
  p(` Storage Driver: ${i.Driver}`);
  for (const [k, v] of i.DriverStatus ?? []) p(`  ${k}: ${v}`);
  p(` Logging Driver: ${i.LoggingDriver}`);
  p(` Cgroup Driver: ${i.CgroupDriver}`);
  p(` Cgroup Version: ${i.CgroupVersion}`);
  p(` Plugins:`);
  p(`  Volume: ${(i.Plugins?.Volume ?? []).join(' ')}`);
  p(`  Network: ${(i.Plugins?.Network ?? []).join(' ')}`);
  if (i.Plugins?.Authorization?.length) p(`  Authorization: ${i.Plugins.Authorization.join(' ')}`);
  p(`  Log: ${(i.Plugins?.Log ?? []).join(' ')}`);
  p(` Swarm: ${i.Swarm?.LocalNodeState ?? 'inactive'}`);
  p(` Runtimes: ${Object.keys(i.Runtimes ?? {}).sort().join(' ')}`);
  p(` Default Runtime: ${i.DefaultRuntime}`);
  p(` Init Binary: ${i.InitBinary}`);
  const opts = i.SecurityOptions ?? [];
  if (opts.length) {
    p(` Security Options:`);
    for (const o of opts) {
      const kv = Object.fromEntries(o.split(',').map((f) => f.split('=') as [string, string]));
      p(`  ${kv.name}`);
      for (const [k, v] of Object.entries(kv)) if (k !== 'name') p(`   ${k[0]!.toUpperCase() + k.slice(1)}: ${v}`);
    }
  }
  p(` Kernel Version: ${i.KernelVersion}`);
  p(` Operating System: ${i.OperatingSystem}`);
  p(` OSType: ${i.OSType}`);
  p(` Architecture: ${i.Architecture}`);
  p(` CPUs: ${i.NCPU}`);
  p(` Total Memory: ${bytesSize(i.MemTotal ?? 0)}`);
  p(` Name: ${i.Name}`);
  p(` ID: ${i.ID}`);
  p(` Docker Root Dir: ${i.DockerRootDir}`);
  p(` Debug Mode: ${i.Debug}`);
  if (i.Debug) {
    p(`  File Descriptors: ${i.NFd}`);
    p(`  Goroutines: ${i.NGoroutines}`);
    p(`  System Time: ${i.SystemTime}`);
    p(`  EventsListeners: ${i.NEventsListener}`);
  }
  if (i.HttpProxy) p(` HTTP Proxy: ${i.HttpProxy}`);
  if (i.HttpsProxy) p(` HTTPS Proxy: ${i.HttpsProxy}`);
  if (i.NoProxy) p(` No Proxy: ${i.NoProxy}`);
  if (i.Labels?.length) { p(` Labels:`); for (const l of i.Labels) p(`  ${l}`); }
  p(` Experimental: ${i.ExperimentalBuild}`);
  const reg = i.RegistryConfig ?? {};
  const insecure = [...(reg.InsecureRegistryCIDRs ?? []),
    ...Object.values(reg.IndexConfigs ?? {}).filter((c) => c && !c.Secure).map((c) => c!.Name)];
  if (insecure.length) { p(` Insecure Registries:`); for (const r of insecure) p(`  ${r}`); }
  if (reg.Mirrors?.length) { p(` Registry Mirrors:`); for (const m of reg.Mirrors) p(`  ${m}`); }
  p(` Live Restore Enabled: ${i.LiveRestoreEnabled}`);
  if (i.DefaultAddressPools?.length) {
    p(` Default Address Pools:`);
    for (const a of i.DefaultAddressPools) p(`   Base: ${a.Base}, Size: ${a.Size}`);
  }
  return out.join('\n') + '\n';
}

export default async function info(argv: Args<'system info'>, ctx: CommandContext) {
  const clientInfo = { Version: CLI_VERSION, Context: ctx.globals.context ?? 'default', Debug: ctx.globals.debug, Plugins: [], Warnings: null };
  const format = argv.format;
  let server: SystemInfo | undefined;
  let failure: unknown;
  try { server = await ctx.docker().info(); } catch (e) { failure = e; }
  if (format) {
    if (failure) throw failure;
    ctx.stdout.write(formatOne(format, { ...server, ClientInfo: clientInfo }));
    return 0;
  }
  ctx.stdout.write(`Client:\n Version:    ${clientInfo.Version}\n Context:    ${clientInfo.Context}\n Debug Mode: ${clientInfo.Debug}\n\n`);
  if (failure) {
    ctx.stdout.write('Server:\n');
    ctx.stderr.write(`ERROR: ${(failure as Error).message}\nerrors pretty printing info\n`);
    return 1;
  }
  ctx.stdout.write(renderServerInfo(server!));
  for (const w of server!.Warnings ?? []) ctx.stderr.write(`${w}\n`);
  return 0;
}
