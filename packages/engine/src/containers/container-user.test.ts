import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerUserIds } from './container-user.js';

let root: string;
let bare: string;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-user-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:34::/var/www:/bin/false\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nstaff:x:50:\n');
  bare = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-user-bare-'));
});
after(() => { fs.rmSync(root, { recursive: true, force: true }); fs.rmSync(bare, { recursive: true, force: true }); });

test("a container's user as moby's getUIDGID resolves it", async () => {
  const cases: [string, { uid: number; gid: number }][] = [
    ['www', { uid: 33, gid: 34 }], ['33', { uid: 33, gid: 34 }], ['4321', { uid: 4321, gid: 0 }],
    ['www:staff', { uid: 33, gid: 50 }], ['www:7', { uid: 33, gid: 7 }], [':50', { uid: 0, gid: 50 }], ['33:', { uid: 33, gid: 34 }],
  ];
  for (const [user, want] of cases) assert.deepEqual(await containerUserIds(root, user), want, user);
  await assert.rejects(containerUserIds(root, 'nobody'), /^Error: failed to look up user "nobody" in container: no matching entries in passwd file$|failed to look up user "nobody" in container: no matching entries in passwd file/);
  await assert.rejects(containerUserIds(root, 'www:wheel'), /failed to look up group "wheel" in container: no matching entries in group file/);
  // no /etc/passwd: a uid stands as is, a name cannot be found
  assert.deepEqual(await containerUserIds(bare, '12'), { uid: 12, gid: 0 });
  await assert.rejects(containerUserIds(bare, 'www'), /failed to look up user "www" in container: open \/etc\/passwd: no such file or directory/);
});
