/**
 * Image references as Docker parses them (distribution/reference): `busybox` →
 * `docker.io/library/busybox:latest`, `localhost:5000/x:y`, `repo@sha256:…`, with Docker's
 * error messages. Pure: used by the engine's image store and the CLI alike.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const referenceRe = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const tagRe = new RegExp(`^${TAG}$`);
const digestRe = new RegExp(`^${DIGEST}$`);
const fullIdRe = /^[a-f0-9]{64}$/;
const sha256Re = /^sha256:[a-f0-9]{64}$/;

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

export class ReferenceError extends Error {
  constructor(message: string) { super(message); this.name = 'ReferenceError'; }
}

/** A parsed, normalized reference. `name` is the full name (`docker.io/library/busybox`). */
export interface Reference {
  /** Full repository name with domain: `docker.io/library/busybox`, `localhost:5000/foo/bar`. */
  name: string;
  domain: string;
  /** The path below the domain: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** distribution/reference.Parse on an already-normalized string. */
function parse(s: string): Reference {
  const m = referenceRe.exec(s);
  if (!m) {
    if (s === '') throw new ReferenceError('repository name must have at least one component');
    if (referenceRe.test(s.toLowerCase())) throw new ReferenceError('repository name must be lowercase');
    throw new ReferenceError('invalid reference format');
  }
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new ReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const { domain, path } = splitDomain(name);
  const ref: Reference = { name, domain, path };
  if (m[2]) ref.tag = m[2];
  if (m[3]) {
    if (m[3].startsWith('sha256:') && !sha256Re.test(m[3])) throw new ReferenceError('invalid reference format');
    ref.digest = m[3];
  }
  return ref;
}

function splitDomain(name: string): { domain: string; path: string } {
  const i = name.indexOf('/');
  if (i < 0) return { domain: '', path: name };
  const first = name.slice(0, i);
  if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) return { domain: first, path: name.slice(i + 1) };
  return { domain: '', path: name };
}

/** Docker's splitDockerDomain: the default domain and `library/` for official images. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  if (i < 0 || (!/[.:]/.test(name.slice(0, i)) && name.slice(0, i) !== 'localhost' && name.slice(0, i).toLowerCase() === name.slice(0, i))) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = name.slice(0, i);
    remainder = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/**
 * ParseNormalizedNamed: `busybox` → docker.io/library/busybox (no tag added).
 * Throws ReferenceError with Docker's message.
 */
export function parseNormalizedNamed(s: string): Reference {
  if (fullIdRe.test(s)) throw new ReferenceError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const { domain, remainder } = splitDockerDomain(s);
  const nameEnd = remainder.search(/[:@]/);
  const remoteName = nameEnd < 0 ? remainder : remainder.slice(0, nameEnd);
  if (remoteName.toLowerCase() !== remoteName) {
    throw new ReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const ref = parse(`${domain}/${remainder}`);
  return ref;
}

/** ParseNormalizedNamed + TagNameOnly: adds `:latest` when neither tag nor digest is given. */
export function parseNormalizedTagged(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (!ref.tag && !ref.digest) ref.tag = DEFAULT_TAG;
  return ref;
}

/**
 * ParseAnyReference: a 64-hex ID or `sha256:<hex>` gives `{ id }`; anything else a named reference.
 */
export function parseAnyReference(s: string): { id: string } | { ref: Reference } {
  if (fullIdRe.test(s)) return { id: `sha256:${s}` };
  if (sha256Re.test(s)) return { id: s };
  return { ref: parseNormalizedNamed(s) };
}

/** The full string: `docker.io/library/busybox:latest`, `repo@sha256:…`. */
export function formatReference(r: Reference): string {
  return r.name + (r.tag ? `:${r.tag}` : '') + (r.digest ? `@${r.digest}` : '');
}

/** FamiliarName: `docker.io/library/busybox` → `busybox`, `docker.io/foo/bar` → `foo/bar`. */
export function familiarName(name: string): string {
  if (!name.startsWith(`${DEFAULT_DOMAIN}/`)) return name;
  let rest = name.slice(DEFAULT_DOMAIN.length + 1);
  if (rest.startsWith('library/') && !rest.slice('library/'.length).includes('/')) rest = rest.slice('library/'.length);
  return rest;
}

/** FamiliarString: `busybox:latest`, `localhost:5000/x:y`, `foo@sha256:…`. */
export function familiarString(r: Reference): string {
  return familiarName(r.name) + (r.tag ? `:${r.tag}` : '') + (r.digest ? `@${r.digest}` : '');
}

/** Familiar form of a full reference string (as stored). */
export function familiarize(full: string): string {
  return familiarString(parseStored(full));
}

/** Parse a string that is already full (`docker.io/library/busybox:latest`) without re-normalizing. */
export function parseStored(full: string): Reference {
  return parse(full);
}

export function isValidTag(tag: string): boolean {
  return tagRe.test(tag);
}

export function isValidDigest(d: string): boolean {
  return digestRe.test(d) && (!d.startsWith('sha256:') || sha256Re.test(d));
}

/** `repo` + optional `tag` (POST /images/{name}/tag, import's repo/tag) → normalized tagged reference. */
export function withTag(repo: string, tag?: string): Reference {
  const ref = parseNormalizedNamed(repo);
  if (ref.digest) throw new ReferenceError('cannot import digest reference');
  if (tag) {
    if (!isValidTag(tag)) throw new ReferenceError('invalid tag format');
    ref.tag = tag;
  }
  if (!ref.tag && !ref.digest) ref.tag = DEFAULT_TAG;
  return ref;
}
