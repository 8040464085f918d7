/**
 * system df (summary, -v, --format) with figures from the daemon's stores, and system prune:
 * Docker's warning text, stopped containers, unused networks, dangling images, -a, --volumes,
 * "Total reclaimed space" — with both berth and the docker CLI.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TestDaemon } from './harness.js';
import { busyboxDaemon, ok, CLIS } from './containers-helpers.js';

let d: TestDaemon;
before(async () => { d = await busyboxDaemon(); });

test('system df: TYPE/TOTAL/ACTIVE/SIZE/RECLAIMABLE with the daemon\'s figures', () => {
  ok(d.berth(['run', '-d', '--name', 'dfrun', '-v', 'dfvol:/data', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /data/f; sleep 60']));
  ok(d.berth(['run', '--name', 'dfstopped', 'busybox', 'sh', '-c', 'head -c 3000 /dev/zero > /big']));
  ok(d.berth(['volume', 'create', 'dfidle']));
  const api = JSON.parse(ok(d.berth(['system', 'df', '--format', '{{json .}}'])).split('\n')[0]!);
  assert.equal(api.Type, 'Images');
  for (const cli of CLIS) {
    const out = ok(d[cli](['system', 'df']));
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^TYPE\s{12}TOTAL\s{5}ACTIVE\s{4}SIZE\s{6}RECLAIMABLE$/);
    assert.match(lines[1]!, /^Images\s+1\s+1\s+[\d.]+[kM]B\s+0B \(0%\)$/);
    assert.match(lines[2]!, /^Containers\s+2\s+1\s+3kB\s+3kB \(100%\)$/); // the running one wrote to its volume only
    assert.match(lines[3]!, /^Local Volumes\s+2\s+1\s+5kB\s+0B \(0%\)$/);
    assert.match(lines[4]!, /^Build Cache\s+0\s+0\s+0B\s+0B$/);
    const v = ok(d[cli](['system', 'df', '-v']));
    assert.match(v, /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\nbusybox\s+latest\s+[0-9a-f]{12}\s+.*\s2\n/);
    assert.match(v, /\nContainers space usage:\n\nCONTAINER ID\s+IMAGE\s+COMMAND\s+LOCAL VOLUMES\s+SIZE\s+CREATED\s+STATUS\s+NAMES\n/);
    assert.match(v, /\s1\s+\S+\s+.*Up .*dfrun\n/);
    assert.match(v, /\nLocal Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n/);
    assert.match(v, /\ndfvol\s+1\s+5kB\n/);
    assert.match(v, /\ndfidle\s+0\s+0B\n/);
    assert.match(v, /\nBuild cache usage: 0B\n\nCACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+USAGE\s+SHARED\n$/);
  }
  ok(d.berth(['rm', '-f', 'dfrun', 'dfstopped']));
  ok(d.berth(['volume', 'rm', 'dfvol', 'dfidle']));
});

test('system prune: warning text, declining keeps everything', () => {
  ok(d.berth(['create', '--name', 'keepme', 'busybox', 'true']));
  for (const cli of CLIS) {
    const r = d[cli](['system', 'prune'], { input: 'n\n' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] ');
  }
  const v = d.berth(['system', 'prune', '--volumes', '-a'], { input: 'n\n' });
  assert.match(v.stdout, /  - all anonymous volumes not used by at least one container\n  - all images without at least one container associated to them\n  - all build cache\n/);
  assert.match(ok(d.berth(['ps', '-a', '--format', '{{.Names}}'])), /keepme/);
  ok(d.berth(['rm', 'keepme']));
});

test('system prune -f removes stopped containers, unused networks, dangling images; --volumes anonymous volumes; -a unused images', () => {
  for (const cli of CLIS) {
    const stopped = ok(d.berth(['create', 'busybox', 'true'])).trim();
    ok(d.berth(['run', '-d', '--name', `keep-${cli}`, 'busybox', 'sleep', '60']));
    ok(d.berth(['network', 'create', `pnet-${cli}`]));
    const anon = ok(d.berth(['create', '-v', '/anon', 'busybox', 'true'])).trim();
    const vol = ok(d.berth(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', anon])).trim();
    ok(d.berth(['rm', anon]));
    ok(d.berth(['volume', 'create', `named-${cli}`]));
    ok(d.berth(['tag', 'busybox', `dangle-${cli}:1`]));
    const out = ok(d[cli](['system', 'prune', '-f', '--volumes']));
    assert.match(out, new RegExp(`^Deleted Containers:\\n([0-9a-f]{64}\\n)*${stopped}\\n([0-9a-f]{64}\\n)*\\nDeleted Networks:\\npnet-${cli}\\n\\nDeleted Volumes:\\n${vol}\\n\\n`));
    assert.match(out, /Total reclaimed space: [\d.]+k?B\n$/);
    assert.doesNotMatch(ok(d.berth(['ps', '-aq', '--no-trunc'])), new RegExp(stopped));
    assert.match(ok(d.berth(['ps', '--format', '{{.Names}}'])), new RegExp(`keep-${cli}`));
    assert.match(ok(d.berth(['volume', 'ls', '-q'])), new RegExp(`named-${cli}`));
    assert.doesNotMatch(ok(d.berth(['volume', 'ls', '-q'])), new RegExp(vol));
    assert.doesNotMatch(ok(d.berth(['network', 'ls', '--format', '{{.Name}}'])), new RegExp(`pnet-${cli}`));
    ok(d.berth(['rm', '-f', `keep-${cli}`]));
    ok(d.berth(['volume', 'rm', `named-${cli}`]));
    ok(d.berth(['rmi', `dangle-${cli}:1`]));
  }
  // -a: an image without containers goes (tags untagged, image deleted).
  ok(d.berth(['tag', 'busybox', 'gone:1']));
  const out = ok(d.berth(['system', 'prune', '-a', '-f']));
  assert.match(out, /Deleted Images:\nuntagged: busybox:latest\nuntagged: gone:1\ndeleted: sha256:[0-9a-f]{64}\n/);
  assert.match(out, /Total reclaimed space: [\d.]+MB\n$/);
  assert.equal(ok(d.berth(['images', '-q'])), '');
});
