/**
 * Volume and mount specs, parsed as Docker parses them. Pure functions, shared by the CLI
 * (flags → HostConfig.Binds / Mounts / Tmpfs / VolumesFrom, as the docker CLI sends them) and
 * the engine (HostConfig → mount points, with moby's validation and error texts).
 */
import path from 'node:path/posix';
import { InvalidArgument } from './errors.js';
import { ramInBytes } from './units.js';

/** The API's `mount.Mount` (HostConfig.Mounts entries). */
export interface MountSpec {
  Type: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> }; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] };
}

/** A parsed mount point (moby's MountPoint before a volume is attached). */
export interface ParsedMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** Volume name ('' for an anonymous volume). */
  Name: string;
  /** Host path of a bind. */
  Source: string;
  Destination: string;
  RW: boolean;
  /** The mode string as given with -v ("ro", "z", "rw,shared" …). */
  Mode: string;
  Propagation: string;
  CopyData: boolean;
  Driver: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
  /** tmpfs mount data ("size=64m,mode=1777"). */
  Data?: string;
}

export const PROPAGATIONS = ['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared'];
const RW_MODES = ['ro', 'rw'];
const LABEL_MODES = ['z', 'Z'];
const COPY_MODES = ['nocopy'];
const CONSISTENCY = ['consistent', 'cached', 'delegated', 'default'];
export const DEFAULT_PROPAGATION = 'rprivate';

const invalidSpec = (raw: string) => `invalid volume specification: '${raw}'`;

/** moby's linuxValidMountMode: each option known, at most one of each kind. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const o of mode.split(',')) {
    const kind = RW_MODES.includes(o) ? 0 : LABEL_MODES.includes(o) ? 1 : PROPAGATIONS.includes(o) ? 2
      : COPY_MODES.includes(o) ? 3 : CONSISTENCY.includes(o) ? 4 : -1;
    if (kind < 0) return false;
    counts[kind]!++;
  }
  return counts.every((c) => c <= 1);
}

const modeHas = (mode: string, o: string) => mode.split(',').includes(o);
const propagationOf = (mode: string) => mode.split(',').find((o) => PROPAGATIONS.includes(o));

function validateTarget(target: string | undefined, type: string): string {
  const fail = (msg: string) => new InvalidArgument(`invalid mount config for type "${type}": ${msg}`);
  if (!target) throw fail('field Target must not be empty');
  if (path.normalize(target) === '/' || path.normalize(target) === '/.') throw fail("invalid specification: destination can't be '/'");
  if (!target.startsWith('/')) throw fail(`invalid mount path: '${target}' mount path must be absolute`);
  return cleanPath(target);
}

export function cleanPath(p: string): string {
  const n = path.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/**
 * HostConfig.Binds / `-v` on the daemon side (moby's ParseMountRaw): `dest`, `src:dest`,
 * `src:dest:mode`. An absolute source is a bind, anything else a volume name.
 */
export function parseBind(raw: string, volumeDriver = ''): ParsedMount {
  const arr = splitN(raw, ':', 4);
  if (arr[0] === '') throw new InvalidArgument(invalidSpec(raw));
  let source = '';
  let target = '';
  let mode = '';
  if (arr.length === 1) target = arr[0]!;
  else if (arr.length === 2) {
    if (validMountMode(arr[1]!)) throw new InvalidArgument(invalidSpec(raw));
    [source, target] = arr as [string, string];
  } else if (arr.length === 3) [source, target, mode] = arr as [string, string, string];
  else throw new InvalidArgument(invalidSpec(raw));
  if (!validMountMode(mode)) throw new InvalidArgument(`invalid mode: ${mode}`);
  const type = source.startsWith('/') ? 'bind' : 'volume';
  let dest: string;
  try {
    dest = validateTarget(target, type);
  } catch (e) {
    throw new InvalidArgument(`${invalidSpec(raw)}: ${(e as Error).message}`);
  }
  return {
    Type: type,
    Name: type === 'volume' ? source : '',
    Source: type === 'bind' ? cleanPath(source) : '',
    Destination: dest,
    RW: !modeHas(mode, 'ro'),
    Mode: mode,
    Propagation: type === 'bind' ? propagationOf(mode) ?? DEFAULT_PROPAGATION : '',
    CopyData: !modeHas(mode, 'nocopy'),
    Driver: type === 'volume' ? volumeDriver || 'local' : '',
  };
}

/**
 * HostConfig.Mounts entries (moby's ParseMountSpec). `exists` says whether a bind source is
 * there: with --mount a missing one is an error, unlike -v.
 */
export function parseMountSpec(m: MountSpec, exists: (p: string) => boolean): ParsedMount {
  const type = m.Type ?? '';
  const fail = (msg: string) => new InvalidArgument(`invalid mount config for type "${type}": ${msg}`);
  if (!['bind', 'volume', 'tmpfs'].includes(type)) {
    if (!m.Target) throw fail('field Target must not be empty');
    throw fail('mount type unknown');
  }
  const dest = validateTarget(m.Target, type);
  const base = { Destination: dest, RW: !m.ReadOnly, Mode: '', Propagation: '', CopyData: true, Driver: '', Name: '', Source: '' };
  if (type === 'bind') {
    if (!m.Source) throw fail('field Source must not be empty');
    const prop = m.BindOptions?.Propagation;
    if (prop && !PROPAGATIONS.includes(prop)) throw fail(`invalid propagation mode: ${prop}`);
    if (m.VolumeOptions) throw fail('field VolumeOptions must not be specified');
    if (!m.Source.startsWith('/')) throw fail(`invalid mount path: '${m.Source}' mount path must be absolute`);
    if (!exists(m.Source) && !m.BindOptions?.CreateMountpoint) throw fail(`bind source path does not exist: ${m.Source}`);
    return { ...base, Type: 'bind', Source: cleanPath(m.Source), Propagation: prop || DEFAULT_PROPAGATION };
  }
  if (type === 'volume') {
    if (m.BindOptions) throw fail('field BindOptions must not be specified');
    if (m.ReadOnly && !m.Source) throw fail('must not set ReadOnly mode when using anonymous volumes');
    const vo = m.VolumeOptions;
    return {
      ...base, Type: 'volume', Name: m.Source ?? '', CopyData: !vo?.NoCopy,
      Driver: vo?.DriverConfig?.Name || 'local', DriverOpts: vo?.DriverConfig?.Options, Labels: vo?.Labels,
    };
  }
  if (m.BindOptions) throw fail('field BindOptions must not be specified');
  if (m.Source) throw fail('field Source must not be specified');
  let data: string;
  try { data = tmpfsOptionsString(m.TmpfsOptions, !!m.ReadOnly); } catch (e) { throw fail((e as Error).message); }
  return { ...base, Type: 'tmpfs', Data: data };
}

/** moby's ConvertTmpfsOptions: "ro,mode=1777,size=64m". */
export function tmpfsOptionsString(opt: MountSpec['TmpfsOptions'], readOnly: boolean): string {
  const out: string[] = [];
  if (readOnly) out.push('ro');
  if (opt?.Mode) out.push(`mode=${opt.Mode.toString(8)}`);
  if (opt?.SizeBytes) {
    let size = opt.SizeBytes;
    let suffix = '';
    for (const [s, d] of [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const) {
      if (size % d === 0) { size /= d; suffix = s; break; }
    }
    out.push(`size=${size}${suffix}`);
  }
  for (const o of opt?.Options ?? []) {
    if (o.length < 1 || o.length > 2) throw new Error('invalid option array length');
    if (o[0] !== 'exec' && o[0] !== 'noexec') throw new Error(`invalid option: ${o[0]}`);
    out.push(o.join('='));
  }
  return out.join(',');
}

/** HostConfig.Tmpfs destination check (moby's ValidateTmpfsMountDestination). */
export function validateTmpfsDestination(dest: string): string {
  if (path.normalize(dest) === '/') throw new InvalidArgument(`invalid tmpfs mount config for type "tmpfs": invalid specification: destination can't be '/'`);
  if (!dest.startsWith('/')) throw new InvalidArgument(`invalid mount path: '${dest}' mount path must be absolute`);
  return cleanPath(dest);
}

/** `--volumes-from c[:ro|:rw]` (moby's ParseVolumesFrom). */
export function parseVolumesFrom(spec: string): { id: string; mode: string } {
  if (spec === '') throw new InvalidArgument('volumes-from specification cannot be an empty string');
  const i = spec.indexOf(':');
  if (i < 0 || spec.slice(i + 1) === '') return { id: i < 0 ? spec : spec.slice(0, i), mode: 'rw' };
  const id = spec.slice(0, i);
  const mode = spec.slice(i + 1);
  if (!validMountMode(mode) || propagationOf(mode) || modeHas(mode, 'nocopy')) throw new InvalidArgument(`invalid mode: ${mode}`);
  return { id, mode };
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The local driver's name rule, with moby's texts. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) throw new InvalidArgument(`volume name is too short, names should be at least two alphanumeric characters`);
  if (!VOLUME_NAME.test(name)) {
    throw new InvalidArgument(`"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

// ---- client side (the docker CLI's flag parsing) ----

/** `--mount type=…,source=…,target=…` as the docker CLI's MountOpt.Set parses it. */
export function parseMountFlag(value: string, cwd = '/'): MountSpec {
  const fields = splitCsv(value);
  const m: MountSpec = { Type: 'volume' };
  const vol = () => {
    m.VolumeOptions ??= { Labels: {} };
    m.VolumeOptions.DriverConfig ??= {};
    return m.VolumeOptions;
  };
  const bind = () => (m.BindOptions ??= {});
  const tmpfs = () => (m.TmpfsOptions ??= {});
  const bool = (key: string, val: string, msg = `invalid value for ${key}: ${val}`) => {
    const b = parseGoBool(val);
    if (b === undefined) throw new Error(msg);
    return b;
  };
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      if (field === 'readonly' || field === 'ro') m.ReadOnly = true;
      else if (field === 'volume-nocopy') vol().NoCopy = true;
      else if (field === 'bind-nonrecursive') bind().NonRecursive = true;
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    const key = field.slice(0, eq);
    const val = field.slice(eq + 1);
    switch (key) {
      case 'type': m.Type = val.toLowerCase(); break;
      case 'source': case 'src':
        m.Source = val === '.' || val.startsWith('./') ? path.resolve(cwd, val) : val;
        break;
      case 'target': case 'dst': case 'destination': m.Target = val; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(key, val); break;
      case 'consistency': m.Consistency = val.toLowerCase(); break;
      case 'bind-propagation': bind().Propagation = val.toLowerCase(); break;
      case 'bind-nonrecursive': bind().NonRecursive = bool(key, val); break;
      case 'volume-nocopy': vol().NoCopy = bool(key, val, `invalid value for volume-nocopy: ${val}`); break;
      case 'volume-label': setKv(vol().Labels ??= {}, val); break;
      case 'volume-driver': vol().DriverConfig!.Name = val; break;
      case 'volume-opt': setKv(vol().DriverConfig!.Options ??= {}, val); break;
      case 'tmpfs-size':
        try { tmpfs().SizeBytes = ramInBytes(val); } catch { throw new Error(`invalid value for ${key}: ${val}`); }
        break;
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(val)) throw new Error(`invalid value for ${key}: ${val}`);
        tmpfs().Mode = parseInt(val, 8);
        break;
      }
      default: throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Type) throw new Error('type is required');
  if (!m.Target) throw new Error('target is required');
  if (m.VolumeOptions && m.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.BindOptions && m.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  return m;
}

/**
 * `-v` values split as the docker CLI does (compose's ParseVolume): specs with a source go to
 * HostConfig.Binds (a `./rel` host path made absolute), bare destinations to Config.Volumes.
 */
export function splitVolumeFlags(specs: string[], cwd = '/'): { binds: string[]; volumes: Record<string, object> } {
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const spec of specs) {
    const { source, type } = parseVolumeFlag(spec);
    if (!source) { volumes[spec] = {}; continue; }
    let bind = spec;
    if (type === 'bind') {
      const i = spec.indexOf(':');
      const host = spec.slice(0, i);
      if (host === '.' || host.startsWith('./') || host.startsWith('..')) bind = path.resolve(cwd, host) + spec.slice(i);
    }
    if (!binds.includes(bind)) binds.push(bind);
  }
  return { binds, volumes };
}

/** compose's ParseVolume, as far as the CLI uses it: source, target and type, or its errors. */
export function parseVolumeFlag(spec: string): { source: string; target: string; type: 'bind' | 'volume' } {
  if (spec.length === 0) throw new Error('invalid empty volume spec');
  if (spec.length <= 2) return { source: '', target: spec, type: 'volume' };
  const parts = spec.split(':');
  if (parts.some((p) => p === '')) throw new Error(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length > 3) throw new Error(`invalid spec: ${spec}: too many colons`);
  if (parts.length === 1) return { source: '', target: spec, type: 'volume' };
  const source = parts[0]!;
  return { source, target: parts[1]!, type: /^[./~]/.test(source) ? 'bind' : 'volume' };
}

/** `--tmpfs /path[:opts]` → [path, opts] for HostConfig.Tmpfs. */
export function parseTmpfsFlag(value: string): [string, string] {
  const i = value.indexOf(':');
  return i < 0 ? [value, ''] : [value.slice(0, i), value.slice(i + 1)];
}

function setKv(target: Record<string, string>, value: string) {
  const i = value.indexOf('=');
  const k = i < 0 ? value : value.slice(0, i);
  if (k !== '') target[k] = i < 0 ? '' : value.slice(i + 1);
}

function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** encoding/csv's reading of one record: commas separate, double quotes group. */
export function splitCsv(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}
