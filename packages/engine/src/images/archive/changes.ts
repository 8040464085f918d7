/**
 * `import -c` / commit `--change`: the Dockerfile instructions that may change an image config
 * (CMD, ENTRYPOINT, ENV, EXPOSE, WORKDIR, USER, LABEL, VOLUME, STOPSIGNAL, ONBUILD).
 */
import path from 'node:path';
import { InvalidArgument } from '@berth/shared';
import type { ContainerConfigSpec } from '../types.js';

/** Split on whitespace, honouring "double" and 'single' quotes and backslash escapes. */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; has = true; }
    else if (c === '\\' && i + 1 < s.length) { cur += s[++i]; has = true; }
    else if (/\s/.test(c)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else { cur += c; has = true; }
  }
  if (has || cur) out.push(cur);
  return out;
}

function jsonArray(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* shell form */ }
  return undefined;
}

function keyValues(args: string, instr: string): [string, string][] {
  const ws = words(args);
  if (ws.length && !ws[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args.trim());
    if (!m) throw new InvalidArgument(`${instr} requires exactly two arguments`);
    return [[m[1]!, words(m[2]!).join(' ')]];
  }
  return ws.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new InvalidArgument(`${instr} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

/** Apply `changes` to `base` (copied). Throws InvalidArgument with Docker's messages. */
export function applyChanges(base: ContainerConfigSpec, changes: string[]): ContainerConfigSpec {
  const cfg: ContainerConfigSpec = structuredClone(base);
  for (const raw of changes.flatMap((c) => c.split('\n'))) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const instr = m[1]!.toLowerCase();
    const args = m[2]!.trim();
    switch (instr) {
      case 'cmd':
      case 'entrypoint': {
        const v = jsonArray(args) ?? ['/bin/sh', '-c', args];
        if (instr === 'cmd') cfg.Cmd = v; else { cfg.Entrypoint = v; if (!('Cmd' in base) || base.Cmd === cfg.Cmd) cfg.Cmd = null; }
        break;
      }
      case 'env': {
        const env = [...(cfg.Env ?? [])];
        for (const [k, v] of keyValues(args, 'ENV')) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
        }
        cfg.Env = env;
        break;
      }
      case 'label': {
        cfg.Labels = { ...(cfg.Labels ?? {}) };
        for (const [k, v] of keyValues(args, 'LABEL')) cfg.Labels[k] = v;
        break;
      }
      case 'expose': {
        cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}) };
        for (const p of words(args)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidArgument(`invalid containerPort: ${p}`);
          cfg.ExposedPorts[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        break;
      }
      case 'workdir':
        cfg.WorkingDir = path.posix.resolve('/', cfg.WorkingDir || '/', words(args).join(' '));
        break;
      case 'user':
        cfg.User = args;
        break;
      case 'stopsignal':
        cfg.StopSignal = args;
        break;
      case 'volume': {
        cfg.Volumes = { ...(cfg.Volumes ?? {}) };
        for (const v of jsonArray(args) ?? words(args)) {
          if (!v) throw new InvalidArgument('VOLUME specified can not be an empty string');
          cfg.Volumes[v] = {};
        }
        break;
      }
      case 'onbuild':
        cfg.OnBuild = [...(cfg.OnBuild ?? []), args];
        break;
      default:
        throw new InvalidArgument(`${instr} is not a valid change command`);
    }
  }
  return cfg;
}
