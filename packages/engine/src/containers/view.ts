/** Docker's wire shapes of a container: inspect (ContainerJSON) and the list summary. */
import fs from 'node:fs';
import path from 'node:path';
import { humanDuration } from '@berth/shared';
import type { ContainerInspect, ContainerSummary, Port, PortMap } from '@berth/shared/api/types';
import type { Container } from './container.js';
import type { ContainerViewSource } from './backend.js';
import { ZERO_TIME } from './types.js';
import { healthSuffix } from './health.js';
import { inspectLinks } from '../network/links.js';

/** Bytes used by a directory tree (the container's upper layer for -s). */
export function dirSize(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else { try { total += fs.lstatSync(p).size; } catch { /* gone */ } }
    }
  };
  walk(dir);
  return total;
}

/** moby container.State.String(). */
export function statusText(c: Container, nowMs = Date.now()): string {
  const s = c.rec.State;
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Running) {
    const up = `Up ${humanDuration(nowMs - Date.parse(s.StartedAt))}`;
    return s.Paused ? `${up} (Paused)` : up + healthSuffix(c);
  }
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(nowMs - Date.parse(s.FinishedAt))} ago`;
  if (s.Dead) return 'Dead';
  if (s.StartedAt === ZERO_TIME) return 'Created';
  if (s.FinishedAt === ZERO_TIME) return '';
  return `Exited (${s.ExitCode}) ${humanDuration(nowMs - Date.parse(s.FinishedAt))} ago`;
}

/** The list's Command: Path and Args, args with spaces single-quoted (moby daemon/list.go). */
export function commandText(c: Container): string {
  const args = c.rec.Args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return args.length ? `${c.rec.Path} ${args.join(' ')}` : c.rec.Path;
}

export function inspectView(svc: ContainerViewSource, c: Container, size = false, imageSize = 0): ContainerInspect {
  const r = c.rec;
  const layer = svc.layer(c);
  const out: ContainerInspect = {
    Id: r.Id, Created: r.Created, Path: r.Path, Args: r.Args,
    State: { ...r.State },
    Image: r.Image, ResolvConfPath: r.ResolvConfPath, HostnamePath: r.HostnamePath, HostsPath: r.HostsPath, LogPath: r.LogPath,
    Name: r.Name, RestartCount: r.RestartCount, Driver: r.Driver, Platform: r.Platform, MountLabel: r.MountLabel,
    ProcessLabel: r.ProcessLabel, AppArmorProfile: r.AppArmorProfile, ExecIDs: r.ExecIDs.length ? r.ExecIDs : null,
    HostConfig: { ...c.hc, Links: inspectLinks(c.hc.Links, r.Name, c.hc.NetworkMode) },
    GraphDriver: {
      Data: { ...(layer.lowers.length ? { LowerDir: layer.lowers.join(':') } : {}), MergedDir: layer.merged, UpperDir: layer.upper, WorkDir: layer.work },
      Name: 'overlay2',
    },
  };
  if (size) {
    const rw = dirSize(layer.upper);
    out.SizeRw = rw;
    out.SizeRootFs = rw + imageSize;
  }
  out.Mounts = svc.mountsOf(c);
  out.Config = r.Config;
  out.NetworkSettings = svc.networkSettings(c);
  return out;
}

export function summaryView(svc: ContainerViewSource, c: Container, size = false, imageSize = 0): ContainerSummary {
  const r = c.rec;
  const net = svc.networkSettings(c);
  const out: ContainerSummary = {
    Id: r.Id, Names: [r.Name], Image: r.Config.Image, ImageID: r.Image, Command: commandText(c),
    Created: Math.floor(Date.parse(r.Created) / 1000), Ports: portsList(net.Ports), Labels: r.Config.Labels ?? {},
    State: r.State.Status, Status: statusText(c), HostConfig: { NetworkMode: c.hc.NetworkMode, ...(Object.keys(c.hc.Annotations ?? {}).length ? { Annotations: c.hc.Annotations as Record<string, string> } : {}) },
    NetworkSettings: { Networks: net.Networks }, Mounts: svc.mountsOf(c),
  };
  if (size) {
    // int64 with omitempty in moby's container.Summary: a zero size is left out.
    const rw = dirSize(svc.layer(c).upper);
    if (rw) out.SizeRw = rw;
    if (rw + imageSize) out.SizeRootFs = rw + imageSize;
  }
  return out;
}

/** NetworkSettings.Ports → the list's Ports [{IP, PrivatePort, PublicPort, Type}]. */
function portsList(ports: PortMap | undefined): Port[] {
  const out: Port[] = [];
  for (const [key, binds] of Object.entries(ports ?? {})) {
    const [port, proto = 'tcp'] = key.split('/');
    const type = proto as Port['Type'];
    if (!binds?.length) { out.push({ PrivatePort: Number(port), Type: type }); continue; }
    for (const b of binds) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return out;
}
