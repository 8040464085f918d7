/** dockerode's Docker class: the entry point of the client API. */
import type { Readable } from 'node:stream';
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
  version<T = any>() { return this.modem.dial<T>({ method: 'GET', path: '/version' }); }
  info<T = any>() { return this.modem.dial<T>({ method: 'GET', path: '/info' }); }
  df<T = any>(opts: Q = {}) { return this.modem.dial<T>({ method: 'GET', path: '/system/df', query: opts }); }
  getEvents(opts: { since?: number | string; until?: number | string; filters?: Record<string, string[]> } = {}): Promise<Readable> {
    return this.modem.dial({ method: 'GET', path: '/events', query: opts as Q, expect: 'stream' });
  }

  getContainer(id: string) { return new Container(this.modem, id); }
  getImage(name: string) { return new Image(this.modem, name); }
  getNetwork(id: string) { return new Network(this.modem, id); }
  getVolume(name: string) { return new Volume(this.modem, name); }
  getExec(id: string) { return new Exec(this.modem, id); }

  async createContainer(opts: Record<string, unknown> & { name?: string; platform?: string }): Promise<Container> {
    const { name, platform, ...body } = opts;
    const r = await this.modem.dial<{ Id: string; Warnings: string[] }>({ method: 'POST', path: '/containers/create', query: { name, platform }, body });
    const c = new Container(this.modem, r.Id);
    (c as Container & { warnings?: string[] }).warnings = r.Warnings ?? [];
    return c;
  }
  listContainers<T = any[]>(opts: { all?: boolean; limit?: number; size?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.modem.dial<T>({ method: 'GET', path: '/containers/json', query: opts as Q });
  }
  pruneContainers<T = any>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'POST', path: '/containers/prune', query: opts as Q }); }

  listImages<T = any[]>(opts: { all?: boolean; digests?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.modem.dial<T>({ method: 'GET', path: '/images/json', query: opts as Q });
  }
  /** POST /images/create: pull (fromImage) or import (fromSrc); returns the progress stream. */
  createImage(opts: Q & { authconfig?: Record<string, unknown> }, body?: Readable | Buffer): Promise<Readable> {
    const { authconfig, ...query } = opts;
    return this.modem.dial({ method: 'POST', path: '/images/create', query, body, headers: { 'X-Registry-Auth': registryAuth(authconfig) }, expect: 'stream' });
  }
  pull(repoTag: string, opts: { authconfig?: Record<string, unknown>; platform?: string } = {}): Promise<Readable> {
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
  buildImage(context: Readable | Buffer, opts: Q & { registryconfig?: Record<string, unknown> } = {}): Promise<Readable> {
    const { registryconfig, ...query } = opts;
    const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
    if (registryconfig) headers['X-Registry-Config'] = Buffer.from(JSON.stringify(registryconfig)).toString('base64');
    return this.modem.dial({ method: 'POST', path: '/build', query, body: context, headers, expect: 'stream' });
  }
  pruneImages<T = any>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'POST', path: '/images/prune', query: opts as Q }); }
  searchImages<T = any[]>(opts: { term: string; limit?: number; filters?: Record<string, string[]>; authconfig?: Record<string, unknown> }) {
    const { authconfig, ...query } = opts;
    return this.modem.dial<T>({ method: 'GET', path: '/images/search', query: query as Q, headers: { 'X-Registry-Auth': registryAuth(authconfig) } });
  }
  checkAuth<T = any>(auth: Record<string, unknown>) { return this.modem.dial<T>({ method: 'POST', path: '/auth', body: auth }); }

  createNetwork(opts: Record<string, unknown>): Promise<Network> {
    return this.modem.dial<{ Id: string }>({ method: 'POST', path: '/networks/create', body: opts }).then((r) => new Network(this.modem, r.Id));
  }
  listNetworks<T = any[]>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'GET', path: '/networks', query: opts as Q }); }
  pruneNetworks<T = any>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'POST', path: '/networks/prune', query: opts as Q }); }

  createVolume<T = any>(opts: Record<string, unknown> = {}) { return this.modem.dial<T>({ method: 'POST', path: '/volumes/create', body: opts }); }
  listVolumes<T = any>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'GET', path: '/volumes', query: opts as Q }); }
  pruneVolumes<T = any>(opts: { filters?: Record<string, string[]> } = {}) { return this.modem.dial<T>({ method: 'POST', path: '/volumes/prune', query: opts as Q }); }

  followProgress(stream: NodeJS.ReadableStream, onFinished: (err: Error | null, output: ProgressEvent[]) => void, onProgress?: (e: ProgressEvent) => void) {
    this.modem.followProgress(stream, onFinished, onProgress);
  }
}
