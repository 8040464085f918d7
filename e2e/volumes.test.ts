/**
 * Volumes and mounts with berth and the real docker CLI: volume create/ls/inspect/rm/prune and
 * their errors, then the seed walkthroughs (000 §6, 001 on bind mounts): named volumes seen on
 * the host and by other containers, read-only binds, --volumes-from chains, copy-up, rm -v.
 * Its containers run with `--network none`: these tests are about mounts, not networking.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBusybox } from './images.js';
import { useDaemon, type TestDaemon, type RunResult } from './harness.js';

let d: TestDaemon;
let hostDir: string;
before(async () => {
  d = await useDaemon();
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vol-host-'));
});
after(() => { if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true }); });

type Cli = 'berth' | 'docker';
const cli = (which: Cli, args: string[], opts: { input?: string } = {}): RunResult => d[which](args, opts);
const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };

async function api(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: p, method, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode!, json: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

for (const which of ['berth', 'docker'] as Cli[]) {
  test(`${which}: volume create, ls, inspect, rm`, () => {
    const name = `${which}-v1`;
    assert.equal(ok(cli(which, ['volume', 'create', '--label', 'team=a', name])), `${name}\n`);
    // Idempotent for the same name and driver.
    assert.equal(ok(cli(which, ['volume', 'create', name])), `${name}\n`);
    const [v] = JSON.parse(ok(cli(which, ['volume', 'inspect', name])));
    assert.equal(v.Name, name);
    assert.equal(v.Driver, 'local');
    assert.equal(v.Scope, 'local');
    assert.deepEqual(v.Labels, { team: 'a' });
    assert.equal(v.Mountpoint, path.join(d.dataRoot, 'volumes', name, '_data'));
    assert.ok(fs.statSync(v.Mountpoint).isDirectory());
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(ok(cli(which, ['volume', 'inspect', '-f', '{{.Mountpoint}}', name])), `${v.Mountpoint}\n`);
    assert.match(ok(cli(which, ['volume', 'ls'])), new RegExp(`^DRIVER    VOLUME NAME\n(.*\n)*local     ${name}\n`));
    assert.equal(ok(cli(which, ['volume', 'rm', name])), `${name}\n`);
    assert.ok(!fs.existsSync(path.dirname(v.Mountpoint)));
  });

  test(`${which}: volume errors use Docker's texts`, () => {
    let r = cli(which, ['volume', 'create', '-d', 'nosuch', 'xx']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: create xx: error looking up volume plugin nosuch: plugin "nosuch" not found\n');
    r = cli(which, ['volume', 'create', 'rel/path']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /create rel\/path: "rel\/path" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed\. If you intended to pass a host directory, use absolute path/);
    r = cli(which, ['volume', 'inspect', 'nosuch']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: get nosuch: no such volume\n');
    r = cli(which, ['volume', 'rm', 'nosuch']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: get nosuch: no such volume\n');
    assert.equal(cli(which, ['volume', 'rm', '-f', 'nosuch']).code, 0);
    r = cli(which, ['volume', 'create', '-o', 'bogus=1', 'xy']);
    assert.equal(r.stderr, 'Error response from daemon: create xy: invalid option: "bogus"\n');
    r = cli(which, ['volume', 'ls', '-f', 'bogus=1']);
    assert.equal(r.stderr, "Error response from daemon: invalid filter 'bogus'\n");
  });

  test(`${which}: volume ls filters and formats`, () => {
    const p = `${which}-f`;
    ok(cli(which, ['volume', 'create', '--label', 'env=prod', `${p}-a`]));
    ok(cli(which, ['volume', 'create', '--label', 'env=dev', `${p}-b`]));
    try {
      assert.equal(ok(cli(which, ['volume', 'ls', '-q', '-f', `name=${p}-`])), `${p}-a\n${p}-b\n`);
      assert.equal(ok(cli(which, ['volume', 'ls', '-q', '-f', `name=${p}`, '-f', 'label=env=prod'])), `${p}-a\n`);
      assert.equal(ok(cli(which, ['volume', 'ls', '-q', '-f', `name=${p}`, '-f', 'label=env'])), `${p}-a\n${p}-b\n`);
      assert.equal(ok(cli(which, ['volume', 'ls', '-q', '-f', `name=${p}`, '-f', 'driver=local', '-f', 'dangling=true'])), `${p}-a\n${p}-b\n`);
      assert.equal(ok(cli(which, ['volume', 'ls', '-q', '-f', `name=${p}`, '-f', 'dangling=false'])), '');
      assert.equal(ok(cli(which, ['volume', 'ls', '-f', `name=${p}-a`, '--format', '{{.Name}} {{.Label "env"}} {{.Labels}}'])), `${p}-a prod env=prod\n`);
      assert.equal(ok(cli(which, ['volume', 'ls', '-f', `name=${p}-a`, '--format', 'table {{.Name}}\t{{.Scope}}'])),
        `VOLUME NAME   SCOPE\n${`${p}-a`.padEnd(14)}local\n`);
      const json = JSON.parse(ok(cli(which, ['volume', 'ls', '-f', `name=${p}-b`, '--format', 'json'])));
      assert.equal(json.Name, `${p}-b`);
      assert.equal(json.Labels, 'env=dev');
      assert.equal(json.Size, 'N/A');
    } finally {
      cli(which, ['volume', 'rm', `${p}-a`, `${p}-b`]);
    }
  });

  test(`${which}: volume prune removes anonymous volumes, -a named ones too`, async () => {
    const anon = await api('POST', '/volumes/create', { Labels: { 'com.docker.volume.anonymous': '' } });
    assert.equal(anon.status, 201);
    assert.match(anon.json.Name, /^[0-9a-f]{64}$/);
    ok(cli(which, ['volume', 'create', `${which}-named`]));
    // Declining the prompt prunes nothing and is no error.
    let r = cli(which, ['volume', 'prune'], { input: 'n\n' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ');
    r = cli(which, ['volume', 'prune'], { input: 'y\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Deleted Volumes:\n${anon.json.Name}\n\nTotal reclaimed space: 0B\n$`));
    assert.ok(ok(cli(which, ['volume', 'ls', '-q'])).includes(`${which}-named\n`));
    assert.equal(ok(cli(which, ['volume', 'prune', '-f'])), 'Total reclaimed space: 0B\n');
    fs.writeFileSync(path.join(d.dataRoot, 'volumes', `${which}-named`, '_data', 'f'), 'x'.repeat(1500));
    r = cli(which, ['volume', 'prune', '-a', '-f', '--filter', 'label!=keep']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Deleted Volumes:\n(.*\n)*${which}-named\n(.*\n)*\nTotal reclaimed space: 1\\.5kB\n$`));
    assert.ok(!ok(cli(which, ['volume', 'ls', '-q'])).includes(`${which}-named\n`));
  });
}

test('API: create is idempotent per driver, GET /volumes has Volumes and Warnings', async () => {
  let r = await api('POST', '/volumes/create', { Name: 'apivol', Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } });
  assert.equal(r.status, 201);
  assert.deepEqual(r.json.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' });
  r = await api('POST', '/volumes/create', { Name: 'apivol', Driver: 'nosuch' });
  assert.equal(r.status, 404);
  assert.equal(r.json.message, 'create apivol: error looking up volume plugin nosuch: plugin "nosuch" not found');
  r = await api('POST', '/volumes/create', { Name: 'x2', DriverOpts: { device: '/dev/null' } });
  assert.equal(r.status, 400);
  r = await api('GET', '/volumes?filters=' + encodeURIComponent(JSON.stringify({ name: ['apivol'] })));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.Warnings, []);
  assert.deepEqual(r.json.Volumes.map((v: any) => v.Name), ['apivol']);
  r = await api('GET', '/volumes/apivol');
  assert.equal(r.json.Scope, 'local');
  r = await api('DELETE', '/volumes/apivol');
  assert.equal(r.status, 204);
  r = await api('GET', '/volumes?filters=' + encodeURIComponent(JSON.stringify({ dangling: ['maybe'] })));
  assert.equal(r.status, 400);
  assert.equal(r.json.message, "invalid filter 'dangling=maybe'");
});

// ---- with containers ----

let busybox: string | undefined;
/** The busybox image, imported once; the container tests fail (never skip) if it cannot be had. */
async function needContainers(_t: unknown, _which: Cli): Promise<boolean> {
  busybox ??= ensureBusybox(d);
  return true;
}
const img = () => busybox!;

for (const which of ['berth', 'docker'] as Cli[]) {
  test(`${which}: a file written through a named volume shows at its Mountpoint and in a second container`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const vol = `${which}-data`;
    ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${vol}:/data`, img(), 'sh', '-c', 'echo hello > /data/abc.txt']));
    const mp = ok(cli(which, ['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
    assert.equal(fs.readFileSync(path.join(mp, 'abc.txt'), 'utf8'), 'hello\n');
    assert.equal(ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${vol}:/other`, img(), 'cat', '/other/abc.txt'])), 'hello\n');
    ok(cli(which, ['volume', 'rm', vol]));
  });

  test(`${which}: a :ro bind refuses writes with EROFS; a missing host dir is created`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const dir = path.join(hostDir, `${which}-ro`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'host\n');
    const r = cli(which, ['run', '--network', 'none', '--rm', '-v', `${dir}:/opt/docker/volume2:ro`, img(), 'sh', '-c', 'cat /opt/docker/volume2/keep.txt; echo x > /opt/docker/volume2/keep.txt']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, 'host\n');
    assert.match(r.stderr, /Read-only file system/);
    assert.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'host\n');
    const fresh = path.join(hostDir, `${which}-new`, 'sub');
    ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${fresh}:/w`, img(), 'sh', '-c', 'echo rw > /w/f']));
    assert.equal(fs.readFileSync(path.join(fresh, 'f'), 'utf8'), 'rw\n');
    // A bind mount of a single file.
    const file = path.join(hostDir, `${which}-hist`);
    fs.writeFileSync(file, 'line\n');
    assert.equal(ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${file}:/.bash_history`, img(), 'cat', '/.bash_history'])), 'line\n');
  });

  test(`${which}: --volumes-from shares data, chained, from a stopped container`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const src = `${which}_data_volume`;
    ok(cli(which, ['run', '--network', 'none', '-d', '-v', '/opt/db', '--name', src, img(), 'echo', 'data volume']));
    ok(cli(which, ['wait', src]));
    ok(cli(which, ['run', '--network', 'none', '--name', `${which}_v1`, '--volumes-from', src, img(), 'sh', '-c', 'echo one > /opt/db/x']));
    assert.equal(ok(cli(which, ['run', '--network', 'none', '--rm', '--volumes-from', `${which}_v1`, img(), 'cat', '/opt/db/x'])), 'one\n');
    const r = cli(which, ['run', '--network', 'none', '--rm', '--volumes-from', `${src}:ro`, img(), 'sh', '-c', 'echo two > /opt/db/x']);
    assert.match(r.stderr, /Read-only file system/);
    const mounts = JSON.parse(ok(cli(which, ['inspect', '-f', '{{json .Mounts}}', src])));
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0].Type, 'volume');
    assert.equal(mounts[0].Destination, '/opt/db');
    assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
    assert.equal(mounts[0].Source, path.join(d.dataRoot, 'volumes', mounts[0].Name, '_data'));
    // The volume outlives both containers unless the last one goes with -v.
    ok(cli(which, ['rm', `${which}_v1`]));
    ok(cli(which, ['rm', '-v', src]));
    assert.ok(!ok(cli(which, ['volume', 'ls', '-q'])).includes(mounts[0].Name));
  });

  test(`${which}: copy-up fills a new volume with the image's content; nocopy does not`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const vol = `${which}-etc`;
    assert.match(ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${vol}:/etc`, img(), 'cat', '/etc/passwd'])), /^root:/m);
    const mp = ok(cli(which, ['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
    assert.match(fs.readFileSync(path.join(mp, 'passwd'), 'utf8'), /^root:/m);
    ok(cli(which, ['volume', 'rm', vol]));
    assert.equal(ok(cli(which, ['run', '--network', 'none', '--rm', '-v', `${vol}-n:/etc:nocopy`, img(), 'ls', '-A', '/etc'])), '');
    ok(cli(which, ['volume', 'rm', `${vol}-n`]));
  });

  test(`${which}: rm -v removes anonymous volumes only; a volume in use is refused`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const named = `${which}-keep`;
    const id = ok(cli(which, ['create', '--network', 'none', '-v', '/anon', '-v', `${named}:/named`, img(), 'true'])).trim();
    const mounts = JSON.parse(ok(cli(which, ['inspect', '-f', '{{json .Mounts}}', id])));
    const anon = mounts.find((m: any) => m.Destination === '/anon').Name;
    const r = cli(which, ['volume', 'rm', named]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: remove ${named}: volume is in use - [${id}]\n`);
    ok(cli(which, ['rm', '-v', id]));
    const left = ok(cli(which, ['volume', 'ls', '-q']));
    assert.ok(left.includes(`${named}\n`));
    assert.ok(!left.includes(anon));
    ok(cli(which, ['volume', 'rm', named]));
  });

  test(`${which}: run --rm takes its anonymous volumes with it and leaves named ones`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const named = `${which}-rm-keep`;
    const before = new Set(ok(cli(which, ['volume', 'ls', '-q'])).split('\n').filter(Boolean));
    ok(cli(which, ['run', '--rm', '--network', 'none', '-v', '/anon', '-v', `${named}:/named`, img(), 'touch', '/anon/x', '/named/x']));
    const after = ok(cli(which, ['volume', 'ls', '-q'])).split('\n').filter((v) => v && !before.has(v));
    assert.deepEqual(after, [named]);
    ok(cli(which, ['volume', 'rm', named]));
  });

  test(`${which}: bad mounts are rejected with Docker's messages`, async (t) => {
    if (!(await needContainers(t, which))) return;
    let r = cli(which, ['run', '--network', 'none', '--rm', '-v', 'foo/bar:/x', img(), 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /create foo\/bar: "foo\/bar" includes invalid characters for a local volume name.*If you intended to pass a host directory, use absolute path/);
    r = cli(which, ['run', '--network', 'none', '--rm', '--mount', `type=bind,source=${hostDir}/nope,target=/x`, img(), 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${hostDir}/nope`));
    r = cli(which, ['run', '--network', 'none', '--rm', '--mount', 'type=bind,source=/tmp', img(), 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /invalid argument "type=bind,source=\/tmp" for "--mount" flag: target is required/);
    r = cli(which, ['run', '--network', 'none', '--rm', '--volume-driver', 'nosuch', '-v', 'vdx:/x', img(), 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /error looking up volume plugin nosuch: plugin "nosuch" not found/);
  });

  test(`${which}: --mount and --tmpfs mounts`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const dir = path.join(hostDir, `${which}-m`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'f'), 'm\n');
    const out = ok(cli(which, ['run', '--network', 'none', '--rm', '--mount', `type=bind,source=${dir},target=/b,readonly`,
      '--mount', 'type=tmpfs,target=/t,tmpfs-size=1m', '--mount', `type=volume,source=${which}-mv,target=/v`,
      '--tmpfs', '/run2:size=2m', img(), 'sh', '-c', 'cat /b/f; grep -E " /(t|run2|b) " /proc/mounts | cut -d" " -f2-4 | sort']));
    assert.match(out, /^m\n/);
    assert.match(out, /\/b \S+ ro,/);
    assert.match(out, /\/run2 tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k/);
    assert.match(out, /\/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k/);
    ok(cli(which, ['volume', 'rm', `${which}-mv`]));
  });
}

for (const which of ['berth', 'docker'] as Cli[]) {
  test(`${which}: a volume with -o type=tmpfs is mounted for its containers and released on rm`, async (t) => {
    if (!(await needContainers(t, which))) return;
    const vol = `${which}-tmpfsvol`;
    ok(cli(which, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', vol]));
    const id = ok(cli(which, ['run', '--network', 'none', '-d', '-v', `${vol}:/d`, img(), 'sh', '-c', 'grep " /d " /proc/mounts; echo x > /d/f']));
    ok(cli(which, ['wait', id.trim()]));
    assert.match(ok(cli(which, ['logs', id.trim()])), /^tmpfs \/d tmpfs rw,.*size=1024k/);
    ok(cli(which, ['rm', id.trim()]));
    const mp = path.join(d.dataRoot, 'volumes', vol, '_data');
    assert.ok(!fs.readFileSync('/proc/self/mounts', 'utf8').includes(` ${mp} `), 'the volume is unmounted after rm');
    assert.ok(!fs.existsSync(path.join(mp, 'f')));
    ok(cli(which, ['volume', 'rm', vol]));
  });
}
