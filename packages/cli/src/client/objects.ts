/** dockerode's per-resource objects: Container, Image, Network, Volume, Exec. */
import type { Duplex, Readable } from 'node:stream';
import type {
  AuthConfig, ContainerInspect, ContainerPathStat, ContainerStats, ContainerTopResponse, ContainerUpdateRequest, ContainerUpdateResponse,
  ContainerWaitResponse, DistributionInspect, ExecCreateRequest, ExecInspect, FilesystemChange, IdResponse, ImageCommitResponse,
  ContainerConfig, ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, Network as NetworkInfo, NetworkConnectRequest, Volume as VolumeInfo,
} from '@berth/shared/api/types';
import type { Modem, QueryValue } from './modem.js';

type Q = Record<string, QueryValue>;
const enc = encodeURIComponent;

export class Exec {
  constructor(readonly modem: Modem, readonly id: string) {}
  /** With `hijack: true` (or stdin) the raw duplex; otherwise the output stream. */
  start(opts: { Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number]; hijack?: boolean; stdin?: boolean } = {}): Promise<Duplex> {
    const { hijack, stdin, ...body } = opts;
    if (body.Detach) return this.modem.dial({ method: 'POST', path: `/exec/${enc(this.id)}/start`, body, expect: 'none' });
    return this.modem.dial({ method: 'POST', path: `/exec/${enc(this.id)}/start`, body, hijack: hijack || stdin || true, headers: { 'Content-Type': 'application/json' } });
  }
  resize(opts: { h: number; w: number }) { return this.modem.dial({ method: 'POST', path: `/exec/${enc(this.id)}/resize`, query: opts, expect: 'none' }); }
  inspect() { return this.modem.dial<ExecInspect>({ method: 'GET', path: `/exec/${enc(this.id)}/json` }); }
}

export class Container {
  constructor(readonly modem: Modem, readonly id: string) {}
  private p(sub: string) { return `/containers/${enc(this.id)}${sub}`; }
  inspect(opts: { size?: boolean } = {}) { return this.modem.dial<ContainerInspect>({ method: 'GET', path: this.p('/json'), query: opts }); }
  start(opts: { detachKeys?: string } = {}) { return this.modem.dial({ method: 'POST', path: this.p('/start'), query: opts, expect: 'none' }); }
  stop(opts: { t?: number; signal?: string } = {}) { return this.modem.dial({ method: 'POST', path: this.p('/stop'), query: opts, expect: 'none' }); }
  restart(opts: { t?: number; signal?: string } = {}) { return this.modem.dial({ method: 'POST', path: this.p('/restart'), query: opts, expect: 'none' }); }
  kill(opts: { signal?: string } = {}) { return this.modem.dial({ method: 'POST', path: this.p('/kill'), query: opts, expect: 'none' }); }
  pause() { return this.modem.dial({ method: 'POST', path: this.p('/pause'), expect: 'none' }); }
  unpause() { return this.modem.dial({ method: 'POST', path: this.p('/unpause'), expect: 'none' }); }
  remove(opts: { v?: boolean; force?: boolean; link?: boolean } = {}) { return this.modem.dial({ method: 'DELETE', path: this.p(''), query: opts, expect: 'none' }); }
  rename(opts: { name: string }) { return this.modem.dial({ method: 'POST', path: this.p('/rename'), query: opts, expect: 'none' }); }
  update(body: ContainerUpdateRequest) { return this.modem.dial<ContainerUpdateResponse>({ method: 'POST', path: this.p('/update'), body }); }
  top(opts: { ps_args?: string } = {}) { return this.modem.dial<ContainerTopResponse>({ method: 'GET', path: this.p('/top'), query: opts }); }
  /** null when nothing changed (a Go nil slice). */
  changes() { return this.modem.dial<FilesystemChange[] | null>({ method: 'GET', path: this.p('/changes') }); }
  export(): Promise<Readable> { return this.modem.dial({ method: 'GET', path: this.p('/export'), expect: 'stream' }); }
  commit(opts: Q = {}, config?: ContainerConfig) { return this.modem.dial<ImageCommitResponse>({ method: 'POST', path: '/commit', query: { container: this.id, ...opts }, body: config ?? {} }); }
  resize(opts: { h: number; w: number }) { return this.modem.dial({ method: 'POST', path: this.p('/resize'), query: opts, expect: 'none' }); }
  wait(opts: { condition?: 'not-running' | 'next-exit' | 'removed' } = {}) {
    return this.modem.dial<ContainerWaitResponse>({ method: 'POST', path: this.p('/wait'), query: opts });
  }
  /** With `hijack: true` the raw duplex (stdin writable); otherwise the output stream. */
  attach(opts: { stream?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean; logs?: boolean; detachKeys?: string; hijack?: boolean } = {}): Promise<Duplex> {
    const { hijack, ...query } = opts;
    if (hijack || query.stdin) return this.modem.dial({ method: 'POST', path: this.p('/attach'), query, hijack: true });
    return this.modem.dial({ method: 'POST', path: this.p('/attach'), query, expect: 'stream' });
  }
  logs(opts: { follow?: boolean; stdout?: boolean; stderr?: boolean; since?: number | string; until?: number | string; timestamps?: boolean; tail?: string | number; details?: boolean } = {}): Promise<Readable> {
    return this.modem.dial({ method: 'GET', path: this.p('/logs'), query: opts as Q, expect: 'stream' });
  }
  stats(opts: { stream: false; 'one-shot'?: boolean }): Promise<ContainerStats>;
  stats(opts?: { stream?: true }): Promise<Readable>;
  stats(opts: { stream?: boolean; 'one-shot'?: boolean } = {}): Promise<unknown> {
    if (opts.stream === false) return this.modem.dial({ method: 'GET', path: this.p('/stats'), query: opts });
    return this.modem.dial({ method: 'GET', path: this.p('/stats'), query: opts, expect: 'stream' });
  }
  exec(opts: ExecCreateRequest): Promise<Exec> {
    return this.modem.dial<IdResponse>({ method: 'POST', path: this.p('/exec'), body: opts }).then((r) => new Exec(this.modem, r.Id));
  }
  getArchive(opts: { path: string }): Promise<Readable> { return this.modem.dial({ method: 'GET', path: this.p('/archive'), query: opts, expect: 'stream' }); }
  /** HEAD archive: the decoded X-Docker-Container-Path-Stat (throws the API error, e.g. NotFound). */
  async statPath(opts: { path: string }): Promise<ContainerPathStat> {
    const r = await this.modem.dial<{ headers: Record<string, string | string[] | undefined>; body: Readable }>({ method: 'HEAD', path: this.p('/archive'), query: opts, expect: 'response' });
    r.body.resume();
    const h = r.headers['x-docker-container-path-stat'];
    return decodePathStat(h);
  }
  /** GET archive with the path's stat. */
  async getArchiveWithStat(opts: { path: string }): Promise<{ stat: ContainerPathStat; stream: Readable }> {
    const r = await this.modem.dial<{ headers: Record<string, string | string[] | undefined>; body: Readable }>({ method: 'GET', path: this.p('/archive'), query: opts, expect: 'response' });
    const h = r.headers['x-docker-container-path-stat'];
    return { stat: decodePathStat(h), stream: r.body };
  }
  putArchive(tar: Readable | Buffer, opts: { path: string; noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean }) {
    return this.modem.dial({ method: 'PUT', path: this.p('/archive'), query: opts as Q, body: tar, headers: { 'Content-Type': 'application/x-tar' }, expect: 'none' });
  }
}

export class Image {
  constructor(readonly modem: Modem, readonly name: string) {}
  private p(sub: string) { return `/images/${this.name}${sub}`; }
  inspect() { return this.modem.dial<ImageInspect>({ method: 'GET', path: this.p('/json') }); }
  history() { return this.modem.dial<ImageHistoryItem[]>({ method: 'GET', path: this.p('/history') }); }
  tag(opts: { repo: string; tag?: string }) { return this.modem.dial({ method: 'POST', path: this.p('/tag'), query: opts, expect: 'none' }); }
  remove(opts: { force?: boolean; noprune?: boolean } = {}) { return this.modem.dial<ImageDeleteResponseItem[]>({ method: 'DELETE', path: this.p(''), query: opts }); }
  get(): Promise<Readable> { return this.modem.dial({ method: 'GET', path: this.p('/get'), expect: 'stream' }); }
  push(opts: { tag?: string; authconfig?: AuthConfig } = {}): Promise<Readable> {
    const { authconfig, ...query } = opts;
    return this.modem.dial({ method: 'POST', path: this.p('/push'), query, headers: { 'X-Registry-Auth': registryAuth(authconfig) }, expect: 'stream' });
  }
  distribution(opts: { authconfig?: AuthConfig } = {}) {
    return this.modem.dial<DistributionInspect>({ method: 'GET', path: `/distribution/${this.name}/json`, headers: { 'X-Registry-Auth': registryAuth(opts.authconfig) } });
  }
}

export class Network {
  constructor(readonly modem: Modem, readonly id: string) {}
  inspect(opts: { verbose?: boolean; scope?: string } = {}) { return this.modem.dial<NetworkInfo>({ method: 'GET', path: `/networks/${enc(this.id)}`, query: opts }); }
  remove() { return this.modem.dial({ method: 'DELETE', path: `/networks/${enc(this.id)}`, expect: 'none' }); }
  connect(body: NetworkConnectRequest) { return this.modem.dial({ method: 'POST', path: `/networks/${enc(this.id)}/connect`, body, expect: 'none' }); }
  disconnect(body: { Container: string; Force?: boolean }) { return this.modem.dial({ method: 'POST', path: `/networks/${enc(this.id)}/disconnect`, body, expect: 'none' }); }
}

export class Volume {
  constructor(readonly modem: Modem, readonly name: string) {}
  inspect() { return this.modem.dial<VolumeInfo>({ method: 'GET', path: `/volumes/${enc(this.name)}` }); }
  remove(opts: { force?: boolean } = {}) { return this.modem.dial({ method: 'DELETE', path: `/volumes/${enc(this.name)}`, query: opts, expect: 'none' }); }
}

/** X-Registry-Auth: base64url of the auth config JSON ("e30=" i.e. {} when anonymous). */
export function registryAuth(auth?: AuthConfig): string {
  return Buffer.from(JSON.stringify(auth ?? {})).toString('base64url');
}

/** X-Docker-Container-Path-Stat: base64 JSON of the path's stat. */
function decodePathStat(h: string | string[] | undefined): ContainerPathStat {
  return JSON.parse(Buffer.from(String(Array.isArray(h) ? h[0] : h ?? ''), 'base64').toString('utf8') || '{}') as ContainerPathStat;
}
