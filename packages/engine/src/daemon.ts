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
import { disabledRouter } from './api/routers/disabled.js';
import { volumesRouter } from './api/routers/volumes.js';
import { VolumeService } from './volumes/service.js';
import { imagesRouter } from './api/routers/images.js';
import { ImageService } from './images/service.js';
import { ContainerService } from './containers/service.js';
import { ExecService } from './containers/exec.js';
import { containersRouter } from './api/routers/containers.js';
import { execRouter } from './api/routers/exec.js';
import { volumeMounts } from './volumes/provider.js';
import { DistributionService } from './distribution/service.js';
import { distributionStore } from './distribution/images-adapter.js';
import { NetworkService } from './network/service.js';
import { networksRouter } from './api/routers/networks.js';
import { BuildService } from './builder/service.js';
import { buildPuller } from './builder/pull.js';
import { buildRouter } from './api/routers/build.js';
import { EventsService } from './events/service.js';
import { eventsRouter } from './api/routers/events.js';
import { RestartManager } from './containers/restart.js';
import { HealthMonitor } from './containers/health.js';
import { SyslogForwarder } from './containers/syslog.js';
import { reloadOnSignal, validateDaemonConfig } from './config-reload.js';
import { writeAtomicSync } from './storage/atomic.js';
import { Snapshotter, snapshotterDirs } from './storage/snapshots.js';
import { ContainerLayers } from './storage/container-layers.js';
import { migrateLegacyLayout } from './storage/migrate.js';

export interface Daemon {
  config: DaemonConfig;
  id: string;
  routes: Route[];
  shutdown(): Promise<void>;
  /** SIGHUP: reload daemon.json's reloadable keys (config-reload.ts). */
  reload(): void;
}

function daemonId(dataRoot: string): string {
  const file = path.join(dataRoot, 'engine-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    writeAtomicSync(file, id, { mode: 0o644 });
    return id;
  }
}

export async function createDaemon(config: DaemonConfig): Promise<Daemon> {
  fs.mkdirSync(config.dataRoot, { recursive: true, mode: 0o710 });
  fs.mkdirSync(config.execRoot, { recursive: true, mode: 0o700 });
  validateDaemonConfig(config);
  const id = daemonId(config.dataRoot);
  const events = new EventsService();
  const volumes = new VolumeService(config.dataRoot, events);
  const snapshotDirs = snapshotterDirs(config.dataRoot);
  migrateLegacyLayout(config.dataRoot, snapshotDirs);
  const snapshots = await Snapshotter.open(snapshotDirs);
  const layers = new ContainerLayers(snapshots);
  const images = await ImageService.open(path.join(config.dataRoot, 'image'), snapshots, events);
  const vm = volumeMounts(volumes, layers);
  const network = new NetworkService(config, events);
  await network.init();
  const containers = new ContainerService({ dataRoot: config.dataRoot, execRoot: config.execRoot, images, layers, mounts: vm.provider, network, cgroupParent: config.cgroupParent,
    events, defaultUlimits: () => config.defaultUlimits, logDefaults: { get driver() { return config.logDriver; }, get opts() { return config.logOpts; } } });
  const restarts = new RestartManager(containers);
  const syslog = new SyslogForwarder(containers);
  network.setContainerLookup({ find: (ref) => { try { return containers.get(ref); } catch { return undefined; } } });
  vm.bind((ref) => containers.get(ref));
  await containers.restore();
  vm.restoreRefs(containers.all());
  images.setImageInUse((imageId) => containers.all().filter((c) => c.rec.Image === imageId).map((c) => ({ id: c.rec.Id, running: c.rec.State.Running })));
  const execs = new ExecService(containers, events);
  const health = new HealthMonitor(containers, execs, events);
  health.resumeAll();
  syslog.resumeAll();
  void restarts.startOnBoot();
  const distribution = new DistributionService(distributionStore(images), config, (action, ref, name) => images.logEvent(action, ref, name));
  const builds = await BuildService.open(config.dataRoot, images, snapshots, containers, buildPuller(distribution), events);

  const routes: Route[] = [
    ...systemRouter({
      config,
      daemonId: id,
      containerCounts: () => containers.counts(),
      imageCount: () => images.count(),
      eventListeners: () => events.listenerCount(),
      storageDriver: () => ({ name: 'overlay2', status: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']] }),
    }, { containers, images, volumes }),
    ...volumesRouter(volumes),
    ...imagesRouter(images, distribution),
    ...containersRouter(containers),
    ...execRouter(execs),
    ...networksRouter(network),
    ...buildRouter(builds),
    ...eventsRouter(events),
    ...disabledRouter(),
  ];

  return {
    config,
    id,
    routes,
    reload() { reloadOnSignal(config, events, id); },
    async shutdown() {
      if (!config.liveRestore) await containers.stopForShutdown(config.shutdownTimeout);
      syslog.shutdown();
      containers.shutdown();
      await volumes.shutdown();
      await network.shutdown();
    },
  };
}
