/**
 * A container as the engine holds it while berthd runs: the persisted record and HostConfig,
 * plus runtime-only state (the monitor's control connection, waiters, the lock). The types the
 * container code shares live here, apart from ContainerService, so the helpers that take a
 * container (exec, health, freezer, views) do not import the service.
 */
import type { MonitorHandle } from '../runtime/runtime.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { Attributes } from '../events/types.js';
import type { ContainerRecord, HostConfig } from './types.js';

/** One container's own happenings, for its waiters (wait, logs --follow, attach before start). */
export type ContainerEvents = { started: []; exit: [code: number]; removed: [] };

export interface PendingAttach {
  wire(dir: string): Promise<void>;
  cancel(): void;
}

export interface Container {
  rec: ContainerRecord;
  hc: HostConfig;
  /** Runtime only: the monitor's control connection while running. */
  ctl?: MonitorHandle;
  /** Attach clients that arrived before start; wired when the monitor is created. */
  pendingAttach: PendingAttach[];
  events: TypedEmitter<ContainerEvents>;
  /** Serializes start/stop/rm on one container. */
  lock: Promise<unknown>;
  removed?: boolean;
  /** Set while stop/kill by the API is in progress (restart policies leave it alone). */
  stopRequested?: boolean;
}

/**
 * What ContainerService tells the in-process helpers (restart policies, healthchecks, syslog,
 * execs): `start` (byPolicy: a restart policy's start), `kill` (the user stopped or killed it),
 * `die` (the exit is recorded, not yet saved: a policy may mark it restarting), `exit` (the
 * run's resources are released), `removed`, `cancel-restart` (stop while restarting).
 */
export type Lifecycle = {
  start: [c: Container, byPolicy: boolean];
  kill: [c: Container];
  die: [c: Container];
  exit: [c: Container];
  removed: [c: Container];
  'cancel-restart': [c: Container];
};

/** The Actor attributes dockerd puts on container events: the labels, then image and name. */
export function containerAttrs(c: Container, extra: Attributes = {}): Attributes {
  return { ...extra, ...(c.rec.Config.Labels ?? {}), image: c.rec.Config.Image, name: c.rec.Name.replace(/^\//, '') };
}
