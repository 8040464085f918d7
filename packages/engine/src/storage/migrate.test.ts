/**
 * An upgrade from the layout before snapshots (berthd up to the storage layer: layers described
 * by layer.json only, a container's overlay2/<id> described by LowerDirs in its config.v2.json)
 * keeps every image layer and container layer: the snapshotter sees them with their parents,
 * the layer store its records, and a container's rootfs mounts with its own files on the
 * image's. Needs root (the mount is real).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateLegacyLayout } from './migrate.js';
import { Snapshotter, snapshotterDirs } from './snapshots.js';
import { ContainerLayers } from './container-layers.js';
import { mountsUnder, unmount } from './mount.js';
import { LayerStore } from '../images/layer-store.js';

let root = '';
before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-migrate-')); });
after(async () => {
  for (const m of mountsUnder(root)) await unmount(m, { detach: true });
  fs.rmSync(root, { recursive: true, force: true });
});

const hex = (c: string) => c.repeat(64);
const BASE = `sha256:${hex('a')}`;
const TOP = LayerStore.chainID(BASE, `sha256:${hex('c')}`);
const CTR = hex('1');
const SCRATCH = hex('2');

/** A data root exactly as berthd made it before snapshots. */
function legacyDataRoot(): void {
  const layer = (chainID: string, diffID: string, parent: string | null, files: Record<string, string>) => {
    const dir = path.join(root, 'image/layers', chainID.slice(7));
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, 'diff', p)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'diff', p), c);
    }
    fs.writeFileSync(path.join(dir, 'layer.json'), JSON.stringify({ chainID, diffID, parent, size: 4, blobs: [] }));
  };
  layer(BASE, BASE, null, { 'bin/sh': 'base', 'etc/os': 'legacy' });
  layer(TOP, `sha256:${hex('c')}`, BASE, { 'app/run': 'top' });
  const container = (id: string, lowerDirs: string[], files: Record<string, string>) => {
    const ov = path.join(root, 'overlay2', id);
    for (const d of ['diff', 'work', 'merged']) fs.mkdirSync(path.join(ov, d), { recursive: true });
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(ov, 'diff', p)), { recursive: true });
      fs.writeFileSync(path.join(ov, 'diff', p), c);
    }
    fs.mkdirSync(path.join(root, 'containers', id), { recursive: true });
    fs.writeFileSync(path.join(root, 'containers', id, 'config.v2.json'), JSON.stringify({ Id: id, Image: 'sha256:' + hex('9'), LowerDirs: lowerDirs }));
  };
  container(CTR, [path.join(root, 'image/layers', TOP.slice(7), 'diff'), path.join(root, 'image/layers', hex('a'), 'diff')], {
    'etc/hosts': '', 'data/written': 'by the container',
  });
  container(SCRATCH, [], { 'only': 'upper' });
}

test('an upgraded data root keeps its layers and containers', async () => {
  legacyDataRoot();
  const dirs = snapshotterDirs(root);
  assert.deepEqual(migrateLegacyLayout(root, dirs), { layers: 2, containers: 2 });
  assert.deepEqual(migrateLegacyLayout(root, dirs), { layers: 0, containers: 0 }, 'idempotent');
  const s = await Snapshotter.open(dirs);
  assert.deepEqual(s.stat(TOP), { kind: 'committed', name: TOP, parent: BASE, temporary: false, disposable: false });
  assert.deepEqual(s.stat(BASE), { kind: 'committed', name: BASE, parent: null, temporary: false, disposable: false });
  assert.deepEqual(s.stat(CTR), { kind: 'active', name: CTR, parent: TOP, temporary: false, disposable: false });
  assert.deepEqual(s.stat(SCRATCH), { kind: 'active', name: SCRATCH, parent: null, temporary: false, disposable: false });

  // the layer store reads its records as before
  const store = new LayerStore(s);
  await store.load();
  assert.deepEqual(store.list().map((l) => l.chainID).sort(), [BASE, TOP].sort());
  assert.equal(store.get(TOP)!.diffID, `sha256:${hex('c')}`);

  // the container's rootfs: its own files over the image's, no init layer
  const layers = new ContainerLayers(s);
  assert.equal(layers.hasInitLayer(CTR), false);
  const p = layers.paths(CTR);
  assert.equal(p.upper, path.join(root, 'overlay2', CTR, 'diff'));
  assert.deepEqual(p.lowers, [path.join(root, 'image/layers', TOP.slice(7), 'diff'), path.join(root, 'image/layers', hex('a'), 'diff')]);
  const { target, release } = await layers.mountRootfs(CTR);
  try {
    assert.equal(fs.readFileSync(path.join(target, 'bin/sh'), 'utf8'), 'base');
    assert.equal(fs.readFileSync(path.join(target, 'app/run'), 'utf8'), 'top');
    assert.equal(fs.readFileSync(path.join(target, 'data/written'), 'utf8'), 'by the container');
  } finally {
    await release();
  }
  // a container of no image layer is its own layer, bound
  assert.deepEqual(layers.mounts(SCRATCH), [{ type: 'bind', source: path.join(root, 'overlay2', SCRATCH, 'diff'), options: ['rw', 'rbind'] }]);
  // and removing one takes its files, leaves the image's
  await layers.remove(CTR);
  assert.ok(!fs.existsSync(path.join(root, 'overlay2', CTR)));
  assert.ok(fs.existsSync(path.join(root, 'image/layers', TOP.slice(7), 'diff/app/run')));
});
