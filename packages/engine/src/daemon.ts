/**
 * Composes berthd: opens the stores and services under the data root and lists the API
 * routes they serve. Services receive their collaborators; nothing here knows HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DaemonConfig } from './config.js';
import type { Route } from './api/router.js';
import { systemRouter } from './api/routers/system.js';
import { unsupportedRouter } from './api/routers/unsupported.js';

export interface Daemon {
  config: DaemonConfig;
  id: string;
  routes: Route[];
  shutdown(): Promise<void>;
}

function daemonId(dataRoot: string): string {
  const file = path.join(dataRoot, 'engine-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    fs.writeFileSync(file, id);
    return id;
  }
}

export async function createDaemon(config: DaemonConfig): Promise<Daemon> {
  fs.mkdirSync(config.dataRoot, { recursive: true, mode: 0o710 });
  fs.mkdirSync(config.execRoot, { recursive: true, mode: 0o700 });
  const id = daemonId(config.dataRoot);

  const routes: Route[] = [
    ...systemRouter({
      config,
      daemonId: id,
      containerCounts: () => ({ total: 0, running: 0, paused: 0, stopped: 0 }),
      imageCount: () => 0,
      eventListeners: () => 0,
      storageDriver: () => ({ name: 'overlay2', status: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']] }),
    }),
    ...unsupportedRouter(),
  ];

  return {
    config,
    id,
    routes,
    async shutdown() {},
  };
}
