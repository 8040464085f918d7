/**
 * What an event is: Docker's events.Message, and the sink every service logs its actions to at
 * the point of action (moby's LogContainerEvent & co.). The actions are Docker's, per type.
 */

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** Each type's actions, as dockerd logs them (moby api/types/events). */
export interface Actions {
  container: 'create' | 'start' | 'die' | 'stop' | 'kill' | 'pause' | 'unpause' | 'update' | 'rename' | 'commit'
    | 'attach' | 'detach' | `exec_create: ${string}` | `exec_start: ${string}` | 'exec_die' | 'exec_detach'
    | `health_status: ${HealthStatus}` | 'oom' | 'destroy' | 'restart' | 'resize' | 'top' | 'archive-path'
    | 'extract-to-dir' | 'export' | 'prune';
  image: 'pull' | 'push' | 'tag' | 'untag' | 'delete' | 'import' | 'load' | 'save' | 'create' | 'prune';
  network: 'create' | 'connect' | 'disconnect' | 'destroy' | 'prune';
  volume: 'create' | 'mount' | 'unmount' | 'destroy' | 'prune';
  daemon: 'reload';
  builder: 'prune';
}

export type EventType = keyof Actions;

export type Attributes = Record<string, string>;

export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Attributes };
  scope: 'local';
  time: number;
  /** Nanoseconds since the epoch (beyond a double's precision, so a bigint). */
  timeNano: bigint;
}

/** What every service receives: one call per action, made where the action happens. */
export interface EventSink {
  emit<T extends EventType>(type: T, action: Actions[T], id: string, attributes?: Attributes): void;
}

/** A sink that drops everything (services built without events: tests, tools). */
export const noEvents: EventSink = { emit() {} };
