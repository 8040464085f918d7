/**
 * A container's Config.User as host ids, looked up in the container's own /etc/passwd and
 * /etc/group (read inside its root), as moby's getUIDGID does for `docker cp -a`:
 * `user[:group]`, each a name or a number; a uid found in passwd brings its primary group, one
 * not found stands as is with gid 0; an empty part means root.
 */
import { InvalidArgument } from '@berth/shared';
import { readFileInRoot, type RootRef } from '../storage/in-root.js';

const MAX_ID = 2 ** 31 - 1;
const asId = (s: string): number | undefined => (/^\d+$/.test(s) && Number(s) <= MAX_ID ? Number(s) : undefined);

async function entries(root: RootRef, file: 'passwd' | 'group'): Promise<string[][]> {
  const text = await readFileInRoot(root, `/etc/${file}`);
  if (!text) throw new Error(`open /etc/${file}: no such file or directory`);
  return text.toString('utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

async function lookupUser(root: RootRef, nameOrId: string): Promise<{ uid: number; gid: number }> {
  const id = asId(nameOrId);
  let users: string[][];
  try { users = await entries(root, 'passwd'); } catch (e) {
    if (id !== undefined) return { uid: id, gid: 0 };
    throw new InvalidArgument(`failed to look up user "${nameOrId}" in container: ${(e as Error).message}`);
  }
  const hit = users.find((f) => (id !== undefined ? asId(f[2] ?? '') === id : f[0] === nameOrId));
  if (hit) return { uid: Number(hit[2]), gid: Number(hit[3]) || 0 };
  if (id !== undefined) return { uid: id, gid: 0 };
  throw new InvalidArgument(`failed to look up user "${nameOrId}" in container: no matching entries in passwd file`);
}

async function lookupGid(root: RootRef, nameOrId: string): Promise<number> {
  const id = asId(nameOrId);
  if (id !== undefined) return id;
  let groups: string[][];
  try { groups = await entries(root, 'group'); } catch (e) {
    throw new InvalidArgument(`failed to look up group "${nameOrId}" in container: ${(e as Error).message}`);
  }
  const hit = groups.find((f) => f[0] === nameOrId);
  if (!hit) throw new InvalidArgument(`failed to look up group "${nameOrId}" in container: no matching entries in group file`);
  return Number(hit[2]) || 0;
}

/** The ids of `user` inside `root`. */
export async function containerUserIds(root: RootRef, user: string): Promise<{ uid: number; gid: number }> {
  const [name = '', group = ''] = user.split(/:(.*)/s);
  let ids = { uid: 0, gid: 0 };
  if (name) ids = await lookupUser(root, name);
  if (group) ids = { ...ids, gid: await lookupGid(root, group) };
  return ids;
}
