/** dockerode's Docker class: the entry point of the client API. */
import type { Readable } from 'node:stream';
import type {
  AuthConfig, AuthResponse, ContainerCreateRequest, ContainerCreateResponse, ContainerPruneResponse, ContainerSummary, ImagePruneResponse,
  ImageSearchResult, ImageSummary, Network as NetworkInfo, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneResponse,
  SystemDataUsage, SystemInfo, SystemVersion, Volume as VolumeInfo, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse,
} from '@berth/shared/api/types';
import { Modem, type ModemOptions, type QueryValue, type ProgressEvent } from './modem.js';
import { Container, Exec, Image, Network, Volume, registryAuth } from './objects.js';

type Q = Record<string, QueryValue>;

export class Docker {
  readonly modem: Modem;

  constructor(opts: ModemOptions = {}) {
    this.modem = new Modem(opts);
  }

  /** Connect from a dockerd-style host string: unix:///path, tcp://host:port, or a bare socket path. */
  static fromHost(host: string, extra: Omit<ModemOptions, 'socketPath' | 'host' | 'port'> = {}): Docker {
    if (host.startsWith('unix://')) return new Docker({ ...extra, socketPath: host.slice('unix://'.length) });
    if (host.startsWith('/')) return new Docker({ ...extra, socketPath: host });
    const m = /^(?:tcp|http|https):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(host);
    if (!m) throw new Error(`unsupported host: ${host}`);
    return new Docker({ ...extra, host: m[1], port: Number(m[2] ?? 2375), protocol: host.startsWith('https') ? 'https' : 'http' });
  }

  ping(): Promise<string> { return this.modem.ping().then((r) => r.body); }
  version() { return this.modem.dial<SystemVersion>({ method: 'GET', path: '/version' }); }
  info() { return this.modem.dial<SystemInfo>({ method: 'GET', path: '/info' }); }
  df(opts: { type?: string[] } = {}) { return this.modem.dial<SystemDataUsage>({ method: 'GET', path: '/system/df', query: opts }); }
  getEvents(opts: { since?: number | string; until?: number | string; filters?: Record<string, string[]> } = {}): Promise<Readable> {
    return this.modem.dial({ method: 'GET', path: '/events', query: opts as Q, expect: 'stream' });
  }

  getContainer(id: string) { return new Container(this.modem, id); }
  getImage(name: string) { return new Image(this.modem, name); }
  getNetwork(id: string) { return new Network(this.modem, id); }
  getVolume(name: string) { return new Volume(this.modem, name); }
  getExec(id: string) { return new Exec(this.modem, id); }

  async createContainer(opts: ContainerCreateRequest & { name?: string; platform?: string }): Promise<Container> {
    const { name, platform, ...body } = opts;
    const r = await this.modem.dial<ContainerCreateResponse>({ method: 'POST', path: '/containers/create', query: { name, platform }, body });
    const c = new Container(this.modem, r.Id);
    (c as Container & { warnings?: string[] }).warnings = r.Warnings ?? [];
    return c;
  }
  listContainers(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.modem.dial<ContainerSummary[]>({ method: 'GET', path: '/containers/json', query: opts as Q });
  }
  pruneContainers(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<ContainerPruneResponse>({ method: 'POST', path: '/containers/prune', query: opts as Q }); }

  listImages(opts: { all?: boolean; digests?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.modem.dial<ImageSummary[]>({ method: 'GET', path: '/images/json', query: opts as Q });
  }
  /** POST /images/create: pull (fromImage) or import (fromSrc); returns the progress stream. */
  createImage(opts: Q & { authconfig?: AuthConfig }, body?: Readable | Buffer): Promise<Readable> {
    const { authconfig, ...query } = opts;
    return this.modem.dial({ method: 'POST', path: '/images/create', query, body, headers: { 'X-Registry-Auth': registryAuth(authconfig) }, expect: 'stream' });
  }
  pull(repoTag: string, opts: { authconfig?: AuthConfig; platform?: string } = {}): Promise<Readable> {
    const at = repoTag.lastIndexOf('@');
    const colon = repoTag.lastIndexOf(':');
    let fromImage = repoTag;
    let tag: string | undefined;
    if (at < 0 && colon > repoTag.lastIndexOf('/')) { fromImage = repoTag.slice(0, colon); tag = repoTag.slice(colon + 1); }
    return this.createImage({ fromImage, tag, platform: opts.platform, authconfig: opts.authconfig });
  }
  importImage(tar: Readable | Buffer, opts: Q = {}): Promise<Readable> {
    return this.modem.dial({ method: 'POST', path: '/images/create', query: { fromSrc: '-', ...opts }, body: tar, headers: { 'Content-Type': 'application/tar' }, expect: 'stream' });
  }
  loadImage(tar: Readable | Buffer, opts: { quiet?: boolean } = {}): Promise<Readable> {
    return this.modem.dial({ method: 'POST', path: '/images/load', query: opts, body: tar, headers: { 'Content-Type': 'application/x-tar' }, expect: 'stream' });
  }
  getImages(names: string[]): Promise<Readable> { return this.modem.dial({ method: 'GET', path: '/images/get', query: { names }, expect: 'stream' }); }
  buildImage(context: Readable | Buffer, opts: Q & { registryconfig?: Record<string, AuthConfig> } = {}): Promise<Readable> {
    const { registryconfig, ...query } = opts;
    const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
    if (registryconfig) headers['X-Registry-Config'] = Buffer.from(JSON.stringify(registryconfig)).toString('base64');
    return this.modem.dial({ method: 'POST', path: '/build', query, body: context, headers, expect: 'stream' });
  }
  pruneImages(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<ImagePruneResponse>({ method: 'POST', path: '/images/prune', query: opts as Q }); }
  searchImages(opts: { term: string; limit?: number; filters?: Record<string, string[]>; authconfig?: AuthConfig }) {
    const { authconfig, ...query } = opts;
    return this.modem.dial<ImageSearchResult[]>({ method: 'GET', path: '/images/search', query: query as Q, headers: { 'X-Registry-Auth': registryAuth(authconfig) } });
  }
  checkAuth(auth: AuthConfig) { return this.modem.dial<AuthResponse>({ method: 'POST', path: '/auth', body: auth }); }

  createNetwork(opts: NetworkCreateRequest): Promise<Network> {
    return this.modem.dial<NetworkCreateResponse>({ method: 'POST', path: '/networks/create', body: opts }).then((r) => new Network(this.modem, r.Id));
  }
  listNetworks(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<NetworkInfo[]>({ method: 'GET', path: '/networks', query: opts as Q }); }
  pruneNetworks(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<NetworkPruneResponse>({ method: 'POST', path: '/networks/prune', query: opts as Q }); }

  createVolume(opts: VolumeCreateRequest = {}) { return this.modem.dial<VolumeInfo>({ method: 'POST', path: '/volumes/create', body: opts }); }
  listVolumes(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<VolumeListResponse>({ method: 'GET', path: '/volumes', query: opts as Q }); }
  pruneVolumes(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<VolumePruneResponse>({ method: 'POST', path: '/volumes/prune', query: opts as Q }); }

  followProgress(stream: NodeJS.ReadableStream, onFinished: (err: Error | null, output: ProgressEvent[]) => void, onProgress?: (e: ProgressEvent) => void) {
    this.modem.followProgress(stream, onFinished, onProgress);
  }
}
