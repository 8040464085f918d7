/**
 * Small role interfaces over ContainerService (moby's container/backend.go manner): each helper
 * gets what it uses and no more. ContainerService implements them all; tests fake the few
 * methods a role has.
 */
import type { Listenable } from '../typed-emitter.js';
import type { Container, Lifecycle } from './container.js';
import type { MountPoint, NetworkSettings } from '@berth/shared/api/types';
import type { ContainerLayerPaths } from '../storage/container-layers.js';

/** Finds containers by ID, name or unique ID prefix (NotFound otherwise). */
export interface ContainerLookup {
  get(ref: string): Container;
  all(): Container[];
}

/** The lifecycle notifications of the container side (see `Lifecycle`). */
export interface LifecycleSource {
  readonly lifecycle: Listenable<Lifecycle>;
}

/** Saves a state change that already happened (retried on a full disk). */
export interface StateSaver {
  persist(c: Container, withHost?: boolean): void;
}

/** Where a container's files are: its runtime bundle, its writable layer, its mounts. */
export interface ContainerFiles {
  /** The runtime bundle (config.json, monitor.sock, exec/…). */
  bundle(c: Container): string;
  /** The container's layer: its upperdir, workdir, rootfs mount point and the layers below. */
  layer(c: Container): ContainerLayerPaths;
  /** Whether it stands on an init layer (one made before init layers has the runtime's mountpoints in its own). */
  hasInitLayer(c: Container): boolean;
  /** Its rootfs mounted on a private directory (a stopped container's cp/export) until `release`. */
  mountRootfs(c: Container): Promise<{ target: string; release(): Promise<void> }>;
  /** Mounts as inspect shows them. */
  mountsOf(c: Container): MountPoint[];
}

/** What inspect and the list read beyond the record. */
export interface ContainerViewSource extends ContainerFiles {
  volumeNames(c: Container): string[];
  networkSettings(c: Container): NetworkSettings & Required<Pick<NetworkSettings, 'Networks' | 'Ports'>>;
}

/** ExecService: looks containers up, runs in their bundle, drops the execs of removed ones. */
export interface ExecHost extends Pick<ContainerLookup, 'get'>, Pick<ContainerFiles, 'bundle'>, LifecycleSource {
  /** The variables of the container's legacy links (throws while a linked container is not running). */
  linkEnv(c: Container): string[];
}

/** HealthMonitor: resumes checks, records results. */
export interface HealthHost extends Pick<ContainerLookup, 'all'>, StateSaver, LifecycleSource {}

/** RestartManager: decides on exits, starts by policy. */
export interface RestartHost extends Pick<ContainerLookup, 'all'>, StateSaver, LifecycleSource {
  /** A start that keeps the policy's count (the user's start resets it). */
  policyStart(c: Container): Promise<void>;
  /** berthd is stopping its containers: their exits restart nothing. */
  readonly shuttingDown: boolean;
}

/** SyslogForwarder: follows the spool of running syslog containers. */
export interface SyslogHost extends Pick<ContainerLookup, 'all'>, LifecycleSource {}
