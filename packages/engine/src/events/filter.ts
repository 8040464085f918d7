/** GET /events filters as moby's daemon/events/filter.go applies them. */
import { InvalidArgument } from '@berth/shared';
import type { EventMessage } from './types.js';

const ACCEPTED = new Set(['container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'service', 'type', 'volume', 'config', 'secret']);
const FUZZY_EVENTS = new Set(['health_status', 'exec_create', 'exec_start']);

const stripTag = (ref: string) => {
  if (ref.includes('@')) return ref.slice(0, ref.indexOf('@'));
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
};

export class EventFilter {
  constructor(private readonly f: Map<string, string[]> = new Map()) {
    for (const key of f.keys()) if (!ACCEPTED.has(key)) throw new InvalidArgument(`invalid filter '${key}'`);
  }

  private exact(key: string, value: string | undefined): boolean {
    const vals = this.f.get(key);
    return !vals || vals.length === 0 || (value !== undefined && vals.includes(value));
  }

  private fuzzy(key: string, value: string | undefined): boolean {
    const vals = this.f.get(key);
    return !vals || vals.length === 0 || (value !== undefined && value !== '' && vals.some((v) => value.startsWith(v)));
  }

  /** Matches by ID prefix or name prefix (container, network, volume, daemon filters). */
  private byName(key: string, m: EventMessage): boolean {
    if (!this.f.get(key)?.length) return true;
    return this.fuzzy(key, m.Actor.ID) || this.fuzzy(key, m.Actor.Attributes.name);
  }

  private event(m: EventMessage): boolean {
    const vals = this.f.get('event');
    if (!vals?.length) return true;
    if (vals.some((v) => FUZZY_EVENTS.has(v))) return vals.some((v) => m.Action.startsWith(v));
    return vals.includes(m.Action);
  }

  private image(m: EventMessage): boolean {
    if (!this.f.get('image')?.length) return true;
    const name = m.Actor.Attributes[m.Type === 'image' ? 'name' : 'image'] ?? '';
    return [m.Actor.ID, name, stripTag(m.Actor.ID), stripTag(name)].some((v) => v && this.f.get('image')!.includes(v));
  }

  private labels(attrs: Record<string, string>): boolean {
    const vals = this.f.get('label');
    if (!vals?.length) return true;
    return vals.every((l) => {
      const i = l.indexOf('=');
      return i < 0 ? l in attrs : attrs[l.slice(0, i)] === l.slice(i + 1);
    });
  }

  include(m: EventMessage): boolean {
    return this.event(m) && this.exact('type', m.Type) && this.exact('scope', m.scope)
      && this.byName('daemon', m) && this.byName('container', m) && this.byName('volume', m) && this.byName('network', m)
      && this.byName('plugin', m) && this.image(m) && this.labels(m.Actor.Attributes);
  }
}
