/**
 * Network state on disk:
 *
 *   <data-root>/network/
 *     networks/<id>.json      NetworkRecord (Docker's inspect shape, Containers excluded)
 *     containers/<id>.json    ContainerNet: the container's endpoint configs and, while it
 *                             runs, its netns, endpoints and published ports
 *
 * Files are written atomically (storage/atomic.ts: temp, fsync, rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import { removeTemps, writeAtomicSync } from '../storage/atomic.js';
import type { EndpointSettings, NetworkRecord } from './types.js';
import type { PortMapping } from './ports.js';

export interface EndpointState {
  networkId: string;
  endpointId: string;
  ip: string;
  prefix: number;
  gateway: string;
  /** On a network with IPv6 enabled: the endpoint's global IPv6 address, its prefix length and gateway. */
  ip6?: string;
  prefix6?: number;
  gateway6?: string;
  mac: string;
  /** Host side of the veth pair; '' for host/none/container modes. */
  hostVeth: string;
  ifName: string;
}

export interface ContainerNet {
  id: string;
  name: string;
  /** Network ID → the endpoint config asked for (create, connect). Insertion order = connect order. */
  networks: Record<string, Partial<EndpointSettings>>;
  /** While running: */
  netnsPath?: string;
  endpoints?: Record<string, EndpointState>;
  ports?: PortMapping[];
  /** What DNS forwarding and links need while running. */
  dns?: string[];
  hostname?: string;
}

function readAll<T>(dir: string): T[] {
  const out: T[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try { out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as T); } catch { /* torn file from a crash: skip */ }
  }
  return out;
}

export class NetworkStore {
  private readonly netDir: string;
  private readonly ctrDir: string;

  constructor(root: string) {
    this.netDir = path.join(root, 'networks');
    this.ctrDir = path.join(root, 'containers');
    fs.mkdirSync(this.netDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.ctrDir, { recursive: true, mode: 0o700 });
    removeTemps(this.netDir);
    removeTemps(this.ctrDir);
  }

  networks(): NetworkRecord[] { return readAll<NetworkRecord>(this.netDir); }
  saveNetwork(n: NetworkRecord): void { writeAtomicSync(path.join(this.netDir, `${n.Id}.json`), JSON.stringify(n)); }
  deleteNetwork(id: string): void { fs.rmSync(path.join(this.netDir, `${id}.json`), { force: true }); }

  containers(): ContainerNet[] { return readAll<ContainerNet>(this.ctrDir); }
  saveContainer(c: ContainerNet): void { writeAtomicSync(path.join(this.ctrDir, `${c.id}.json`), JSON.stringify(c)); }
  deleteContainer(id: string): void { fs.rmSync(path.join(this.ctrDir, `${id}.json`), { force: true }); }
}
