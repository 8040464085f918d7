/**
 * NetworkService: networks (bridge, host, none and user-defined bridges) on disk, the default
 * bridge `berth0`, endpoints of containers (veth pairs into Berth-made network namespaces),
 * published ports (host sockets handed to the container's monitor + DNAT), iptables in Berth's
 * chains, an embedded DNS server per user-defined network. It implements ContainerService's
 * NetworkAttacher seam.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Conflict, Forbidden, InvalidArgument, NotFound, SystemError } from '@berth/shared';
import type { DaemonConfig } from '../config.js';
import type { ContainerRef } from '../containers/seams.js';
import { log } from '../log.js';
import { allocateAddress, allocateSubnet, formatCidr, isValidMac, macFromIp, normalizeConfig, overlaps, parseCidr, type Cidr } from './ipam.js';
import { allocateAddress6, allocateUla, firstAddr6, formatCidr6, normalizeIp6, overlaps6, parseCidr6, type Cidr6 } from './ipam6.js';
import { validateIpamConfig } from './ipam-config.js';
import { Iptables, type RuleState } from './iptables.js';
import { netlink } from './netlink.js';
import { createVeth, deleteLink, ensureBridge, nextIfName } from './bridge.js';
import { NetworkStore, type ContainerNet, type EndpointState } from './store.js';
import { DnsServer } from './dns-server.js';
import { hostResolvConf, renderHosts, renderResolvConf, usableNameservers } from './etc-files.js';
import { inspectPorts, portRequests, type PortMapping } from './ports.js';
import { bindHostPort, joinHostPort } from './host-ports.js';
import { linkEnv, parseLink } from './links.js';
import type { PortForward } from '../runtime/monitor.js';
import { writeAtomicSync } from '../storage/atomic.js';
import type { ContainerLookup, EndpointSettings, IpamConfigEntry, NetworkRecord, NetworkSettings } from './types.js';
import { noEvents, type Actions, type Attributes, type EventSink } from '../events/types.js';
import type { Network, NetworkContainer, NetworkCreateResponse, NetworkPruneResponse } from '@berth/shared/api/types';

export const DEFAULT_BRIDGE = 'berth0';
const PREDEFINED = new Set(['bridge', 'host', 'none']);
const newId = () => randomBytes(32).toString('hex');
const nowIso = () => new Date().toISOString();
const bareName = (n: string) => n.replace(/^\//, '');
const isUserBridge = (n: NetworkRecord) => n.Driver === 'bridge' && n.Name !== 'bridge';
const isV6 = (subnet: string) => subnet.includes(':');
type Pool = IpamConfigEntry & { Gateway: string };
/** The network's IPv4 pool: its first IPv4 IPAM entry. */
const pool4 = (n: NetworkRecord) => n.IPAM.Config.find((c) => !isV6(c.Subnet)) as Pool | undefined;
/** The IPv6 pool of a network with IPv6 enabled. */
const pool6 = (n: NetworkRecord) => (n.EnableIPv6 ? n.IPAM.Config.find((c) => isV6(c.Subnet)) as Pool | undefined : undefined);
/** Addresses an IPAM entry keeps from endpoints: its auxiliary addresses. */
const auxAddresses = (n: NetworkRecord) => n.IPAM.Config.flatMap((c) => Object.values(c.AuxiliaryAddresses ?? {}));

export interface CreateNetworkBody {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: Record<string, string> }[]; Options?: Record<string, string> };
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

export class NetworkService {
  private readonly store: NetworkStore;
  private readonly nets = new Map<string, NetworkRecord>();
  private readonly ctrs = new Map<string, ContainerNet>();
  private readonly dns = new Map<string, DnsServer>();
  private readonly ipt: Iptables;
  private readonly netnsDir: string;
  private lookup?: ContainerLookup;

  constructor(private readonly config: DaemonConfig, private readonly events: EventSink = noEvents) {
    this.store = new NetworkStore(path.join(config.dataRoot, 'network'));
    this.ipt = new Iptables(config.iptables);
    this.netnsDir = path.join(config.execRoot, 'netns');
  }

  setContainerLookup(l: ContainerLookup): void { this.lookup = l; }

  /** moby's LogNetworkEventWithAttributes: the network's name and driver type. */
  private log(action: Actions['network'], n: NetworkRecord, extra: Attributes = {}): void {
    this.events.emit('network', action, n.Id, { ...extra, name: n.Name, type: n.Driver });
  }

  // ── start / stop ──────────────────────────────────────────────────────────
  async init(): Promise<void> {
    fs.mkdirSync(this.netnsDir, { recursive: true, mode: 0o700 });
    for (const n of this.store.networks()) this.nets.set(n.Id, n);
    for (const c of this.store.containers()) this.ctrs.set(c.id, c);
    this.ensurePredefined();
    if (this.config.ipForward) {
      try { fs.writeFileSync('/proc/sys/net/ipv4/ip_forward', '1'); } catch (e) { log.warn('cannot enable ip_forward', { error: String(e) }); }
    }
    for (const n of this.nets.values()) if (n.Driver === 'bridge') this.bringUp(n);
    // Running state whose netns is gone (host reboot, crash) is dropped.
    for (const c of this.ctrs.values()) {
      if (c.netnsPath && !fs.existsSync(c.netnsPath)) { this.clearRuntime(c); this.store.saveContainer(c); }
    }
    this.removeStale();
    // Published ports of running containers are held by their monitors: st.ports says which.
    await this.applyRules();
    for (const n of this.nets.values()) if (isUserBridge(n)) await this.startDns(n);
  }

  async shutdown(): Promise<void> {
    for (const s of this.dns.values()) await s.stop();
    this.dns.clear();
    // Containers outlive berthd: their links, rules and published ports stay while any runs.
    if ([...this.ctrs.values()].some((c) => c.endpoints && Object.keys(c.endpoints).length)) return;
    await this.ipt.removeAll().catch((e) => log.warn('iptables cleanup failed', { error: String(e) }));
    for (const n of this.nets.values()) if (n.Driver === 'bridge') deleteLink(this.bridgeOf(n));
  }

  private ensurePredefined(): void {
    const byName = (name: string) => [...this.nets.values()].find((n) => n.Name === name);
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
      if (!byName(name)) this.save(this.record({ Name: name, Driver: driver, config: [], options: {} }));
    }
    const existing = byName('bridge');
    const wanted = this.defaultBridgeConfig(existing);
    if (!existing || existing.IPAM.Config[0]?.Subnet !== wanted.Subnet || existing.IPAM.Config[0]?.Gateway !== wanted.Gateway) {
      const rec = this.record({
        Name: 'bridge', Driver: 'bridge', config: [wanted],
        options: {
          'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': DEFAULT_BRIDGE, 'com.docker.network.driver.mtu': String(this.config.mtu),
        },
      });
      if (existing) { rec.Id = existing.Id; rec.Created = existing.Created; }
      this.save(rec);
    }
  }

  /** `bip`, else the subnet berth0 already has, else 172.17.0.0/16 or the next free pool subnet. */
  private defaultBridgeConfig(existing?: NetworkRecord): { Subnet: string; Gateway: string } {
    if (this.config.bip) {
      const c = parseCidr(this.config.bip);
      const gw = this.config.bip.split('/')[0]!;
      return { Subnet: formatCidr(c), Gateway: gw === formatCidr(c).split('/')[0] ? formatCidr({ base: c.base + 1, prefix: 32 }).split('/')[0]! : gw };
    }
    const idx = netlink().linkIndex(DEFAULT_BRIDGE);
    if (existing?.IPAM.Config[0] && idx) return existing.IPAM.Config[0] as { Subnet: string; Gateway: string };
    const sub = allocateSubnet(this.config.defaultAddressPools, this.usedSubnets(['bridge']));
    if (!sub) throw new SystemError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    return { Subnet: formatCidr(sub), Gateway: formatCidr({ base: sub.base + 1, prefix: 32 }).split('/')[0]! };
  }

  /** Subnets of other networks and of the host's routes (except those through Berth's own bridges). */
  private usedSubnets(exceptNames: string[] = []): Cidr[] {
    const ours = new Set<number>();
    const nl = netlink();
    for (const n of this.nets.values()) if (n.Driver === 'bridge') { const i = nl.linkIndex(this.bridgeOf(n)); if (i) ours.add(i); }
    const used: Cidr[] = nl.routes().filter((r) => r.family === 4 && r.prefix > 0 && !ours.has(r.oif)).map((r) => ({ base: parseCidr(`${r.dst}/${r.prefix}`).base, prefix: r.prefix }));
    for (const n of this.nets.values()) {
      if (exceptNames.includes(n.Name)) continue;
      for (const c of n.IPAM.Config) if (!isV6(c.Subnet)) used.push(parseCidr(c.Subnet));
    }
    return used;
  }

  /** IPv6 subnets of the other networks. */
  private usedSubnets6(): Cidr6[] {
    return [...this.nets.values()].flatMap((n) => n.IPAM.Config.filter((c) => isV6(c.Subnet)).map((c) => parseCidr6(c.Subnet)));
  }

  private record(o: { Name: string; Driver: NetworkRecord['Driver']; config: NetworkRecord['IPAM']['Config']; options: Record<string, string>;
    internal?: boolean; attachable?: boolean; labels?: Record<string, string>; ipv6?: boolean }): NetworkRecord {
    return {
      Name: o.Name, Id: newId(), Created: nowIso(), Scope: 'local', Driver: o.Driver, EnableIPv4: true, EnableIPv6: !!o.ipv6,
      IPAM: { Driver: 'default', Options: null, Config: o.config }, Internal: !!o.internal, Attachable: !!o.attachable,
      Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Options: o.options, Labels: o.labels ?? {},
    };
  }

  private save(n: NetworkRecord): void { this.store.saveNetwork(n); this.nets.set(n.Id, n); }

  bridgeOf(n: NetworkRecord): string { return n.Options['com.docker.network.bridge.name'] || `br-${n.Id.slice(0, 12)}`; }

  /** The bridge with its gateway addresses (IPv6 too when enabled: then the netns forwards IPv6, as dockerd sets it). */
  private bringUp(n: NetworkRecord): void {
    const v4 = pool4(n)!;
    const v6 = pool6(n);
    const addrs = [{ ip: v4.Gateway, prefix: parseCidr(v4.Subnet).prefix }];
    if (v6) {
      addrs.push({ ip: v6.Gateway, prefix: parseCidr6(v6.Subnet).prefix });
      if (this.config.ipForward) {
        try { fs.writeFileSync('/proc/sys/net/ipv6/conf/all/forwarding', '1'); } catch (e) { log.warn('cannot enable IPv6 forwarding', { error: String(e) }); }
      }
    }
    ensureBridge(this.bridgeOf(n), addrs, Number(n.Options['com.docker.network.driver.mtu'] ?? this.config.mtu) || 1500);
  }

  /** Veths on our bridges that no endpoint owns, and netns files no container owns (a crash's leftovers). */
  private removeStale(): void {
    const nl = netlink();
    const bridges = new Set<number>();
    for (const n of this.nets.values()) if (n.Driver === 'bridge') { const i = nl.linkIndex(this.bridgeOf(n)); if (i) bridges.add(i); }
    const known = new Set<string>();
    const netns = new Set<string>();
    for (const c of this.ctrs.values()) {
      for (const ep of Object.values(c.endpoints ?? {})) known.add(ep.hostVeth);
      if (c.netnsPath) netns.add(c.netnsPath);
    }
    for (const l of nl.links()) if (l.kind === 'veth' && bridges.has(l.master) && !known.has(l.name)) deleteLink(l.name);
    for (const f of fs.readdirSync(this.netnsDir)) {
      const p = path.join(this.netnsDir, f);
      if (!netns.has(p)) { try { nl.netnsDelete(p); } catch (e) { log.warn('stale netns removal failed', { path: p, error: String(e) }); } }
    }
  }

  // ── iptables & DNS ────────────────────────────────────────────────────────
  private ruleState(): RuleState {
    const st: RuleState = { bridges: [], ports: [] };
    for (const n of this.nets.values()) {
      if (n.Driver !== 'bridge') continue;
      st.bridges.push({ bridge: this.bridgeOf(n), subnet: pool4(n)!.Subnet, subnet6: pool6(n)?.Subnet, internal: n.Internal });
    }
    for (const c of this.ctrs.values()) {
      const ep = this.primaryEndpoint(c);
      if (!ep || !c.ports?.length) continue;
      const n = this.nets.get(ep.networkId)!;
      for (const p of c.ports) {
        // IPv6 host addresses DNAT to the container's IPv6 address; to an IPv4-only one, only the monitor's proxy serves them.
        const containerIp = isV6(p.hostIp) ? ep.ip6 : ep.ip;
        if (containerIp) st.ports.push({ bridge: this.bridgeOf(n), proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp, containerPort: p.containerPort });
      }
    }
    return st;
  }

  private applyRules(): Promise<void> { return this.ipt.apply(this.ruleState()); }

  private async startDns(n: NetworkRecord): Promise<void> {
    if (this.dns.has(n.Id)) return;
    const server = new DnsServer(pool4(n)!.Gateway, { lookup: (client, name) => this.resolve(n.Id, client, name) });
    try {
      await server.start();
      this.dns.set(n.Id, server);
    } catch (e) {
      log.warn('embedded DNS server failed to start', { network: n.Name, error: String(e) });
    }
  }

  /**
   * A query to network `netId`'s DNS server from `clientIp`: names of containers sharing any
   * user-defined network with the client (that network's own answers first), as Docker's resolver
   * does. The client's own link aliases (`--link name:alias` on a user-defined network) come
   * first and only for it; a name that is one of its aliases on a network is not looked up there
   * as a container name (libnetwork's Sandbox.ResolveName).
   */
  private resolve(netId: string, clientIp: string, name: string): { addresses: string[]; addresses6: string[]; upstream: string[] } | null {
    const client = [...this.ctrs.values()].find((c) => c.endpoints?.[netId]?.ip === clientIp);
    if (!client) return null;
    const nets = [netId, ...Object.keys(client.endpoints ?? {}).filter((id) => id !== netId && isUserBridge(this.nets.get(id)!))];
    const upstream = client.dns?.length ? client.dns : usableNameservers(hostResolvConf().nameservers);
    for (const id of nets) {
      const target = linkAliases(client.networks[id]?.Links)[name];
      const eps = target === undefined ? [] : this.endpointsNamed(id, target);
      if (eps.length) return { addresses: eps.map((e) => e.ip), addresses6: eps.flatMap((e) => (e.ip6 ? [e.ip6] : [])), upstream };
    }
    for (const id of nets) {
      if (name in linkAliases(client.networks[id]?.Links)) continue;
      const eps = this.endpointsNamed(id, name);
      if (eps.length) return { addresses: eps.map((e) => e.ip), addresses6: eps.flatMap((e) => (e.ip6 ? [e.ip6] : [])), upstream };
    }
    return { addresses: [], addresses6: [], upstream };
  }

  /** Endpoints on network `netId` of the containers known there as `name` (name, short ID, alias; any case). */
  private endpointsNamed(netId: string, name: string): EndpointState[] {
    const out: EndpointState[] = [];
    for (const c of this.ctrs.values()) {
      const ep = c.endpoints?.[netId];
      if (ep && !out.includes(ep) && this.dnsNames(c, netId).some((n) => n.toLowerCase() === name)) out.push(ep);
    }
    return out;
  }

  private dnsNames(c: ContainerNet, netId: string): string[] {
    return [c.name, c.id.slice(0, 12), ...(c.networks[netId]?.Aliases ?? [])];
  }

  // ── lookups ───────────────────────────────────────────────────────────────
  /** By full ID, exact name, then unique ID prefix (Docker's order). */
  find(ref: string): NetworkRecord {
    const all = [...this.nets.values()];
    const hit = all.find((n) => n.Id === ref) ?? all.find((n) => n.Name === ref);
    if (hit) return hit;
    const pre = ref ? all.filter((n) => n.Id.startsWith(ref)) : [];
    if (pre.length === 1) return pre[0]!;
    if (pre.length > 1) throw new NotFound(`network ${ref} is ambiguous (${pre.length} matches found based on ID prefix)`);
    throw new NotFound(`network ${ref} not found`);
  }

  private containerRef(ref: string): ContainerRef {
    const c = this.lookup?.find(ref);
    if (!c) throw new NotFound(`No such container: ${ref}`);
    return c;
  }

  private primaryEndpoint(c: ContainerNet): EndpointState | undefined {
    const first = Object.keys(c.networks).find((id) => c.endpoints?.[id]);
    return first ? c.endpoints![first] : undefined;
  }

  // ── the networks API ──────────────────────────────────────────────────────
  list(filters: Map<string, string[]> = new Map()): Network[] {
    const known = new Set(['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling']);
    for (const k of filters.keys()) if (!known.has(k)) throw new InvalidArgument(`invalid filter '${k}'`);
    const match = (key: string, pred: (v: string) => boolean) => !filters.has(key) || filters.get(key)!.some(pred);
    for (const v of filters.get('type') ?? []) if (v !== 'custom' && v !== 'builtin') throw new InvalidArgument(`invalid filter: 'type'='${v}'`);
    for (const v of filters.get('dangling') ?? []) if (!['true', 'false', '1', '0'].includes(v.toLowerCase())) throw new InvalidArgument(`invalid filter 'dangling=${v}'`);
    return [...this.nets.values()].filter((n) =>
      match('driver', (v) => v === n.Driver)
      && match('id', (v) => n.Id.startsWith(v))
      && match('name', (v) => n.Name.includes(v))
      && match('scope', (v) => v === n.Scope)
      && match('type', (v) => (v === 'builtin') === PREDEFINED.has(n.Name))
      && match('label', (v) => { const i = v.indexOf('='); return i < 0 ? v in n.Labels : n.Labels[v.slice(0, i)] === v.slice(i + 1); })
      && match('dangling', (v) => (['true', '1'].includes(v.toLowerCase())) === (!PREDEFINED.has(n.Name) && !this.inUse(n.Id))),
    ).sort((a, b) => a.Created.localeCompare(b.Created)).map((n) => ({ ...n, Containers: {} }));
  }

  inspect(ref: string): Network {
    const n = this.find(ref);
    const containers: Record<string, NetworkContainer> = {};
    for (const c of this.ctrs.values()) {
      const ep = c.endpoints?.[n.Id];
      if (!ep) continue;
      containers[c.id] = { Name: c.name, EndpointID: ep.endpointId, MacAddress: ep.mac, IPv4Address: ep.ip ? `${ep.ip}/${ep.prefix}` : '',
        IPv6Address: ep.ip6 ? `${ep.ip6}/${ep.prefix6}` : '' };
    }
    return { ...n, Containers: containers };
  }

  private inUse(netId: string): boolean {
    return [...this.ctrs.values()].some((c) => netId in c.networks);
  }

  private activeEndpoints(netId: string): ContainerNet[] {
    return [...this.ctrs.values()].filter((c) => c.endpoints?.[netId]);
  }

  async create(body: CreateNetworkBody): Promise<NetworkCreateResponse> {
    const name = body.Name ?? '';
    if (!name) throw new InvalidArgument('network name is required');
    const driver = body.Driver || 'bridge';
    if (PREDEFINED.has(name) || [...this.nets.values()].some((n) => n.Name === name)) throw new Conflict(`network with name ${name} already exists`);
    if (driver === 'host' || driver === 'null') throw new Forbidden(`only one instance of "${driver}" network is allowed`);
    if (driver !== 'bridge') throw new NotFound(`plugin "${driver}" not found`);
    const ipv6 = !!body.EnableIPv6;
    const entries = (body.IPAM?.Config ?? []).filter((c) => c.Subnet);
    validateIpamConfig(entries as IpamConfigEntry[], ipv6);
    // moby's order: the IPv4 entries given, the IPv6 ones given, then the pools allocated for a family with none given.
    const config: IpamConfigEntry[] = [];
    const given4 = entries.filter((c) => !isV6(c.Subnet!));
    const given6 = ipv6 ? entries.filter((c) => isV6(c.Subnet!)) : [];
    const used = this.usedSubnets();
    for (const c of given4) {
      const cfg: IpamConfigEntry = normalizeConfig({ Subnet: c.Subnet!, Gateway: c.Gateway, IPRange: c.IPRange });
      if (used.some((u) => overlaps(u, parseCidr(cfg.Subnet)))) throw new Forbidden('invalid pool request: Pool overlaps with other one on this address space');
      config.push(withAux(cfg, c.AuxiliaryAddresses));
    }
    const used6 = this.usedSubnets6();
    for (const c of given6) {
      const sub = parseCidr6(c.Subnet!);
      if (used6.some((u) => overlaps6(u, sub))) throw new Forbidden('invalid pool request: Pool overlaps with other one on this address space');
      const cfg: IpamConfigEntry = { Subnet: formatCidr6(sub), Gateway: c.Gateway ? normalizeIp6(c.Gateway) : firstAddr6(sub) };
      if (c.IPRange) cfg.IPRange = formatCidr6(parseCidr6(c.IPRange));
      config.push(withAux(cfg, c.AuxiliaryAddresses));
    }
    if (!given4.length) {
      const sub = allocateSubnet(this.config.defaultAddressPools, used);
      if (!sub) throw new Forbidden('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      config.push({ Subnet: formatCidr(sub), Gateway: formatCidr({ base: sub.base + 1, prefix: 32 }).split('/')[0]! });
    }
    if (ipv6 && !given6.length) {
      const sub = allocateUla(used6);
      config.push({ Subnet: formatCidr6(sub), Gateway: firstAddr6(sub) });
    }
    const options = { ...(body.Options ?? {}) };
    const bridgeName = options['com.docker.network.bridge.name'];
    if (bridgeName) {
      if (bridgeName.length > 15 || !/^[\w.-]+$/.test(bridgeName)) throw new InvalidArgument(`invalid bridge name: ${bridgeName}`);
      if ([...this.nets.values()].some((n) => n.Driver === 'bridge' && this.bridgeOf(n) === bridgeName) || netlink().linkIndex(bridgeName)) {
        throw new Forbidden(`bridge name ${bridgeName} is already in use`);
      }
    }
    const rec = this.record({ Name: name, Driver: 'bridge', config, options, internal: body.Internal, attachable: body.Attachable, labels: body.Labels, ipv6 });
    try {
      this.bringUp(rec);
      this.save(rec);
      await this.applyRules();
      await this.startDns(rec);
    } catch (e) {
      this.nets.delete(rec.Id);
      this.store.deleteNetwork(rec.Id);
      deleteLink(this.bridgeOf(rec));
      await this.applyRules().catch(() => undefined);
      throw e;
    }
    this.log('create', rec);
    return { Id: rec.Id, Warning: '' };
  }

  async remove(ref: string): Promise<void> {
    const n = this.find(ref);
    if (PREDEFINED.has(n.Name)) throw new Forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
    if (this.activeEndpoints(n.Id).length) throw new Forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    await this.dns.get(n.Id)?.stop();
    this.dns.delete(n.Id);
    this.nets.delete(n.Id);
    this.store.deleteNetwork(n.Id);
    deleteLink(this.bridgeOf(n));
    await this.applyRules();
    this.log('destroy', n);
  }

  async prune(filters: Map<string, string[]> = new Map()): Promise<NetworkPruneResponse> {
    for (const k of filters.keys()) if (k !== 'until' && k !== 'label' && k !== 'label!') throw new InvalidArgument(`invalid filter '${k}'`);
    const until = filters.get('until')?.[0];
    const untilMs = until ? (/^\d+(\.\d+)?$/.test(until) ? Number(until) * 1000 : Date.parse(until)) : undefined;
    const deleted: string[] = [];
    for (const n of [...this.nets.values()]) {
      if (PREDEFINED.has(n.Name) || this.inUse(n.Id)) continue;
      if (untilMs !== undefined && Date.parse(n.Created) >= untilMs) continue;
      const labelOk = (v: string) => { const i = v.indexOf('='); return i < 0 ? v in n.Labels : n.Labels[v.slice(0, i)] === v.slice(i + 1); };
      if (filters.has('label') && !filters.get('label')!.every(labelOk)) continue;
      if (filters.has('label!') && filters.get('label!')!.some(labelOk)) continue;
      await this.remove(n.Id);
      deleted.push(n.Name);
    }
    this.events.emit('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted };
  }

  async connect(ref: string, body: { Container?: string; EndpointConfig?: Partial<EndpointSettings> }): Promise<void> {
    const n = this.find(ref);
    const c = this.containerRef(body.Container ?? '');
    const mode = c.hc.NetworkMode;
    if (n.Driver !== 'bridge') throw new Forbidden('container cannot be disconnected from host network or connected to host network');
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
      throw new Forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const st = this.stateOf(c);
    if (n.Id in st.networks) throw new Forbidden(`endpoint with name ${st.name} already exists in network ${n.Name}`);
    const cfg = this.checkEndpointConfig(n, body.EndpointConfig ?? {});
    st.networks[n.Id] = cfg;
    if (c.rec.State.Running && st.netnsPath) {
      try {
        await this.addEndpoint(st, n, !this.primaryEndpoint(st));
      } catch (e) {
        delete st.networks[n.Id];
        throw e;
      }
      this.log('connect', n, { container: c.rec.Id });
    }
    this.store.saveContainer(st);
    await this.applyRules();
  }

  async disconnect(ref: string, body: { Container?: string; Force?: boolean }): Promise<void> {
    const n = this.find(ref);
    const c = this.containerRef(body.Container ?? '');
    const st = this.stateOf(c);
    if (!(n.Id in st.networks)) throw new Forbidden(`container ${c.rec.Id} is not connected to network ${n.Name}`);
    if (n.Driver !== 'bridge') throw new Forbidden('container cannot be disconnected from host network or connected to host network');
    const ep = st.endpoints?.[n.Id];
    if (ep) {
      deleteLink(ep.hostVeth);
      delete st.endpoints![n.Id];
    }
    delete st.networks[n.Id];
    this.store.saveContainer(st);
    await this.applyRules();
    this.log('disconnect', n, { container: c.rec.Id });
  }

  // ── the NetworkAttacher seam ──────────────────────────────────────────────
  /** At create: validate the network mode and endpoint configs, remember them. */
  register(c: ContainerRef, networking?: { EndpointsConfig?: Record<string, Partial<EndpointSettings>> | null } | null): { warnings: string[] } {
    const warnings: string[] = [];
    const mode = c.hc.NetworkMode || 'bridge';
    const eps = networking?.EndpointsConfig ?? {};
    const st: ContainerNet = { id: c.rec.Id, name: bareName(c.rec.Name), networks: {} };
    const ports = Object.keys(c.hc.PortBindings ?? {}).length > 0;
    if (mode === 'host') {
      if (ports) warnings.push('Published ports are discarded when using host network mode');
      st.networks[this.find('host').Id] = {};
    } else if (mode === 'none') {
      st.networks[this.find('none').Id] = {};
    } else if (mode.startsWith('container:')) {
      if (ports || c.hc.PublishAllPorts) throw new InvalidArgument('conflicting options: port publishing and the container type network mode');
      if (this.lookup && !this.lookup.find(mode.slice('container:'.length))) throw new NotFound(`No such container: ${mode.slice('container:'.length)}`);
    } else {
      const primary = this.find(mode);
      if (primary.Driver !== 'bridge') throw new InvalidArgument(`network mode ${mode} is not supported`);
      const isDefault = primary.Name === 'bridge';
      if (isDefault) this.checkLegacyLinks(c);
      st.networks[primary.Id] = this.checkEndpointConfig(primary, eps[mode] ?? eps[primary.Name] ?? eps[primary.Id] ?? (isDefault ? eps.default : undefined) ?? {}, c.rec.Config.MacAddress);
      for (const [key, cfg] of Object.entries(eps)) {
        if (key === 'default' && isDefault) continue;
        const n = this.find(key);
        if (n.Id in st.networks) continue;
        if (n.Driver !== 'bridge') throw new InvalidArgument(`container cannot be connected to network ${n.Name}`);
        st.networks[n.Id] = this.checkEndpointConfig(n, cfg);
      }
    }
    this.ctrs.set(st.id, st);
    this.store.saveContainer(st);
    return { warnings };
  }

  /** dockerd's registerLinks at create: each linked container exists (through container: modes) and is not on the host's network. */
  private checkLegacyLinks(c: ContainerRef): void {
    for (const l of c.hc.Links ?? []) {
      const { name } = parseLink(l);
      let child = this.lookup?.find(name);
      if (!child) throw new InvalidArgument(`could not get container for ${name}: No such container: ${name}`);
      for (let hops = 0; child.hc.NetworkMode.startsWith('container:') && hops < 16; hops++) {
        const id = child.hc.NetworkMode.slice('container:'.length);
        child = this.lookup?.find(id);
        if (!child) throw new InvalidArgument(`could not get container for ${id}: No such container: ${id}`);
      }
      if (child.hc.NetworkMode === 'host') {
        throw new InvalidArgument("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
      }
    }
  }

  private checkEndpointConfig(n: NetworkRecord, cfg: Partial<EndpointSettings>, legacyMac?: string): Partial<EndpointSettings> {
    const ip = cfg.IPAMConfig?.IPv4Address;
    const ip6 = cfg.IPAMConfig?.IPv6Address;
    const user = isUserBridge(n);
    if ((ip || ip6) && !user) throw new InvalidArgument('user specified IP address is supported on user defined networks only');
    if (cfg.Aliases?.length && !user) throw new InvalidArgument('network-scoped alias is supported only for containers in user defined networks');
    if (ip) allocateAddress(pool4(n)!, this.usedIps(n.Id), ip);
    if (ip6) {
      const v6 = pool6(n);
      if (!v6) throw new InvalidArgument(`invalid endpoint settings:\nno configured subnet contains IP address ${ip6}`);
      allocateAddress6(v6, this.usedIps(n.Id, 6), ip6);
    }
    const mac = cfg.MacAddress || legacyMac || '';
    if (mac && !isValidMac(mac)) throw new InvalidArgument(`invalid MAC address: ${mac}`);
    const out: Partial<EndpointSettings> = {};
    if (cfg.IPAMConfig) out.IPAMConfig = cfg.IPAMConfig;
    if (cfg.Aliases?.length) out.Aliases = cfg.Aliases;
    if (cfg.Links?.length) out.Links = cfg.Links;
    if (cfg.DriverOpts && Object.keys(cfg.DriverOpts).length) out.DriverOpts = cfg.DriverOpts;
    if (mac) out.MacAddress = mac;
    return out;
  }

  /** Addresses of the network's endpoints and its auxiliary addresses (reserved, never handed out). */
  private usedIps(netId: string, family: 4 | 6 = 4): Set<string> {
    const s = new Set<string>();
    for (const c of this.ctrs.values()) {
      const ep = c.endpoints?.[netId];
      const ip = family === 4 ? ep?.ip : ep?.ip6;
      if (ip) s.add(ip);
    }
    const n = this.nets.get(netId);
    for (const a of n ? auxAddresses(n) : []) if (isV6(a) === (family === 6)) s.add(a);
    return s;
  }

  /** The container's state; one is made from NetworkMode when create did not register it. */
  private stateOf(c: ContainerRef): ContainerNet {
    const st = this.ctrs.get(c.rec.Id);
    if (st) return st;
    this.register(c);
    return this.ctrs.get(c.rec.Id)!;
  }

  /**
   * At start: netns, endpoints, ports, /etc/hosts and /etc/resolv.conf. Nothing is left half-made
   * on failure. The published ports' host sockets come back as `forwards`: the caller hands them
   * to the container's monitor and closes its own copies.
   */
  async prepare(c: ContainerRef): Promise<{ netnsPath?: string; forwards?: PortForward[]; env?: string[] }> {
    const st = this.stateOf(c);
    const mode = c.hc.NetworkMode;
    if (st.netnsPath) await this.release(c);
    if (mode === 'host') {
      this.writeFiles(c, { hosts: readOr('/etc/hosts', renderHosts({ ips: [], hostname: c.rec.Config.Hostname })), resolv: readOr('/etc/resolv.conf', '') });
      return {};
    }
    if (mode.startsWith('container:')) {
      const other = this.containerRef(mode.slice('container:'.length));
      if (!other.rec.State.Running) throw new Conflict(`cannot join network namespace of a non running container: ${other.rec.Id}`);
      const ost = this.ctrs.get(other.rec.Id);
      this.writeFiles(c, { hosts: readOr(other.rec.HostsPath, ''), resolv: readOr(other.rec.ResolvConfPath, '') });
      if (other.hc.NetworkMode === 'host') return {};
      return { netnsPath: ost?.netnsPath ?? `/proc/${other.rec.State.Pid}/ns/net` };
    }
    if (mode === 'none') {
      // Only lo: the launcher's fresh network namespace is exactly that, and costs nothing extra.
      st.endpoints = {};
      st.ports = [];
      st.dns = c.hc.Dns ?? [];
      st.hostname = c.rec.Config.Hostname;
      this.writeFiles(c, this.files(c, st));
      return {};
    }
    const netnsPath = path.join(this.netnsDir, c.rec.Id.slice(0, 12));
    try { netlink().netnsDelete(netnsPath); } catch { /* not there */ }
    netlink().netnsCreate(netnsPath);
    st.netnsPath = netnsPath;
    st.endpoints = {};
    st.ports = [];
    st.dns = c.hc.Dns ?? [];
    st.hostname = c.rec.Config.Hostname;
    let forwards: PortForward[] = [];
    let env: string[] = [];
    try {
      let first = true;
      for (const netId of Object.keys(st.networks)) {
        const n = this.nets.get(netId);
        if (!n) throw new NotFound(`network ${netId} not found`);
        await this.addEndpoint(st, n, first && !n.Internal);
        first = false;
      }
      env = this.linkedEnv(c);
      forwards = this.publish(c, st);
      this.writeFiles(c, this.files(c, st));
      this.store.saveContainer(st);
      await this.applyRules();
    } catch (e) {
      closeForwards(forwards);
      await this.teardown(st, false);
      throw e;
    }
    for (const netId of Object.keys(st.endpoints)) this.log('connect', this.nets.get(netId)!, { container: c.rec.Id });
    return { netnsPath, forwards, env };
  }

  private async addEndpoint(st: ContainerNet, n: NetworkRecord, defaultRoute: boolean): Promise<void> {
    const cfg = st.networks[n.Id] ?? {};
    const ipam = pool4(n)!;
    const ip = allocateAddress(ipam, this.usedIps(n.Id), cfg.IPAMConfig?.IPv4Address || undefined);
    const ep: EndpointState = {
      networkId: n.Id, endpointId: newId(), ip, prefix: parseCidr(ipam.Subnet).prefix, gateway: n.Internal ? '' : ipam.Gateway,
      mac: cfg.MacAddress || macFromIp(ip), hostVeth: '', ifName: nextIfName(st.netnsPath!),
    };
    const v6 = pool6(n);
    if (v6) {
      ep.ip6 = allocateAddress6(v6, this.usedIps(n.Id, 6), cfg.IPAMConfig?.IPv6Address || undefined);
      ep.prefix6 = parseCidr6(v6.Subnet).prefix;
      ep.gateway6 = n.Internal ? '' : v6.Gateway;
    }
    (st.endpoints ??= {})[n.Id] = ep; // reserve the address before anything awaits
    try {
      ep.hostVeth = createVeth({
        bridge: this.bridgeOf(n), netns: st.netnsPath!, ifName: ep.ifName, ip, prefix: ep.prefix, mac: ep.mac,
        mtu: Number(n.Options['com.docker.network.driver.mtu'] ?? this.config.mtu) || 1500,
        defaultGateway: defaultRoute && ep.gateway ? ep.gateway : undefined,
        ip6: ep.ip6, prefix6: ep.prefix6, defaultGateway6: defaultRoute && ep.gateway6 ? ep.gateway6 : undefined,
      });
    } catch (e) {
      delete st.endpoints[n.Id];
      throw new SystemError(`failed to set up container networking: ${(e as Error).message}`);
    }
  }

  /**
   * Host ports: checked against the ports other containers hold (berthd's table: a port held by a
   * monitor while berthd was down is in the store), then bound here so a taken port fails the
   * start with Docker's error. The sockets go to the monitor, which serves 127.0.0.1 and IPv6
   * addresses; DNAT rules for the other addresses follow from st.ports. SCTP has no host socket.
   */
  private publish(c: ContainerRef, st: ContainerNet): PortForward[] {
    const ep = this.primaryEndpoint(st);
    if (!ep) return [];
    const forwards: PortForward[] = [];
    const prefix = `failed to set up container networking: driver failed programming external connectivity on endpoint ${st.name} (${ep.endpointId})`;
    try {
      for (const r of portRequests(c.hc.PortBindings, c.rec.Config.ExposedPorts, c.hc.PublishAllPorts)) {
        // No host address: 0.0.0.0 and, where the host can listen on IPv6, [::] with the same port (moby's
        // sortAndNormPBs); [::] reaches the container's IPv6 address, or its IPv4 one through the proxy.
        const hostIps = r.hostIp ? [r.hostIp] : r.proto !== 'sctp' && v6Listenable() ? ['0.0.0.0', '::'] : ['0.0.0.0'];
        const candidates = r.hostPort === 0 ? [0, 0, 0] : Array.from({ length: r.hostPortEnd - r.hostPort + 1 }, (_, i) => r.hostPort + i);
        let bound = 0;
        let lastErr = '';
        for (const port of candidates) {
          const taken = port ? hostIps.find((ip) => this.portTaken(st.id, r.proto, ip, port)) : undefined;
          if (taken) { lastErr = `Bind for ${joinHostPort(taken, port)} failed: port is already allocated`; continue; }
          if (r.proto === 'sctp') { bound = port || this.freeTablePort(st.id, r.proto, hostIps[0]!); break; }
          const mine: PortForward[] = [];
          try {
            let p = port;
            for (const ip of hostIps) {
              const b = bindHostPort(r.proto, ip, p);
              mine.push({ fd: b.fd, target: joinHostPort(isV6(ip) && ep.ip6 ? ep.ip6 : ep.ip, r.containerPort) });
              p = b.port;
            }
            bound = p;
            forwards.push(...mine);
            break;
          } catch (e) {
            const failed = hostIps[mine.length]!;
            closeForwards(mine);
            const code = (e as NodeJS.ErrnoException).code;
            const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : (e as Error).message;
            lastErr = `failed to bind host port for ${joinHostPort(failed, port)}:${ep.ip}:${r.containerPort}/${r.proto}: ${why}`;
          }
        }
        if (!bound) throw new SystemError(`${prefix}: ${lastErr || 'no free host port'}`);
        for (const ip of hostIps) st.ports!.push({ proto: r.proto, containerPort: r.containerPort, hostIp: r.hostIp || (ip === '::' ? ip : ''), hostPort: bound });
      }
    } catch (e) {
      closeForwards(forwards);
      throw e;
    }
    return forwards;
  }

  /** Whether another container holds `proto` `port` on an address overlapping `ip` (same family; any-address overlaps all). */
  private portTaken(self: string, proto: string, ip: string, port: number): boolean {
    const family = (a: string) => (a.includes(':') ? 6 : 4);
    const any = (a: string) => !a || a === '0.0.0.0' || a === '::';
    return [...this.ctrs.values()].some((o) => o.id !== self && o.ports?.some((p) => p.proto === proto && p.hostPort === port
      && family(p.hostIp) === family(ip) && (p.hostIp === ip || any(p.hostIp) || any(ip))));
  }

  /** A port no container holds, from the ephemeral range (for protocols without a host socket). */
  private freeTablePort(self: string, proto: string, ip: string): number {
    const [lo = 32768, hi = 60999] = readOr('/proc/sys/net/ipv4/ip_local_port_range', '').trim().split(/\s+/).map(Number);
    for (let p = lo; p <= hi; p++) if (!this.portTaken(self, proto, ip, p)) return p;
    return 0;
  }

  private files(c: ContainerRef, st: ContainerNet): { hosts: string; resolv: string } {
    const primary = this.primaryEndpoint(st);
    const primaryNet = primary ? this.nets.get(primary.networkId) : undefined;
    const defaultBridge = [...this.nets.values()].find((n) => n.Name === 'bridge');
    const links = this.legacyLinks(c).flatMap((l) => (l.ip ? [{ ip: l.ip, names: l.alias === l.name ? [l.name, l.childId.slice(0, 12)] : [l.alias, l.childId.slice(0, 12), l.name] }] : []));
    const hosts = renderHosts({
      ips: primary ? [primary.ip, ...(primary.ip6 ? [primary.ip6] : [])] : [], hostname: c.rec.Config.Hostname, domainname: c.rec.Config.Domainname,
      extraHosts: c.hc.ExtraHosts, links, hostGateway: defaultBridge && pool4(defaultBridge)?.Gateway,
    });
    const resolv = renderResolvConf({
      host: hostResolvConf(), dns: c.hc.Dns, dnsSearch: c.hc.DnsSearch, dnsOptions: c.hc.DnsOptions,
      internal: primaryNet && isUserBridge(primaryNet) ? pool4(primaryNet)!.Gateway : undefined,
    });
    return { hosts, resolv };
  }

  /**
   * The container's legacy links (HostConfig.Links on the default bridge; on a user-defined
   * network a link is an alias of the endpoint instead): the child, its full link name
   * (/parent/alias) and its address on the default bridge while it runs there.
   */
  private legacyLinks(c: ContainerRef): { name: string; alias: string; linkName: string; child?: ContainerRef; childId: string; ip?: string }[] {
    const mode = c.hc.NetworkMode || 'default';
    if (mode !== 'default' && mode !== 'bridge') return [];
    const defaultBridge = [...this.nets.values()].find((n) => n.Name === 'bridge');
    return (c.hc.Links ?? []).map((l) => {
      const { name, alias } = parseLink(l);
      const child = this.lookup?.find(name);
      const ip = child && defaultBridge ? this.ctrs.get(child.rec.Id)?.endpoints?.[defaultBridge.Id]?.ip : undefined;
      return { name, alias, linkName: `/${bareName(c.rec.Name)}/${alias}`, child, childId: child?.rec.Id ?? '', ip };
    });
  }

  /** For an exec: the variables of the container's legacy links. */
  linkEnv(c: ContainerRef): string[] { return this.linkedEnv(c); }

  /** Before start: every linked container must run (dockerd's setupLinkedContainers); their variables for the process env. */
  private linkedEnv(c: ContainerRef): string[] {
    const env: string[] = [];
    for (const l of this.legacyLinks(c)) {
      if (!l.child?.rec.State.Running) throw new SystemError(`Cannot link to a non running container: /${l.name} AS ${l.linkName}`);
      if (!l.ip) throw new SystemError(`container ${l.childId} not attached to default bridge network`);
      env.push(...linkEnv(l.linkName, l.ip, l.child.rec.Config.Env, l.child.rec.Config.ExposedPorts));
    }
    return env;
  }

  /**
   * `rm --link /parent/alias`: the parent's link `alias` goes (its /etc/hosts entry too, while it
   * runs); the caller has removed it from HostConfig.Links.
   */
  refreshHosts(c: ContainerRef): void {
    const st = this.ctrs.get(c.rec.Id);
    // In place, not by rename: the running container has the file's inode bind-mounted (libnetwork rewrites it so too).
    if (st?.netnsPath && c.rec.HostsPath) fs.writeFileSync(c.rec.HostsPath, this.files(c, st).hosts);
  }

  private writeFiles(c: ContainerRef, f: { hosts: string; resolv: string }): void {
    if (c.rec.HostsPath) writeAtomicSync(c.rec.HostsPath, f.hosts, { durable: false, mode: 0o644 });
    if (c.rec.ResolvConfPath) writeAtomicSync(c.rec.ResolvConfPath, f.resolv, { durable: false, mode: 0o644 });
  }

  /** After the container stopped: endpoints, rules and the netns go; the IPs and host ports are free again (the monitor closed the sockets). */
  async release(c: ContainerRef): Promise<void> {
    const st = this.ctrs.get(c.rec.Id);
    if (!st || !st.netnsPath) return;
    await this.teardown(st);
  }

  /** Remove the container's endpoints and netns; `connected`: its endpoints were announced (disconnect events). */
  private async teardown(st: ContainerNet, connected = true): Promise<void> {
    const left = Object.keys(st.endpoints ?? {}).map((id) => this.nets.get(id)).filter((n): n is NetworkRecord => !!n);
    for (const ep of Object.values(st.endpoints ?? {})) if (ep.hostVeth) deleteLink(ep.hostVeth);
    if (st.netnsPath) { try { netlink().netnsDelete(st.netnsPath); } catch (e) { log.warn('netns removal failed', { error: String(e) }); } }
    this.clearRuntime(st);
    // The runtime part is gone whether or not this lands on disk (start reconciles a stale netns path).
    try {
      if (this.ctrs.has(st.id)) this.store.saveContainer(st);
    } catch (e) {
      log.warn('network state of a stopped container not saved', { id: st.id, error: String(e) });
    }
    await this.applyRules();
    if (connected) for (const n of left) this.log('disconnect', n, { container: st.id });
  }

  private clearRuntime(st: ContainerNet): void {
    delete st.netnsPath;
    delete st.endpoints;
    delete st.ports;
  }

  /** On rm: everything about the container goes. */
  async forget(c: ContainerRef): Promise<void> {
    await this.release(c);
    this.ctrs.delete(c.rec.Id);
    this.store.deleteContainer(c.rec.Id);
  }

  settings(c: ContainerRef): NetworkSettings {
    const st = this.ctrs.get(c.rec.Id);
    const networks: Record<string, EndpointSettings> = {};
    let top: EndpointState | undefined;
    const mode = c.hc.NetworkMode;
    if (st) {
      for (const [netId, cfg] of Object.entries(st.networks)) {
        const n = this.nets.get(netId);
        if (!n) continue;
        const ep = st.endpoints?.[netId];
        if (n.Name === 'bridge' && ep) top = ep;
        networks[n.Name] = {
          IPAMConfig: cfg.IPAMConfig ?? null, Links: cfg.Links ?? null, Aliases: cfg.Aliases ?? null, MacAddress: ep?.mac ?? cfg.MacAddress ?? '',
          DriverOpts: cfg.DriverOpts ?? null, GwPriority: 0, NetworkID: n.Id, EndpointID: ep?.endpointId ?? '', Gateway: ep?.gateway ?? '',
          IPAddress: ep?.ip ?? '', IPPrefixLen: ep?.prefix ?? 0, IPv6Gateway: ep?.gateway6 ?? '', GlobalIPv6Address: ep?.ip6 ?? '',
          GlobalIPv6PrefixLen: ep?.prefix6 ?? 0,
          DNSNames: ep && isUserBridge(n) ? this.dnsNames(st, netId) : null,
        };
      }
    }
    const running = !!st?.netnsPath;
    return {
      Bridge: '', SandboxID: running ? st!.id.split('').reverse().join('') : '', SandboxKey: running ? st!.netnsPath! : '',
      Ports: running || mode === 'host' ? inspectPorts(c.rec.Config.ExposedPorts, mode === 'host' ? {} : c.hc.PortBindings, st?.ports ?? []) : {},
      HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: top?.endpointId ?? '', Gateway: top?.gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      IPAddress: top?.ip ?? '', IPPrefixLen: top?.prefix ?? 0, IPv6Gateway: '', MacAddress: top?.mac ?? '', Networks: networks,
    };
  }

  /** Port mappings in effect for a container (the `port` command reads them from inspect). */
  ports(id: string): PortMapping[] { return this.ctrs.get(id)?.ports ?? []; }
}

/** An IPAM entry with the auxiliary addresses given (kept as given, IPv6 ones in canonical spelling). */
function withAux(cfg: IpamConfigEntry, aux?: Record<string, string>): IpamConfigEntry {
  if (!aux || !Object.keys(aux).length) return cfg;
  return { ...cfg, AuxiliaryAddresses: Object.fromEntries(Object.entries(aux).map(([k, v]) => [k, v.includes(':') ? normalizeIp6(v) : v])) };
}

function closeForwards(forwards: PortForward[]): void {
  for (const f of forwards) { try { fs.closeSync(f.fd); } catch { /* closed */ } }
  forwards.length = 0;
}

/** Link aliases of an endpoint (`name:alias`, or `name` as its own alias; a leading / dropped): alias → name, lowercased. */
function linkAliases(links: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of links ?? []) {
    const [target = '', alias = target] = l.split(':');
    const name = bareName(target);
    out[bareName(alias).toLowerCase()] = name.toLowerCase();
  }
  return out;
}

let canListen6: boolean | undefined;
/** Whether this netns can listen on IPv6 (moby's IsV6Listenable: a socket on [::1]). */
function v6Listenable(): boolean {
  if (canListen6 === undefined) {
    try { fs.closeSync(bindHostPort('tcp', '::1', 0).fd); canListen6 = true; } catch { canListen6 = false; }
  }
  return canListen6;
}

function readOr(file: string, fallback: string): string {
  try { return fs.readFileSync(file, 'utf8'); } catch { return fallback; }
}
