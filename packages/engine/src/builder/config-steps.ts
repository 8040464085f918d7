/**
 * The instructions that only change the image config (ENV, LABEL, MAINTAINER, ARG, CMD,
 * ENTRYPOINT, EXPOSE, VOLUME, USER, STOPSIGNAL, ONBUILD, SHELL, HEALTHCHECK): applied to the
 * stage's config, each returning the comment its history entry carries
 * (`/bin/sh -c #(nop)  <comment>`), worded as Docker's classic builder words it.
 */
import { InvalidArgument } from '@berth/shared';
import type { ContainerConfigSpec } from '../images/types.js';
import { parseSignal } from '../runtime/signals.js';
import type { Instruction } from './instructions.js';
import type { BuildArgs } from './args.js';
import { setEnv } from './lex.js';

export type ConfigInstruction = Exclude<Instruction, { kind: 'from' | 'run' | 'copy' | 'add' | 'workdir' }>;

export interface ConfigState { config: ContainerConfigSpec; args: BuildArgs; maintainer?: string; cmdSet: boolean }

/** Go's %q of a []string: ["a" "b"]. */
export const goQuoteList = (v: string[]) => `[${v.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Apply `ins` to `st.config`; returns the history comment. `expand` substitutes variables. */
export function applyConfigStep(st: ConfigState, ins: ConfigInstruction, expand: (w: string) => string, shell: string[]): string {
  const c = st.config;
  switch (ins.kind) {
    case 'env': {
      let msg = 'ENV';
      for (const [k, v] of ins.pairs) {
        const key = expand(k);
        const val = expand(v);
        c.Env = setEnv(c.Env ?? [], key, val);
        msg += ` ${key}=${val}`;
      }
      return msg;
    }
    case 'label': {
      let msg = 'LABEL';
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of ins.pairs) {
        const key = ins.noExpand ? k : expand(k);
        const val = ins.noExpand ? v : expand(v);
        c.Labels[key] = val;
        msg += ` ${key}=${val}`;
      }
      return msg;
    }
    case 'maintainer':
      st.maintainer = ins.value;
      return `MAINTAINER ${ins.value}`;
    case 'arg': {
      const parts: string[] = [];
      for (const a of ins.args) {
        const v = a.value === undefined ? undefined : expand(a.value);
        st.args.add(a.key, v);
        parts.push(v === undefined ? a.key : `${a.key}=${v}`);
      }
      return `ARG ${parts.join(' ')}`;
    }
    case 'cmd':
    case 'entrypoint': {
      const v = ins.exec ?? [...shell, ins.shell!];
      if (ins.kind === 'cmd') { c.Cmd = v; st.cmdSet = true; } else {
        c.Entrypoint = v;
        if (!st.cmdSet) c.Cmd = null; // an ENTRYPOINT drops the base image's CMD
      }
      return `${ins.kind.toUpperCase()} ${goQuoteList(v)}`;
    }
    case 'expose': {
      const ports = new Set(Object.keys(c.ExposedPorts ?? {}));
      const words: string[] = [];
      for (const raw of ins.values) {
        const value = expand(raw);
        words.push(...value.split(/\s+/).filter(Boolean));
        for (const p of exposePorts(value)) ports.add(p);
      }
      c.ExposedPorts = Object.fromEntries([...ports].map((p) => [p, {}]));
      // The history keeps the words as written (after expansion), as dispatchExpose commits them.
      return `EXPOSE ${words.join(' ')}`;
    }
    case 'volume': {
      const vols = ins.values.map(expand);
      if (vols.some((v) => !v.trim())) throw new InvalidArgument('VOLUME specified can not be an empty string');
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of vols) c.Volumes[v] = {};
      return `VOLUME [${vols.join(' ')}]`;
    }
    case 'user':
      c.User = expand(ins.value);
      return `USER ${c.User}`;
    case 'stopsignal': {
      const sig = expand(ins.value);
      try { parseSignal(sig); } catch { throw new InvalidArgument(`Invalid signal: ${sig}`); }
      c.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'onbuild':
      c.OnBuild = [...(c.OnBuild ?? []), ins.expression];
      return `ONBUILD ${ins.expression}`;
    case 'shell':
      c.Shell = ins.shell;
      return `SHELL ${goQuoteList(ins.shell)}`;
    case 'healthcheck': {
      if (ins.test[0] === 'NONE') c.Healthcheck = { Test: ['NONE'] };
      else {
        const hc: NonNullable<ContainerConfigSpec['Healthcheck']> & Record<string, unknown> = { Test: ins.test };
        if (ins.interval) hc.Interval = ins.interval;
        if (ins.timeout) hc.Timeout = ins.timeout;
        if (ins.startPeriod) hc.StartPeriod = ins.startPeriod;
        if (ins.startInterval) hc.StartInterval = ins.startInterval;
        if (ins.retries) hc.Retries = ins.retries;
        c.Healthcheck = hc;
      }
      return `HEALTHCHECK ${JSON.stringify(c.Healthcheck)}`;
    }
    default:
      throw new InvalidArgument(`${ins.kind.toUpperCase()} changes the filesystem, not only the config`);
  }
}

/** EXPOSE values → "80/tcp" keys (ranges expanded), with Docker's validation. */
export function exposePorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim());
  if (!m) throw new InvalidArgument(`invalid containerPort: ${spec.split('/')[0]}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (end < start || end > 65535) throw new InvalidArgument(`invalid containerPort: ${spec.split('/')[0]}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}
