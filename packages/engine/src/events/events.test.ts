import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventsService, encodeEvent, type EventMessage } from './service.js';
import { EventFilter } from './filter.js';

const f = (o: Record<string, string[]>) => new EventFilter(new Map(Object.entries(o)));

test('emit fills the deprecated fields for containers and images only; encoding is Go\'s', () => {
  const ev = new EventsService();
  const seen: EventMessage[] = [];
  const sub = ev.subscribe(new EventFilter(), 0n, 0n, (m) => seen.push(m));
  ev.emit('container', 'start', 'abc', { name: 'x', image: 'busybox', a: '<&>' });
  ev.emit('network', 'create', 'n1', { name: 'net', type: 'bridge' });
  sub.close();
  assert.equal(seen.length, 2);
  const line = encodeEvent(seen[0]!);
  assert.match(line, /^\{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":\{"ID":"abc","Attributes":\{"a":"\\u003c\\u0026\\u003e","image":"busybox","name":"x"\}\},"scope":"local","time":\d{10},"timeNano":\d{19}\}$/);
  assert.match(encodeEvent(seen[1]!), /^\{"Type":"network","Action":"create",/);
  assert.equal(ev.listenerCount(), 0);
});

test('the ring keeps the last N; since/until replay only with a bound', () => {
  const ev = new EventsService(3);
  for (let i = 0; i < 5; i++) ev.emit('volume', 'create', `v${i}`);
  assert.deepEqual(ev.subscribe(new EventFilter(), 0n, 0n, () => {}).past, []);
  const past = ev.subscribe(new EventFilter(), 1n, 0n, () => {}).past;
  assert.deepEqual(past.map((m) => m.Actor.ID), ['v2', 'v3', 'v4']);
});

test('filters as moby applies them', () => {
  const m = (type: string, action: string, id: string, attrs: Record<string, string> = {}) =>
    ({ Type: type, Action: action, Actor: { ID: id, Attributes: attrs }, scope: 'local', time: 0, timeNano: 0n }) as EventMessage;
  const c = m('container', 'die', 'abcdef', { name: 'web', image: 'busybox:latest', exitCode: '1', team: 'x' });
  assert.ok(f({ container: ['abc'] }).include(c));
  assert.ok(f({ container: ['web'] }).include(c));
  assert.ok(!f({ container: ['zzz'] }).include(c));
  assert.ok(f({ event: ['die', 'start'] }).include(c));
  assert.ok(!f({ event: ['start'] }).include(c));
  assert.ok(f({ event: ['health_status'] }).include(m('container', 'health_status: healthy', 'a')));
  assert.ok(f({ image: ['busybox'] }).include(c));
  assert.ok(f({ label: ['team=x'] }).include(c));
  assert.ok(!f({ label: ['team=y'] }).include(c));
  assert.ok(f({ type: ['container'] }).include(c) && !f({ type: ['image'] }).include(c));
  assert.throws(() => f({ bogus: ['1'] }), /invalid filter 'bogus'/);
});
