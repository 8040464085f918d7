/**
 * iptables, only in Berth's own chains. The whole content of the chains is rendered from
 * the desired state and applied in one `iptables-restore -w --noflush` transaction (a chain
 * declared in that input is flushed first, so stale rules from a crash vanish on the next
 * apply); the jump rules from the built-in chains are added and removed one by one with
 * `iptables -w`. Nothing outside these chains is flushed or has its policy changed.
 *
 *   filter  FORWARD → BERTH-USER (left to the user), BERTH-FORWARD
 *           BERTH-FORWARD → BERTH-ISOLATION-STAGE-1, per bridge: established, → BERTH, out, same-bridge
 *           BERTH: published ports accepted, other traffic into a bridge dropped
 *   nat     PREROUTING / OUTPUT (local destinations) → BERTH: DNAT of published ports
 *           POSTROUTING → BERTH-POSTROUTING: MASQUERADE of each subnet, hairpin
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BridgeRuleSet {
  bridge: string;
  subnet: string;
  /** The IPv6 subnet of a network with IPv6 enabled: its rules go to ip6tables. */
  subnet6?: string;
  internal: boolean;
}
export interface PortRule {
  bridge: string;
  proto: 'tcp' | 'udp' | 'sctp';
  /** '' or 0.0.0.0 (:: for IPv6) for every address. The family of containerIp says which table. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}
export interface RuleState { bridges: BridgeRuleSet[]; ports: PortRule[] }

export const FILTER_CHAINS = ['BERTH', 'BERTH-FORWARD', 'BERTH-ISOLATION-STAGE-1', 'BERTH-ISOLATION-STAGE-2'];
export const NAT_CHAINS = ['BERTH', 'BERTH-POSTROUTING'];
/** Left for the user's own rules: created, never flushed while it has rules. */
export const USER_CHAIN = 'BERTH-USER';

export type Family = 4 | 6;

/** Jump rules from built-in chains, in the order they are inserted at the top (the same in ip6tables, loopback aside). */
export function jumps(family: Family = 4): { table: 'filter' | 'nat'; chain: string; rule: string[] }[] {
  return [
    { table: 'filter', chain: 'FORWARD', rule: ['-j', 'BERTH-FORWARD'] },
    { table: 'filter', chain: 'FORWARD', rule: ['-j', USER_CHAIN] },
    { table: 'nat', chain: 'PREROUTING', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'BERTH'] },
    { table: 'nat', chain: 'OUTPUT', rule: ['!', '-d', family === 4 ? '127.0.0.0/8' : '::1/128', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'BERTH'] },
    { table: 'nat', chain: 'POSTROUTING', rule: ['-j', 'BERTH-POSTROUTING'] },
  ];
}
export const JUMPS = jumps(4);

const anyAddr = (ip: string) => !ip || ip === '0.0.0.0' || ip === '::';
const familyOf = (ip: string): Family => (ip.includes(':') ? 6 : 4);
const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * The iptables-restore (family 4) or ip6tables-restore (family 6) input for Berth's chains
 * (both tables). IPv6 rules cover the bridges with an IPv6 subnet and the ports published to
 * a container's IPv6 address.
 */
export function renderRules(all: RuleState, family: Family = 4): string {
  const host = family === 4 ? '/32' : '/128';
  const state: RuleState = {
    bridges: family === 4 ? all.bridges : all.bridges.filter((b) => b.subnet6).map((b) => ({ ...b, subnet: b.subnet6! })),
    ports: all.ports.filter((p) => familyOf(p.containerIp) === family),
  };
  const f: string[] = ['*filter', ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`)];
  f.push('-A BERTH-FORWARD -j BERTH-ISOLATION-STAGE-1');
  for (const b of state.bridges) {
    f.push(`-A BERTH-FORWARD -o ${b.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    f.push(`-A BERTH-FORWARD -o ${b.bridge} -j BERTH`);
    if (!b.internal) f.push(`-A BERTH-FORWARD -i ${b.bridge} ! -o ${b.bridge} -j ACCEPT`);
    f.push(`-A BERTH-FORWARD -i ${b.bridge} -o ${b.bridge} -j ACCEPT`);
  }
  for (const p of state.ports) {
    f.push(`-A BERTH -d ${p.containerIp}${host} ! -i ${p.bridge} -o ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j ACCEPT`);
  }
  for (const b of state.bridges) f.push(`-A BERTH ! -i ${b.bridge} -o ${b.bridge} -j DROP`);
  for (const b of state.bridges) {
    if (b.internal) {
      f.push(`-A BERTH-ISOLATION-STAGE-1 ! -s ${b.subnet} -o ${b.bridge} -j DROP`);
      f.push(`-A BERTH-ISOLATION-STAGE-1 ! -d ${b.subnet} -i ${b.bridge} -j DROP`);
    } else {
      f.push(`-A BERTH-ISOLATION-STAGE-1 -i ${b.bridge} ! -o ${b.bridge} -j BERTH-ISOLATION-STAGE-2`);
    }
    f.push(`-A BERTH-ISOLATION-STAGE-2 -o ${b.bridge} -j DROP`);
  }
  f.push('-A BERTH-ISOLATION-STAGE-1 -j RETURN', '-A BERTH-ISOLATION-STAGE-2 -j RETURN', 'COMMIT');

  const n: string[] = ['*nat', ...NAT_CHAINS.map((c) => `:${c} - [0:0]`)];
  for (const b of state.bridges) n.push(`-A BERTH -i ${b.bridge} -j RETURN`);
  for (const p of state.ports) {
    const dst = anyAddr(p.hostIp) ? '' : `-d ${p.hostIp}${host} `;
    n.push(`-A BERTH ${dst}! -i ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${joinHostPort(p.containerIp, p.containerPort)}`);
  }
  for (const b of state.bridges) {
    if (!b.internal) n.push(`-A BERTH-POSTROUTING -s ${b.subnet} ! -o ${b.bridge} -j MASQUERADE`);
  }
  for (const p of state.ports) {
    n.push(`-A BERTH-POSTROUTING -s ${p.containerIp}${host} -d ${p.containerIp}${host} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j MASQUERADE`);
  }
  n.push('COMMIT');
  return [...f, ...n].join('\n') + '\n';
}

const binaries = { 4: ['iptables', 'iptables-restore'], 6: ['ip6tables', 'ip6tables-restore'] } as const;

async function ipt(family: Family, args: string[]): Promise<boolean> {
  try {
    await run(binaries[family][0], ['-w', ...args]);
    return true;
  } catch {
    return false;
  }
}

function restore(family: Family, input: string): Promise<void> {
  const bin = binaries[family][1];
  return new Promise((resolve, reject) => {
    const child = execFile(bin, ['-w', '--noflush'], (err, _out, stderr) => {
      if (err) reject(new Error(`${bin}: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin!.end(input);
  });
}

/**
 * Applies rule states one at a time (a queue), creating chains and jumps on first use. ip6tables
 * is only touched once a network has IPv6 (and then kept in step, so its rules go with the last one).
 */
export class Iptables {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly jumpsReady = { 4: false, 6: false };
  /** The chains' content as last written: most container starts change no rule, and then cost no spawn. */
  private readonly applied: { 4?: string; 6?: string } = {};

  constructor(private readonly enabled = true) {}

  apply(state: RuleState): Promise<void> {
    return this.serial(async () => {
      if (!this.enabled) return;
      await this.applyFamily(4, renderRules(state, 4));
      if (state.bridges.some((b) => b.subnet6) || this.jumpsReady[6]) await this.applyFamily(6, renderRules(state, 6));
    });
  }

  private async applyFamily(family: Family, rules: string): Promise<void> {
    if (this.jumpsReady[family] && rules === this.applied[family]) return;
    if (!this.jumpsReady[family] && !await ipt(family, ['-t', 'filter', '-L', USER_CHAIN, '-n'])) await ipt(family, ['-t', 'filter', '-N', USER_CHAIN]);
    this.applied[family] = undefined;
    await restore(family, rules);
    this.applied[family] = rules;
    if (!this.jumpsReady[family]) {
      for (const j of jumps(family)) {
        // one copy, at the top: drop duplicates left by a crash, then insert
        while (await ipt(family, ['-t', j.table, '-D', j.chain, ...j.rule]));
        if (!await ipt(family, ['-t', j.table, '-I', j.chain, '1', ...j.rule])) {
          throw new Error(`${binaries[family][0]}: cannot add jump rule to ${j.chain}`);
        }
      }
      this.jumpsReady[family] = true;
    }
  }

  /** Everything Berth added: jumps, then its chains (BERTH-USER only while the user left it empty), in both families. */
  removeAll(): Promise<void> {
    return this.serial(async () => {
      if (!this.enabled) return;
      for (const family of [4, 6] as const) {
        if (family === 6 && !this.jumpsReady[6] && !await ipt(6, ['-t', 'filter', '-L', 'BERTH-FORWARD', '-n'])) continue;
        for (const j of jumps(family)) while (await ipt(family, ['-t', j.table, '-D', j.chain, ...j.rule]));
        for (const c of FILTER_CHAINS) { await ipt(family, ['-t', 'filter', '-F', c]); }
        for (const c of FILTER_CHAINS) { await ipt(family, ['-t', 'filter', '-X', c]); }
        for (const c of NAT_CHAINS) { await ipt(family, ['-t', 'nat', '-F', c]); }
        for (const c of NAT_CHAINS) { await ipt(family, ['-t', 'nat', '-X', c]); }
        await ipt(family, ['-t', 'filter', '-X', USER_CHAIN]); // fails while it holds the user's rules
        this.jumpsReady[family] = false;
        this.applied[family] = undefined;
      }
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }
}
