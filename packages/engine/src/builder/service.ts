/**
 * BuildService: one `POST /build` — the context extracted into a private dir under the data
 * root, the Dockerfile parsed and run by the Builder, the result tagged, and Docker's closing
 * lines ("Successfully built …", "Successfully tagged …"). Output goes to an emitter of
 * Docker's JSON messages; errors after output started become `errorDetail` lines (the router
 * decides). `prune` clears what builds leave: dangling intermediate images are the image
 * side's business, so here it is only the scratch dirs.
 *
 *   <data-root>/builder/
 *     build-<random>/context/      the extracted context
 * (COPY/ADD/WORKDIR steps mount temporary snapshots: storage/snapshots.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseNormalizedNamed } from '@berth/shared/reference';
import { familiarString } from '@berth/shared/reference';
import type { ImageService } from '../images/service.js';
import { parseRef } from '../images/service.js';

import { Builder, type BuildIO, type BuildOptions } from './builder.js';
import { StepContainers, type BuildContainers } from './containers.js';
import { applyIgnoreToSpecialFiles, extractContext, readDockerfile } from './context.js';
import { remoteContext } from './remote-context.js';
import type { Snapshotter } from '../storage/snapshots.js';
import { unmountUnder } from '../storage/mount.js';
import { noEvents, type EventSink } from '../events/types.js';
import type { BuildPruneResponse } from '@berth/shared/api/types';

export interface BuildRequest extends BuildOptions {
  quiet: boolean;
  /** A URL whose body is the context (or the Dockerfile) instead of the request body. */
  remote?: string;
}

export type PullFn = (ref: string, platform: string | undefined, io: BuildIO) => Promise<void>;

export class BuildService {
  private readonly root: string;
  private readonly steps: StepContainers;

  private constructor(dataRoot: string, private readonly images: ImageService, private readonly snapshots: Snapshotter,
    containers: BuildContainers, private readonly pull?: PullFn, private readonly events: EventSink = noEvents) {
    this.root = path.join(dataRoot, 'builder');
    this.steps = new StepContainers(containers);
  }

  static async open(dataRoot: string, images: ImageService, snapshots: Snapshotter, containers: BuildContainers, pull?: PullFn,
    events: EventSink = noEvents): Promise<BuildService> {
    const s = new BuildService(dataRoot, images, snapshots, containers, pull, events);
    fs.mkdirSync(s.root, { recursive: true, mode: 0o700 });
    // What a crash left: mounts first (never rm through a mount; builds before snapshots mounted
    // their steps here), then the dirs.
    await unmountUnder(s.root);
    for (const d of fs.readdirSync(s.root)) fs.rmSync(path.join(s.root, d), { recursive: true, force: true });
    return s;
  }

  /** Check what can be checked before the body is read (bad tags are a 400). */
  validate(req: BuildRequest): void {
    for (const t of req.tags) parseRef(() => parseNormalizedNamed(t));
  }

  async build(req: BuildRequest, context: Readable, io: BuildIO): Promise<string> {
    this.validate(req);
    const dir = await fs.promises.mkdtemp(path.join(this.root, 'build-'));
    try {
      const ctx = path.join(dir, 'context');
      await extractContext(req.remote ? await remoteContext(req.remote, dir, req.dockerfile, io.signal) : context, ctx);
      const text = await readDockerfile(ctx, req.dockerfile);
      await applyIgnoreToSpecialFiles(ctx, req.dockerfile);
      // Quiet: the steps are held back and shown only if the build fails.
      const held: string[] = [];
      const stepIO: BuildIO = req.quiet ? { ...io, out: (t) => { held.push(t); }, progress: undefined } : io;
      const builder = new Builder(text, ctx, dir, req, { images: this.images, snapshots: this.snapshots, containers: this.steps, pull: this.pull }, stepIO);
      for (const w of builder.warnings) io.out(w + '\n');
      let id: string;
      try {
        id = await builder.build();
      } catch (e) {
        if (req.quiet && held.length) io.out(held.join(''));
        throw e;
      }
      if (req.quiet) io.out(`${id}\n`);
      else io.out(`Successfully built ${id.slice(7, 19)}\n`);
      for (const t of req.tags) {
        const ref = parseRef(() => parseNormalizedNamed(t));
        if (!ref.tag && !ref.digest) ref.tag = 'latest';
        await this.images.tagImage(id, ref);
        if (!req.quiet) io.out(`Successfully tagged ${familiarString(ref)}\n`);
      }
      return id;
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** POST /build/prune: the classic builder keeps no separate cache store. */
  async prune(): Promise<BuildPruneResponse> {
    this.events.emit('builder', 'prune', '', { reclaimed: '0' });
    return { CachesDeleted: null, SpaceReclaimed: 0 };
  }
}
