import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { Readable } from 'node:stream';
import { v1LayerConfigs } from './v1-config.js';
import { goJSON } from '../go-json.js';
import type { ImageConfig } from '../types.js';

const fixture = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../../e2e/fixtures/multilayer.tar');

async function files(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = tar.extract();
  Readable.from(fs.readFileSync(file)).pipe(ex);
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    out.set(e.header.name, Buffer.concat(chunks));
  }
  return out;
}

test('the v1 layer JSON and IDs of a real `docker save` (Docker 20.10, four layers), byte for byte', async () => {
  const f = await files(fixture);
  const manifest = JSON.parse(f.get('manifest.json')!.toString())[0];
  const config = JSON.parse(f.get(manifest.Config)!.toString()) as ImageConfig;
  const layers = v1LayerConfigs(config, { onBuildAlways: true });
  assert.deepEqual(layers.map((l) => `${l.id}/layer.tar`), manifest.Layers);
  for (const l of layers) assert.equal(l.json.toString(), f.get(`${l.id}/json`)!.toString());
});

test('Go escaping and omitempty: & < > as \\u escapes; empty OnBuild left out since Docker 23', () => {
  assert.equal(goJSON({ Cmd: ['a && b <c>'] }), '{"Cmd":["a \\u0026\\u0026 b \\u003cc\\u003e"]}');
  const [only] = v1LayerConfigs({ architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] } });
  const doc = JSON.parse(only!.json.toString());
  assert.equal(doc.id, only!.id);
  assert.ok(!('OnBuild' in doc.container_config) && !('parent' in doc));
  assert.deepEqual(Object.keys(doc), ['id', 'created', 'container_config', 'architecture', 'os']);
});
