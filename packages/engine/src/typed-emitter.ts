/**
 * An in-process emitter whose events and their arguments are declared by a type:
 *   const bus = new TypedEmitter<{ exit: [Container]; removed: [Container] }>();
 * Listeners run synchronously in the order they were added, as node's EventEmitter runs them.
 */
import { EventEmitter } from 'node:events';

export type EventMap = { [event: string]: unknown[] };

/** The listening half, for code that only subscribes. */
export interface Listenable<E extends EventMap> {
  on<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void;
  once<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void;
  off<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void;
}

export class TypedEmitter<E extends EventMap> implements Listenable<E> {
  private readonly ee = new EventEmitter();

  constructor() { this.ee.setMaxListeners(0); }

  on<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void { this.ee.on(event, fn as (...a: unknown[]) => void); }
  once<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void { this.ee.once(event, fn as (...a: unknown[]) => void); }
  off<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): void { this.ee.off(event, fn as (...a: unknown[]) => void); }
  emit<K extends keyof E & string>(event: K, ...args: E[K]): void { this.ee.emit(event, ...args); }
}
