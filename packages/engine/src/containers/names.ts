/** The name registry: "/name" → container ID, and Docker's lookup by ID, name or unique ID prefix. */
import { Conflict, InvalidArgument, NotFound, randomName, validContainerName } from '@berth/shared';

export class NameRegistry {
  private readonly byName = new Map<string, string>();

  /** Reserve `/name` for id; Docker's conflict message when taken. */
  reserve(name: string, id: string): string {
    const n = name.startsWith('/') ? name : `/${name}`;
    if (!validContainerName.test(n)) throw new InvalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const owner = this.byName.get(n);
    if (owner && owner !== id) {
      throw new Conflict(`Conflict. The container name "${n}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    this.byName.set(n, id);
    return n;
  }

  generate(id: string): string {
    for (let retry = 0; retry < 10; retry++) {
      const n = `/${randomName(retry)}`;
      if (!this.byName.has(n)) { this.byName.set(n, id); return n; }
    }
    const n = `/${id.slice(0, 12)}`;
    this.byName.set(n, id);
    return n;
  }

  release(name: string): void { this.byName.delete(name); }
  get(name: string): string | undefined { return this.byName.get(name.startsWith('/') ? name : `/${name}`); }
}

/** Docker's container lookup: full ID, then exact name, then unique ID prefix. */
export function resolveContainer(ref: string, ids: Iterable<string>, names: NameRegistry): string {
  const all = [...ids];
  if (all.includes(ref)) return ref;
  const byName = names.get(ref);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(ref)) {
    const hits = all.filter((id) => id.startsWith(ref));
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new InvalidArgument(`multiple IDs found with provided prefix: ${ref}`);
  }
  throw new NotFound(`No such container: ${ref}`);
}
