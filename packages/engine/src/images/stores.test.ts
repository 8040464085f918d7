/** Conformance of the image stores: content ingest/verify, layer sharing and refcount-driven removal, crash leftovers. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ContentStore } from './content-store.js';
import { ImageService } from './service.js';
import type { LayerStore } from './layer-store.js';
import type { ReferenceStore } from './reference-store.js';
import { sha256, chainIDs } from './fsutil.js';
import { makeTar } from './test-tar.js';
import { withLease } from './lease.js';
import { Snapshotter } from '../storage/snapshots.js';

/** The service's private stores, which this test inspects directly. */
const stores = (svc: ImageService) => svc as unknown as { content: ContentStore; layers: LayerStore; refs: ReferenceStore };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-stores-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `r${n++}`);
/** The image service of `dir`, its layers committed snapshots under dir/layers. */
async function open(dir: string): Promise<ImageService> {
  return ImageService.open(dir, await Snapshotter.open({ layers: path.join(dir, 'layers'), overlay: path.join(dir, 'overlay2') }));
}

test('content store: ingest verifies the digest before naming the blob', async () => {
  const dir = fresh();
  const cs = new ContentStore(dir);
  const data = Buffer.from('hello blob');
  const info = await cs.ingest(Readable.from([data]), { expected: sha256(data) });
  assert.deepEqual(info, { digest: sha256(data), size: data.length, created: true });
  assert.equal((await cs.ingest(Readable.from([data]))).created, false, 'a blob already there is not created again');
  assert.ok(cs.has(info.digest));
  assert.deepEqual(await cs.read(info.digest), data);
  await assert.rejects(cs.ingest(Readable.from([Buffer.from('other')]), { expected: sha256(data).replace(/.$/, '0') }), /digest mismatch/);
  await assert.rejects(cs.ingest(Readable.from([Buffer.from('other')]), { expectedSize: 99 }), /size mismatch/);
  assert.deepEqual(cs.list(), [info.digest], 'nothing named for rejected ingests');
  assert.deepEqual(fs.readdirSync(cs.dir), [info.digest.slice(7)], 'no temp files left');
  // A failing source stream leaves nothing either.
  const failing = new Readable({ read() { this.destroy(new Error('network gone')); } });
  await assert.rejects(cs.ingest(failing), /network gone/);
  assert.deepEqual(fs.readdirSync(cs.dir), [info.digest.slice(7)]);
  // Leftovers of a crash are removed on open.
  fs.writeFileSync(path.join(cs.dir, '.tmp-ingest-1-x'), 'partial');
  new ContentStore(dir);
  assert.deepEqual(fs.readdirSync(cs.dir), [info.digest.slice(7)]);
  await cs.gc(new Set());
  assert.deepEqual(cs.list(), []);
});

async function imageWith(svc: ImageService, layers: Buffer[], refs: string[], tag = 'x') {
  const diffIDs = layers.map((l) => sha256(l));
  let parent: string | null = null;
  const layerBlobs: Record<string, { digest: string; mediaType: string; size: number }> = {};
  for (const [i, l] of layers.entries()) {
    const { digest } = await stores(svc).content.put(l);
    const r = await svc.applyLayerBlob(parent, diffIDs[i]!, digest);
    parent = r.chainID;
    layerBlobs[diffIDs[i]!] = r.blob;
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: new Date().toISOString(), comment: tag, rootfs: { type: 'layers', diff_ids: diffIDs } }));
  return (await svc.commit({ config, layerBlobs, refs })).image;
}

test('layer store: shared layers stored once, removed with the last image that uses them', async () => {
  const dir = fresh();
  const svc = await open(dir);
  const base = await makeTar([{ name: 'bin/sh', content: 'shell' }]);
  const top1 = await makeTar([{ name: 'a.txt', content: 'a' }]);
  const top2 = await makeTar([{ name: 'b.txt', content: 'bb' }]);
  const one = await imageWith(svc, [base, top1], ['one'], 'one');
  const two = await imageWith(svc, [base, top2], ['two'], 'two');
  const [baseChain] = chainIDs([sha256(base)]);
  assert.equal(stores(svc).layers.list().length, 3, 'base layer extracted once');
  assert.deepEqual(await svc.layerDirs(one.id), [stores(svc).layers.diffDir(one.chainIDs[1]!), stores(svc).layers.diffDir(baseChain!)]);
  assert.equal(fs.readFileSync(path.join(stores(svc).layers.diffDir(baseChain!), 'bin/sh'), 'utf8'), 'shell');
  assert.equal((await svc.get('one')).size, 6);
  let rec = await svc.remove('one');
  assert.deepEqual(rec, [{ Untagged: 'one:latest' }, { Deleted: one.id }, { Deleted: one.chainIDs[1] }]);
  assert.ok(fs.existsSync(stores(svc).layers.diffDir(baseChain!)), 'base kept for two');
  rec = await svc.remove('two');
  assert.deepEqual(rec.map((r) => Object.keys(r)[0]), ['Untagged', 'Deleted', 'Deleted', 'Deleted']);
  assert.equal(stores(svc).layers.list().length, 0);
  assert.deepEqual(stores(svc).content.list(), [], 'configs and layer blobs gone');
  // A held layer (pull in flight) survives pruning.
  const release = svc.hold([baseChain!]);
  const { digest } = await stores(svc).content.put(base);
  await svc.applyLayerBlob(null, sha256(base), digest);
  await svc.collectGarbage();
  assert.ok(stores(svc).layers.get(baseChain!));
  release();
  await svc.collectGarbage();
  assert.equal(stores(svc).layers.get(baseChain!), undefined);
});

test('a layer whose content does not match its diffID is refused', async () => {
  const svc = await open(fresh());
  const tar = await makeTar([{ name: 'f', content: 'x' }]);
  const { digest } = await stores(svc).content.put(tar);
  await assert.rejects(svc.applyLayerBlob(null, sha256('something else'), digest), /does not match the config's diffID/);
  assert.equal(stores(svc).layers.list().length, 0);
});

test('restart: images and tags survive; half-done work is cleaned', async () => {
  const dir = fresh();
  let svc = await open(dir);
  const img = await imageWith(svc, [await makeTar([{ name: 'f', content: 'x' }])], ['keep:v1']);
  // Crash leftovers: an extraction in flight, a layer without its image, a stray blob, a dangling tag.
  fs.mkdirSync(path.join(dir, 'layers/.tmp-abc-1-2/diff'), { recursive: true });
  const orphan = await makeTar([{ name: 'o', content: 'o' }]);
  const { digest } = await stores(svc).content.put(orphan);
  await svc.applyLayerBlob(null, sha256(orphan), digest);
  await stores(svc).refs.set({ name: 'docker.io/library/ghost', domain: 'docker.io', path: 'library/ghost', tag: 'latest' }, `sha256:${'0'.repeat(64)}`);
  svc = await open(dir);
  assert.equal((await svc.get('keep:v1')).id, img.id);
  assert.equal(svc.count(), 1);
  assert.equal(stores(svc).layers.list().length, 1);
  assert.ok(!stores(svc).content.has(digest));
  assert.ok(!fs.existsSync(path.join(dir, 'layers/.tmp-abc-1-2')));
  assert.equal(stores(svc).refs.get('docker.io/library/ghost:latest'), undefined);
  await assert.rejects(svc.get('ghost'), { message: 'No such image: ghost:latest' });
});

test('lookup: tags, full and short IDs, digests, Docker\'s errors', async () => {
  const svc = await open(fresh());
  const img = await imageWith(svc, [await makeTar([{ name: 'f', content: 'y' }])], ['localhost:5000/a/b:c']);
  for (const ref of ['localhost:5000/a/b:c', img.id, img.id.slice(7), img.id.slice(7, 19), img.id.slice(0, 19)]) {
    assert.equal((await svc.get(ref)).id, img.id, ref);
  }
  assert.deepEqual((await svc.get(img.id)).repoTags, ['localhost:5000/a/b:c']);
  await assert.rejects(svc.get('localhost:5000/a/b'), { message: 'No such image: localhost:5000/a/b:latest' });
  await assert.rejects(svc.get('Upper'), { message: 'invalid reference format: repository name (library/Upper) must be lowercase' });
  await svc.tag(img.id, 'other', 'v2');
  assert.deepEqual((await svc.get('other:v2')).repoTags.sort(), ['localhost:5000/a/b:c', 'other:v2']);
  await assert.rejects(svc.tag(img.id, 'bad name'), { message: 'invalid reference format' });
});

test('leases: what an operation adds is kept from garbage collection while it runs, and goes with it when it fails', async () => {
  const svc = await open(fresh());
  const tar = await makeTar([{ name: 'f', content: 'leased' }]);
  const diffID = sha256(tar);
  // In flight: an rmi's collection meanwhile leaves the blob and its layer alone.
  const lease = svc.lease();
  const { digest } = await lease.ingest(Readable.from([tar]));
  const { chainID } = await lease.applyLayerBlob(null, diffID, digest);
  await svc.collectGarbage();
  assert.ok(stores(svc).content.has(digest));
  assert.ok(stores(svc).layers.get(chainID));
  // Given up: both go at once, not at the next start.
  await lease.end();
  assert.ok(!stores(svc).content.has(digest));
  assert.equal(stores(svc).layers.get(chainID), undefined);
  assert.deepEqual(fs.readdirSync(path.join(svc.root, 'layers')), []);
  // Committed: kept. A blob that was there before a failed operation stays too.
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffID] } }));
  const img = await withLease(svc, async (l) => {
    const b = await l.ingest(Readable.from([tar]));
    const r = await l.applyLayerBlob(null, diffID, b.digest);
    return (await svc.commit({ config, layerBlobs: { [diffID]: r.blob }, refs: ['kept'] })).image;
  });
  assert.ok(stores(svc).content.has(digest));
  await assert.rejects(withLease(svc, async (l) => {
    await l.ingest(Readable.from([tar]));
    await l.ingest(Readable.from([Buffer.from('new and unused')]));
    throw new Error('failed later');
  }), /failed later/);
  assert.ok(stores(svc).content.has(digest), 'a blob the failed operation did not create stays');
  assert.deepEqual(stores(svc).content.list().sort(), [digest, img.id].sort(), 'the blob it created is gone');
});

test('a commit whose tag cannot be written leaves no image', async () => {
  const svc = await open(fresh());
  const tar = await makeTar([{ name: 'f', content: 'z' }]);
  const { digest } = await stores(svc).content.put(tar);
  const { blob } = await svc.applyLayerBlob(null, sha256(tar), digest);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  const set = stores(svc).refs.set.bind(stores(svc).refs);
  stores(svc).refs.set = async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 }); };
  await assert.rejects(svc.commit({ config, layerBlobs: { [sha256(tar)]: blob }, refs: ['full:disk'] }), /no space left/);
  stores(svc).refs.set = set;
  assert.equal(svc.count(), 0);
  assert.ok(!stores(svc).content.has(sha256(config)), 'the config blob went with it');
});

test('an archive read stops when its client goes away, mid-blob, even if the body never ends', async () => {
  const svc = await open(fresh());
  const { readArchive } = await import('./archive/read-archive.js');
  const { PassThrough } = await import('node:stream');
  const tar = await makeTar([{ name: 'layer.tar', content: 'x'.repeat(1 << 20) }]);
  const body = new PassThrough();
  body.write(tar.subarray(0, 512 + 4096)); // the header and part of the blob; then nothing, and no end
  const ac = new AbortController();
  const read = withLease(svc, (lease) => readArchive(body, lease, ac.signal));
  await new Promise((r) => setTimeout(r, 200));
  const blobsDir = path.join(svc.root, 'blobs', 'sha256');
  const temps = () => (fs.existsSync(blobsDir) ? fs.readdirSync(blobsDir).filter((f) => f.startsWith('.tmp-')) : []);
  assert.equal(temps().length, 1, 'the blob is being ingested');
  ac.abort();
  await assert.rejects(Promise.race([read, new Promise((_r, j) => setTimeout(() => j(new Error('still reading')), 3000))]), /went away/);
  assert.deepEqual(temps(), []);
});
