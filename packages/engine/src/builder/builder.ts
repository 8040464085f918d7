/**
 * The classic builder's dispatcher: stages in order (those after `--target` dropped), each
 * instruction printed as `Step N/M : …`, executed, committed as an intermediate image whose
 * history entry and container_config are Docker's (`/bin/sh -c #(nop)  CMD ["x"]`,
 * `|1 A=b /bin/sh -c make`, `#(nop) COPY file:<sum> in /dst `), and probed in the cache first.
 * RUN runs a container; COPY/ADD/WORKDIR write into an overlay of the parent; the rest only
 * change the config (an `empty_layer` history entry).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgument } from '@berth/shared';
import type { ImageService } from '../images/service.js';
import type { ContainerConfigSpec, HistoryEntry, ImageConfig } from '../images/types.js';
import { parseDockerfile } from './parser.js';
import { toInstruction, toStages, type Instruction, type Stage } from './instructions.js';
import { processWord } from './lex.js';
import { applyConfigStep, goQuoteList } from './config-steps.js';
import { BuildArgs } from './args.js';
import { BuildCache } from './cache.js';
import { commitLayer } from './layer-diff.js';
import { withLease, type ImageLease } from '../images/lease.js';
import { mountStep, openView, type Rootfs } from './rootfs.js';
import type { Snapshotter } from '../storage/snapshots.js';
import { applyCopy, fetchUrl, makeWorkdir, parseChmod, resolveChown, resolvePathSources, sourcesChecksum, type Source } from './copy.js';
import type { StepContainers, StepHost } from './containers.js';
import type { ProgressMessage } from '@berth/shared/api/types';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const defaultShell = ['/bin/sh', '-c'];

export interface BuildOptions {
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  noCache: boolean;
  /** Images whose chains are the only cache sources (none: every local image). */
  cacheFrom?: string[];
  pull: boolean;
  rm: boolean;
  forceRm: boolean;
  target?: string;
  host: StepHost;
}

export interface BuildIO {
  /** Text for the client's `stream` lines. */
  out(text: string): void;
  /** `{"aux":…}` lines. */
  aux(msg: NonNullable<ProgressMessage['aux']>): void;
  /** Pull progress (`{"status","id","progress"…}`), passed through as is. */
  progress?(msg: ProgressMessage): void;
  /** The client went away: stop before the next step. */
  cancelled?(): boolean;
  /** Aborted when the client goes away: a RUN step in progress is killed. */
  signal?: AbortSignal;
}

export interface BuilderDeps {
  images: ImageService;
  /** The layers' snapshots: COPY/ADD/WORKDIR steps mount one over the parent. */
  snapshots: Snapshotter;
  containers: StepContainers;
  /** Pull an image that is not present (or always, with --pull). */
  pull?: (ref: string, platform: string | undefined, io: BuildIO) => Promise<void>;
}

/** A failed RUN: its message and exit code go to the client as errorDetail. */
export class StepError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

interface StageState {
  imageId: string;
  config: ContainerConfigSpec;
  base: Pick<ImageConfig, 'architecture' | 'os' | 'variant'>;
  args: BuildArgs;
  maintainer?: string;
  cmdSet: boolean;
  cache: BuildCache;
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
/** RFC 3339 with nanoseconds, as Docker writes `created`. */
const now = () => new Date().toISOString().replace(/Z$/, '000000Z');

export class Builder {
  private readonly holds: (() => void)[] = [];
  private readonly stageImages = new Map<string, string>();
  private readonly escape: string;
  private readonly stages: Stage[];
  private readonly metaArgs: Extract<Instruction, { kind: 'arg' }>[];
  private readonly total: number;
  private step = 1;
  private readonly args: BuildArgs;
  readonly warnings: string[];

  constructor(dockerfileText: string, private readonly contextDir: string, private readonly workDir: string,
    private readonly opts: BuildOptions, private readonly deps: BuilderDeps, private readonly io: BuildIO) {
    const parsed = parseDockerfile(dockerfileText);
    this.escape = parsed.escape;
    this.warnings = parsed.warnings;
    let { stages, metaArgs } = toStages(parsed.nodes, parsed.escape);
    if (!stages.length) throw new InvalidArgument('No image was generated. Is your Dockerfile empty?');
    if (opts.target) {
      const ix = stages.findIndex((s) => s.name === opts.target!.toLowerCase());
      if (ix < 0) throw new InvalidArgument(`failed to reach build target ${opts.target} in Dockerfile`);
      stages = stages.slice(0, ix + 1);
    }
    const last = stages[stages.length - 1]!;
    for (const k of Object.keys(opts.labels).sort()) {
      const line = `LABEL ${k}=${opts.labels[k]}`;
      last.commands.push({ kind: 'label', node: { cmd: 'label', original: line, startLine: 0, endLine: 0, flags: [], rest: '', heredocs: [] }, pairs: [[k, opts.labels[k]!]], noExpand: true });
    }
    this.stages = stages;
    this.metaArgs = metaArgs;
    this.total = metaArgs.length + stages.length + stages.reduce((n, s) => n + s.commands.length, 0);
    this.args = new BuildArgs(opts.buildArgs);
  }

  async build(): Promise<string> {
    try {
      for (const m of this.metaArgs) {
        this.printStep(m.node.original);
        for (const a of m.args) {
          const v = a.value === undefined ? undefined : processWord(a.value, this.args.metaEnv(), this.escape);
          this.args.addMeta(a.key, v);
        }
      }
      let state: StageState | undefined;
      for (const [ix, stage] of this.stages.entries()) {
        if (stage.name && this.stageImages.has(stage.name)) throw new InvalidArgument(`duplicate name ${stage.name}`);
        this.printStep(stage.from.node.original);
        state = await this.initStage(stage);
        this.io.out(` ---> ${short(state.imageId)}\n`);
        for (const ins of stage.commands) {
          this.printStep(ins.node.original);
          await this.dispatch(state, ins);
          this.io.out(` ---> ${short(state.imageId)}\n`);
        }
        if (state.imageId) this.io.aux({ ID: state.imageId });
        this.stageImages.set(String(ix), state.imageId);
        if (stage.name) this.stageImages.set(stage.name, state.imageId);
      }
      const unused = this.args.unused();
      if (unused.length) this.io.out(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
      if (!state?.imageId) throw new InvalidArgument('No image was generated. Is your Dockerfile empty?');
      return state.imageId;
    } finally {
      for (const h of this.holds) h();
    }
  }

  private printStep(text: string): void {
    if (this.io.cancelled?.()) {
      this.io.out('Build cancelled\n');
      throw new InvalidArgument('Build cancelled');
    }
    this.io.out(`Step ${this.step++}/${this.total} : ${text}\n`);
  }

  // ── FROM ────────────────────────────────────────────────────────────────
  private async initStage(stage: Stage): Promise<StageState> {
    const name = processWord(stage.from.image, this.args.metaEnv(), this.escape);
    if (!name) throw new InvalidArgument('base name (${' + stage.from.image + '}) should not be blank');
    let imageId = '';
    let config: ContainerConfigSpec = {};
    let base: StageState['base'] = { architecture: 'amd64', os: 'linux' };
    if (name.toLowerCase() !== 'scratch') {
      const fromStage = this.stageImages.get(name.toLowerCase());
      imageId = fromStage ?? await this.resolveImage(name, stage.from.platform);
      const img = this.deps.images.stored(imageId)!;
      config = structuredClone(img.config.config ?? {});
      base = { architecture: img.config.architecture, os: img.config.os, ...(img.config.variant ? { variant: img.config.variant } : {}) };
    }
    if (!(config.Env ?? []).some((e) => e.startsWith('PATH='))) config.Env = [...(config.Env ?? []), DEFAULT_PATH];
    const state: StageState = { imageId, config, base, args: this.args.forStage(), cmdSet: false, cache: new BuildCache(this.deps.images, this.opts.noCache, this.opts.cacheFrom) };
    const triggers = config.OnBuild ?? [];
    config.OnBuild = null;
    if (triggers.length) {
      this.io.out(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      for (const t of triggers) {
        const parsed = parseDockerfile(t);
        for (const node of parsed.nodes) {
          const ins = toInstruction(node, parsed.escape);
          if (ins.kind === 'onbuild' || ins.kind === 'from') throw new InvalidArgument(`${ins.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`);
          await this.dispatch(state, ins);
        }
      }
    }
    return state;
  }

  private async resolveImage(name: string, platform?: string): Promise<string> {
    const find = () => { try { return this.deps.images.resolve(name).id; } catch { return undefined; } };
    let id = this.opts.pull ? undefined : find();
    if (!id && this.deps.pull) {
      await this.deps.pull(name, platform, this.io);
      id = find();
    }
    if (!id) throw new InvalidArgument(`pull access denied for ${name}, repository does not exist or may require 'docker login'`);
    return id;
  }

  // ── dispatch ────────────────────────────────────────────────────────────
  private expand(state: StageState, word: string): string {
    const env = [...state.args.filterAllowed(state.config.Env ?? []), ...(state.config.Env ?? [])];
    return processWord(word, env, this.escape);
  }

  private shell(state: StageState): string[] {
    return state.config.Shell?.length ? state.config.Shell : defaultShell;
  }

  private async dispatch(state: StageState, ins: Instruction): Promise<void> {
    switch (ins.kind) {
      case 'workdir':
        return this.workdir(state, this.expand(state, ins.value));
      case 'run':
        return this.run(state, ins);
      case 'copy':
      case 'add':
        return this.copy(state, ins);
      case 'from':
        throw new InvalidArgument('FROM inside a stage');
      default:
        return this.commitMeta(state, applyConfigStep(state, ins, (w) => this.expand(state, w), this.shell(state)));
    }
  }

  // ── commits ─────────────────────────────────────────────────────────────
  /** The container_config of a metadata step: the stage's config with a `#(nop)` command. */
  private nopConfig(state: StageState, cmd: string[]): ContainerConfigSpec {
    const cc: ContainerConfigSpec = structuredClone(state.config);
    cc.Cmd = cmd;
    return cc;
  }

  private async commitMeta(state: StageState, comment: string): Promise<void> {
    const probe = this.nopConfig(state, [...this.shell(state), '#(nop) ', comment]);
    if (this.probe(state, probe)) return;
    const cid = state.imageId ? await this.createContainer(state, probe.Cmd!, []) : undefined;
    await this.commit(state, probe, undefined, cid);
    if (cid) await this.removeContainer(cid);
  }

  private probe(state: StageState, probe: ContainerConfigSpec): boolean {
    const hit = state.cache.probe(state.imageId, probe);
    if (!hit) return false;
    this.io.out(' ---> Using cache\n');
    state.imageId = hit;
    return true;
  }

  private async createContainer(state: StageState, cmd: string[], env: string[]): Promise<string> {
    const id = await this.deps.containers.create(state.imageId, state.config, cmd, [...(state.config.Env ?? []), ...env], this.opts.host);
    this.io.out(` ---> Running in ${short(id)}\n`);
    return id;
  }

  private async removeContainer(id: string): Promise<void> {
    if (!this.opts.rm && !this.opts.forceRm) return;
    await this.deps.containers.remove(id);
    this.io.out(`Removing intermediate container ${short(id)}\n`);
  }

  /** Commit the step: a new image over the parent with the layer (if any) and a history entry. */
  private async commit(state: StageState, probe: ContainerConfigSpec, upperDir: string | undefined, containerId?: string): Promise<void> {
    // A step whose commit fails (a full disk) leaves no blob or layer of its own.
    await withLease(this.deps.images, (lease) => this.commitStep(lease, state, probe, upperDir, containerId));
  }

  /** `containerId`: the step's container, recorded as the image's `container` (as Docker's CommitBuildStep does). */
  private async commitStep(lease: ImageLease, state: StageState, probe: ContainerConfigSpec, upperDir: string | undefined,
    containerId?: string): Promise<void> {
    const images = this.deps.images;
    const parent = state.imageId ? images.stored(state.imageId) : undefined;
    const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
    const history: HistoryEntry[] = [...(parent?.config.history ?? [])];
    const parentChain = parent?.chainIDs[parent.chainIDs.length - 1] ?? null;
    const layer = upperDir ? await commitLayer(lease, parentChain, upperDir) : {};
    if (layer.chainID) this.holds.push(images.hold([layer.chainID]));
    if (layer.diffID) diffIds.push(layer.diffID);
    const created = now();
    const entry: HistoryEntry = { created, created_by: (probe.Cmd ?? []).join(' ') };
    if (state.maintainer) entry.author = state.maintainer;
    if (!layer.diffID) entry.empty_layer = true;
    history.push(entry);
    const config: ImageConfig = {
      architecture: state.base.architecture,
      ...(state.maintainer ? { author: state.maintainer } : {}),
      config: { ...structuredClone(state.config), Image: state.imageId },
      ...(containerId ? { container: containerId } : {}),
      container_config: probe,
      created,
      history,
      os: state.base.os,
      rootfs: { type: 'layers', diff_ids: diffIds },
      ...(state.base.variant ? { variant: state.base.variant } : {}),
    };
    const { image } = await images.commit({
      config: Buffer.from(JSON.stringify(config)),
      parent: state.imageId || undefined,
      layerBlobs: layer.diffID && layer.blob ? { [layer.diffID]: layer.blob } : undefined,
      log: 'create',
    });
    state.imageId = image.id;
  }

  // ── RUN ─────────────────────────────────────────────────────────────────
  private async run(state: StageState, ins: Extract<Instruction, { kind: 'run' }>): Promise<void> {
    let cmd: string[];
    if (ins.exec) cmd = ins.exec;
    else {
      const script = ins.heredocs.length && /^<<-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?\s*$/.test(ins.shell!.trim())
        ? ins.heredocs[0]!.content
        : ins.heredocs.length ? `${ins.shell}\n${ins.heredocs.map((h) => `${h.content}${h.name}`).join('\n')}` : ins.shell!;
      cmd = [...this.shell(state), script];
    }
    const buildArgs = state.args.filterAllowed(state.config.Env ?? []);
    let saveCmd = cmd;
    if (buildArgs.length) {
      const shown = buildArgs.filter((kv) => state.args.isShown(kv.slice(0, kv.indexOf('=')))).sort();
      saveCmd = [`|${shown.length}`, ...shown, ...cmd];
    }
    const probe: ContainerConfigSpec = { ...structuredClone(state.config), Cmd: saveCmd };
    delete probe.Entrypoint;
    if (this.probe(state, probe)) return;
    if (!state.imageId) throw new InvalidArgument('Please provide a source image with `from` prior to run');
    const host = ins.network ? { ...this.opts.host, NetworkMode: ins.network } : this.opts.host;
    const id = await this.deps.containers.create(state.imageId, { ...state.config, Healthcheck: undefined }, cmd, [...(state.config.Env ?? []), ...buildArgs], host);
    this.io.out(` ---> Running in ${short(id)}\n`);
    let code: number;
    try {
      // Docker's classic builder marks a step's stderr in red (streamformatter.NewStderrWriter)
      code = await this.deps.containers.run(id, (chunk, stream) => {
        const text = chunk.toString('utf8');
        this.io.out(stream === 'stderr' ? `\u001b[91m${text}\u001b[0m` : text);
      }, this.io.signal);
    } catch (e) {
      await this.deps.containers.remove(id);
      throw e;
    }
    if (code !== 0) {
      await this.deps.containers.remove(id);
      throw new StepError(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code);
    }
    try {
      await this.commit(state, probe, this.deps.containers.upperDir(id), id);
    } finally {
      await this.removeContainer(id);
    }
  }

  // ── WORKDIR ─────────────────────────────────────────────────────────────
  private async workdir(state: StageState, dir: string): Promise<void> {
    const c = state.config;
    c.WorkingDir = path.posix.isAbsolute(dir) ? path.posix.normalize(dir) : path.posix.join(c.WorkingDir || '/', dir);
    const probe = this.nopConfig(state, [...this.shell(state), `#(nop) WORKDIR ${c.WorkingDir}`]);
    if (this.probe(state, probe)) return;
    const cid = state.imageId ? await this.createContainer(state, probe.Cmd!, []) : undefined;
    await this.withRootfs(state, async (fsroot) => {
      await makeWorkdir(fsroot.merged, c.WorkingDir!);
    }, probe, cid);
    if (cid) await this.removeContainer(cid);
  }

  /** The top layer of an image (null: scratch). */
  private topLayer(imageId: string | undefined): string | null {
    const img = imageId ? this.deps.images.stored(imageId) : undefined;
    return img?.chainIDs[img.chainIDs.length - 1] ?? null;
  }

  private async withRootfs(state: StageState, fn: (r: Rootfs) => Promise<void>, probe: ContainerConfigSpec, containerId?: string): Promise<void> {
    const r = await mountStep(this.deps.snapshots, this.topLayer(state.imageId));
    try {
      await fn(r);
      await r.unmount();
      await this.commit(state, probe, r.upper, containerId);
    } finally {
      await r.dispose();
    }
  }

  /** A stage's or image's filesystem, read-only, for COPY --from. */
  private async mountFrom(ref: string): Promise<{ merged: string; dispose(): Promise<void> }> {
    const id = this.stageImages.get(ref.toLowerCase()) ?? await this.resolveImage(ref);
    return openView(this.deps.snapshots, this.topLayer(id));
  }

  // ── COPY / ADD ──────────────────────────────────────────────────────────
  private async copy(state: StageState, ins: Extract<Instruction, { kind: 'copy' | 'add' }>): Promise<void> {
    const cmdName = ins.kind === 'copy' ? 'COPY' : 'ADD';
    const c = state.config;
    const srcs = ins.srcs.map((s) => (s.startsWith('<<') ? s : this.expand(state, s)));
    let dest = this.expand(state, ins.dest);
    const keepSlash = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
    if (!path.posix.isAbsolute(dest)) dest = path.posix.join(c.WorkingDir || '/', dest);
    if (keepSlash && !dest.endsWith('/')) dest += '/';
    const from = ins.kind === 'copy' && ins.from ? this.expand(state, ins.from) : undefined;
    const fromRoot = from !== undefined ? await this.mountFrom(from) : undefined;
    try {
      const sources: Source[] = [];
      for (const s of srcs) {
        const doc = s.startsWith('<<') ? ins.heredocs.find((h) => `<<${h.name}` === s) : undefined;
        if (doc) sources.push({ kind: 'heredoc', name: doc.name, content: doc.expand ? this.expand(state, doc.content) : doc.content });
        else if (ins.kind === 'add' && /^https?:\/\//.test(s)) sources.push(await fetchUrl(s, this.workDir, ins.checksum && this.expand(state, ins.checksum)));
        else sources.push(...await resolvePathSources(cmdName, fromRoot ? fromRoot.merged : this.contextDir, [s], !fromRoot));
      }
      const sum = await sourcesChecksum(sources);
      const extra = [ins.chown ? `--chown=${ins.chown}` : '', ins.chmod ? `--chmod=${ins.chmod}` : ''].filter(Boolean).join(' ');
      const comment = `${cmdName} ${extra ? extra + ' ' : ''}${sum} in ${dest} `;
      const probe = this.nopConfig(state, [...this.shell(state), `#(nop) ${comment}`]);
      if (this.probe(state, probe)) return;
      const chmod = ins.chmod ? parseChmod(this.expand(state, ins.chmod)) : undefined;
      await this.withRootfs(state, async (r) => {
        const chown = ins.chown ? await resolveChown(r.merged, this.expand(state, ins.chown)) : undefined;
        await applyCopy(r.merged, sources, { cmdName, dest, chown, chmod, extract: ins.kind === 'add' });
      }, probe);
    } finally {
      await fromRoot?.dispose();
    }
  }
}
