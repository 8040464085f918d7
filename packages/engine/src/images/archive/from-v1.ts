/**
 * The legacy v1 image JSON (`<v1 id>/json` of a pre-1.10 `docker save`) → an image config, as
 * dockerd 20.10 converted it on load (moby image/v1 HistoryFromConfig and MakeConfigFromV1Config):
 * the v1 JSON's own members kept as written, minus the v1 bookkeeping (id, parent, Size,
 * parent_id, layer_id, throwaway), plus `rootfs` and `history`, keys sorted as Go marshals a map.
 * JSON from Docker before 1.8.3 first goes through the V1Image struct (unknown and empty fields
 * dropped). The bytes decide the image ID, so they are Go's, byte for byte.
 */
import { InvalidArgument } from '@berth/shared';
import type { HistoryEntry } from '../types.js';
import { containerConfigFields, goField, goJSON, goRawObject, rawMembers, type Field } from '../go-json.js';

type Obj = Record<string, unknown>;

function kindOf(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

/** The v1 JSON as an object; Go's unmarshal errors for what is not one. */
function parseObject(json: Buffer | string, into: string): Obj {
  let v: unknown;
  try { v = JSON.parse(json.toString()); } catch (e) { throw new InvalidArgument(`invalid character in JSON: ${(e as Error).message}`); }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new InvalidArgument(`json: cannot unmarshal ${v === null ? 'null' : kindOf(v)} into Go value of type ${into}`);
  }
  return v as Obj;
}

function goString(obj: Obj, name: string, struct: string): string {
  const v = goField(obj, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidArgument(`json: cannot unmarshal ${kindOf(v)} into Go struct field ${struct}.${name} of type string`);
  return v;
}

/** strslice.StrSlice: a string or a list of strings. */
function strSlice(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw new InvalidArgument(`json: cannot unmarshal ${kindOf(v)} into Go value of type strslice.StrSlice`);
}

const daysIn = (y: number, m: number) => [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/**
 * A time as Go's time.Time decodes (RFC 3339) and marshals it (RFC3339Nano): the fraction cut to
 * nanoseconds and its trailing zeros dropped, a zero offset written `Z`; absent or null is the
 * zero time.
 */
export function goTime(v: unknown): string {
  if (v === undefined || v === null) return '0001-01-01T00:00:00Z';
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(v) : null;
  if (!m) throw new InvalidArgument(`parsing time ${JSON.stringify(JSON.stringify(v))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12) throw new InvalidArgument(`parsing time ${JSON.stringify(v)}: month out of range`);
  if (day < 1 || day > daysIn(year, month)) throw new InvalidArgument(`parsing time ${JSON.stringify(v)}: day out of range`);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw new InvalidArgument(`parsing time ${JSON.stringify(v)}: hour, minute or second out of range`);
  const f = (frac ?? '').slice(0, 9).replace(/0+$/, '');
  const z = zone === 'Z' || /^[+-]00:00$/.test(zone!) ? 'Z' : zone;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${f ? `.${f}` : ''}${z}`;
}

/** image/v1 HistoryFromConfig: the history entry a v1 layer stands for. */
export function historyFromV1(json: Buffer | string): HistoryEntry {
  const img = parseObject(json, 'image.V1Image');
  const cc = goField(img, 'container_config');
  const cmd = cc && typeof cc === 'object' && !Array.isArray(cc) ? strSlice(goField(cc as Obj, 'Cmd')) : null;
  const h: HistoryEntry = { created: goTime(goField(img, 'created')) };
  const author = goString(img, 'author', 'V1Image');
  const createdBy = (cmd ?? []).join(' ');
  const comment = goString(img, 'comment', 'V1Image');
  if (author) h.author = author;
  if (createdBy) h.created_by = createdBy;
  if (comment) h.comment = comment;
  return h;
}

/** moby's versions.LessThan: dot-separated numbers, a part that is not one counted as 0. */
export function versionLessThan(a: string, b: string): boolean {
  if (a === b) return false;
  const x = a.split('.');
  const y = b.split('.');
  const num = (p: string | undefined) => (p !== undefined && /^[+-]?\d+$/.test(p) ? Number(p) : 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (num(x[i]) !== num(y[i])) return num(x[i]) < num(y[i]);
  }
  return false;
}

const MAP_FIELDS = new Set(['ExposedPorts', 'Volumes', 'Labels']);
const STRSLICE_FIELDS = new Set(['Cmd', 'Entrypoint', 'Shell']);

/** container.Config through Go's struct: fields matched ignoring case, maps with sorted keys. */
function goConfig(v: unknown, fields: Field[]): Obj {
  const src = v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
  const out: Obj = {};
  for (const [name, omit, zero] of fields) {
    let val = goField(src, name);
    if (STRSLICE_FIELDS.has(name)) val = strSlice(val);
    if (MAP_FIELDS.has(name) && val && typeof val === 'object') {
      val = Object.fromEntries(Object.keys(val as Obj).sort().map((k) => [k, (val as Obj)[k]]));
    }
    const empty = val === undefined || val === null || val === '' || val === false || val === 0
      || (Array.isArray(val) && val.length === 0) || (typeof val === 'object' && val !== null && !Array.isArray(val) && Object.keys(val).length === 0);
    if (omit && empty) continue;
    out[name] = val === undefined ? zero : val;
  }
  return out;
}

/** image.V1Image marshalled by Go (dockerd 20.10): the fallback for JSON from before Docker 1.8.3. */
function throughV1Image(img: Obj): string {
  const fields = containerConfigFields(true);
  const out: Obj = {};
  const str = (name: string, key = name) => { const s = goString(img, name, 'V1Image'); if (s) out[key] = s; };
  str('id');
  str('parent');
  str('comment');
  out.created = goTime(goField(img, 'created'));
  str('container');
  out.container_config = goConfig(goField(img, 'container_config'), fields);
  str('docker_version');
  str('author');
  const config = goField(img, 'config');
  if (config !== undefined && config !== null) out.config = goConfig(config, fields);
  str('architecture');
  str('variant');
  str('os');
  const size = goField(img, 'Size');
  if (typeof size === 'number' && size !== 0) out.Size = size;
  return goJSON(out);
}

/** The v1 JSON's parent v1 ID and OS, as moby's legacyLoadImage decodes them. */
export function v1Links(json: Buffer | string): { parent: string; os: string } {
  const img = parseObject(json, 'struct { OS string; Parent string }');
  return { parent: goString(img, 'Parent', ''), os: goString(img, 'OS', '') };
}

/** image/v1 MakeConfigFromV1Config: the image config of a v1 layer over `diffIDs` with `history`. */
export function configFromV1(json: Buffer | string, diffIDs: string[], history: HistoryEntry[]): Buffer {
  let text = json.toString();
  const img = parseObject(text, 'map[string]*json.RawMessage');
  if (versionLessThan(goString(img, 'docker_version', ''), '1.8.3')) text = throughV1Image(img);
  const members = rawMembers(text)!;
  for (const k of ['id', 'parent', 'Size', 'parent_id', 'layer_id', 'throwaway']) members.delete(k);
  members.set('rootfs', goJSON({ type: 'layers', diff_ids: diffIDs }));
  members.set('history', goJSON(history.map((h) => ({
    created: h.created, author: h.author || undefined, created_by: h.created_by || undefined,
    comment: h.comment || undefined, empty_layer: h.empty_layer || undefined,
  }))));
  return Buffer.from(goRawObject(members));
}
