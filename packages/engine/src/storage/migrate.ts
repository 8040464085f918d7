/**
 * From the layout before snapshots to snapshots, at start (idempotent: what is migrated is not
 * looked at again). Nothing moves; each directory gets the metadata the snapshotter reads:
 *
 *   image/layers/<hex>/layer.json    { chainID, parent, … }          → committed, named chainID
 *   overlay2/<id>/{diff,work,merged} with containers/<id>/config.v2.json's
 *                                    LowerDirs (image layer dirs,
 *                                    topmost first)                   → active `<id>` on the top one
 *
 * Such containers have no init layer (storage/init-layer.ts); everything else about them is as
 * before. Runs before the snapshotter opens, which would take a directory with no metadata
 * under image/layers for a leftover.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readSnapshotRecord, writeSnapshotRecord, type SnapshotterDirs } from './snapshots.js';
import { log } from '../log.js';

const HEX = /^[a-f0-9]{64}$/;

export function migrateLegacyLayout(dataRoot: string, dirs: SnapshotterDirs): { layers: number; containers: number } {
  let layers = 0;
  let containers = 0;
  for (const hex of safeReaddir(dirs.layers)) {
    const dir = path.join(dirs.layers, hex);
    if (!HEX.test(hex) || readSnapshotRecord(dir)) continue;
    const rec = readJson<{ chainID?: string; parent?: string | null }>(path.join(dir, 'layer.json'));
    if (rec?.chainID !== `sha256:${hex}` || !fs.existsSync(path.join(dir, 'diff'))) continue;
    writeSnapshotRecord(dir, { kind: 'committed', name: rec.chainID, parent: rec.parent ?? null });
    layers++;
  }
  const containersDir = path.join(dataRoot, 'containers');
  for (const id of safeReaddir(containersDir)) {
    const dir = path.join(dirs.overlay, id);
    if (!HEX.test(id) || !fs.existsSync(path.join(dir, 'diff')) || readSnapshotRecord(dir)) continue;
    const rec = readJson<{ LowerDirs?: unknown }>(path.join(containersDir, id, 'config.v2.json'));
    if (!rec || !Array.isArray(rec.LowerDirs)) continue;
    const top = rec.LowerDirs[0];
    const parentHex = typeof top === 'string' ? path.basename(path.dirname(top)) : undefined;
    if (parentHex !== undefined && !HEX.test(parentHex)) {
      log.warn('container layer not migrated: its image layers are not where they should be', { id, lowerDir: top });
      continue;
    }
    writeSnapshotRecord(dir, { kind: 'active', name: id, parent: parentHex ? `sha256:${parentHex}` : null });
    containers++;
  }
  if (layers || containers) log.info('storage: migrated to snapshots', { layers, containers });
  return { layers, containers };
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

function readJson<T>(file: string): T | undefined {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')) as T; } catch { return undefined; }
}
