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

export interface BridgeRuleSet { bridge: string; subnet: string; internal: boolean }
export interface PortRule {
  bridge: string;
  proto: 'tcp' | 'udp' | 'sctp';
  /** '' or 0.0.0.0 for every address. */
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

/** Jump rules from built-in chains, in the order they are inserted at the top. */
export const JUMPS: { table: 'filter' | 'nat'; chain: string; rule: string[] }[] = [
  { table: 'filter', chain: 'FORWARD', rule: ['-j', 'BERTH-FORWARD'] },
  { table: 'filter', chain: 'FORWARD', rule: ['-j', USER_CHAIN] },
  { table: 'nat', chain: 'PREROUTING', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'BERTH'] },
  { table: 'nat', chain: 'OUTPUT', rule: ['!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'BERTH'] },
  { table: 'nat', chain: 'POSTROUTING', rule: ['-j', 'BERTH-POSTROUTING'] },
];

const anyAddr = (ip: string) => !ip || ip === '0.0.0.0';

/** The iptables-restore input for Berth's chains (both tables). */
export function renderRules(state: RuleState): string {
  const f: string[] = ['*filter', ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`)];
  f.push('-A BERTH-FORWARD -j BERTH-ISOLATION-STAGE-1');
  for (const b of state.bridges) {
    f.push(`-A BERTH-FORWARD -o ${b.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    f.push(`-A BERTH-FORWARD -o ${b.bridge} -j BERTH`);
    if (!b.internal) f.push(`-A BERTH-FORWARD -i ${b.bridge} ! -o ${b.bridge} -j ACCEPT`);
    f.push(`-A BERTH-FORWARD -i ${b.bridge} -o ${b.bridge} -j ACCEPT`);
  }
  for (const p of state.ports) {
    f.push(`-A BERTH -d ${p.containerIp}/32 ! -i ${p.bridge} -o ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j ACCEPT`);
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
    const dst = anyAddr(p.hostIp) ? '' : `-d ${p.hostIp}/32 `;
    n.push(`-A BERTH ${dst}! -i ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`);
  }
  for (const b of state.bridges) {
    if (!b.internal) n.push(`-A BERTH-POSTROUTING -s ${b.subnet} ! -o ${b.bridge} -j MASQUERADE`);
  }
  for (const p of state.ports) {
    n.push(`-A BERTH-POSTROUTING -s ${p.containerIp}/32 -d ${p.containerIp}/32 -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j MASQUERADE`);
  }
  n.push('COMMIT');
  return [...f, ...n].join('\n') + '\n';
}

async function ipt(args: string[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', ...args]);
    return true;
  } catch {
    return false;
  }
}

function restore(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('iptables-restore', ['-w', '--noflush'], (err, _out, stderr) => {
      if (err) reject(new Error(`iptables-restore: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin!.end(input);
  });
}

/** Applies rule states one at a time (a queue), creating chains and jumps on first use. */
export class Iptables {
  private queue: Promise<unknown> = Promise.resolve();
  private jumpsReady = false;
  /** The chains' content as last written: most container starts change no rule, and then cost no spawn. */
  private applied?: string;

  constructor(private readonly enabled = true) {}

  apply(state: RuleState): Promise<void> {
    return this.serial(async () => {
      if (!this.enabled) return;
      const rules = renderRules(state);
      if (this.jumpsReady && rules === this.applied) return;
      if (!this.jumpsReady && !await ipt(['-t', 'filter', '-L', USER_CHAIN, '-n'])) await ipt(['-t', 'filter', '-N', USER_CHAIN]);
      this.applied = undefined;
      await restore(rules);
      this.applied = rules;
      if (!this.jumpsReady) {
        for (const j of JUMPS) {
          // one copy, at the top: drop duplicates left by a crash, then insert
          while (await ipt(['-t', j.table, '-D', j.chain, ...j.rule]));
          if (!await ipt(['-t', j.table, '-I', j.chain, '1', ...j.rule])) {
            throw new Error(`iptables: cannot add jump rule to ${j.chain}`);
          }
        }
        this.jumpsReady = true;
      }
    });
  }

  /** Everything Berth added: jumps, then its chains (BERTH-USER only while the user left it empty). */
  removeAll(): Promise<void> {
    return this.serial(async () => {
      if (!this.enabled) return;
      for (const j of JUMPS) while (await ipt(['-t', j.table, '-D', j.chain, ...j.rule]));
      for (const c of FILTER_CHAINS) { await ipt(['-t', 'filter', '-F', c]); }
      for (const c of FILTER_CHAINS) { await ipt(['-t', 'filter', '-X', c]); }
      for (const c of NAT_CHAINS) { await ipt(['-t', 'nat', '-F', c]); }
      for (const c of NAT_CHAINS) { await ipt(['-t', 'nat', '-X', c]); }
      await ipt(['-t', 'filter', '-X', USER_CHAIN]); // fails while it holds the user's rules
      this.jumpsReady = false;
      this.applied = undefined;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }
}
