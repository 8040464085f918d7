// berth-monitor, driven directly over its protocol (fd 3, attach.sock, monitor.sock) with a
// busybox rootfs as the overlay lower layer. Needs root; every test cleans up after itself.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AttachClient, CGROUP_V2, ControlClient, Fixture, MonitorProc, buildMonitor, cgroupDirs, exists, logText,
  memoryCgroupDir, readExit, runContainer, waitFor,
} from './monitor-harness.js';

const isRoot = process.getuid?.() === 0;

describe('berth-monitor', { skip: isRoot ? false : 'needs root (namespaces, mounts, cgroups)' }, () => {
  let fx: Fixture;

  before(() => {
    buildMonitor();
    fx = new Fixture();
  });

  after(() => {
    fx?.cleanup();
  });

  /** No cgroup dir, socket or stray process left behind by a finished container. */
  function assertCleanedUp(r: { bundle: { dir: string; cgroupsPath: string } }) {
    for (const d of cgroupDirs(r.bundle.cgroupsPath)) assert.ok(!exists(d), `cgroup ${d} removed`);
    assert.ok(!exists(path.join(r.bundle.dir, 'attach.sock')), 'attach.sock removed');
    assert.ok(!exists(path.join(r.bundle.dir, 'monitor.sock')), 'monitor.sock removed');
  }

  it('logs output as json-file lines and frames it for attach clients', async () => {
    let client: AttachClient | undefined;
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'echo hello; echo oops >&2; printf "<a&b>\\t\\"q\\"\\n"; printf partial'],
    }, { beforeStart: async (dir) => { client = await AttachClient.connect(dir); } });
    assert.equal(r.created.t, 'created');
    assert.equal(r.started?.t, 'started');
    assert.equal(r.monitorExit.code, 0);
    assert.equal(r.exit?.code, 0);

    const out = r.log.filter((e) => e.stream === 'stdout').map((e) => e.log);
    assert.deepEqual(out, ['hello\n', '<a&b>\t"q"\n', 'partial']);
    assert.deepEqual(r.log.filter((e) => e.stream === 'stderr').map((e) => e.log), ['oops\n']);
    for (const e of r.log) assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    // Go's encoding/json escaping, byte for byte
    const raw = fs.readFileSync(r.bundle.logPath, 'utf8');
    assert.ok(raw.includes('{"log":"\\u003ca\\u0026b\\u003e\\t\\"q\\"\\n","stream":"stdout","time":"'), raw);
    assert.ok(raw.includes('{"log":"hello\\n","stream":"stdout","time":"'), raw);

    await client!.closed;
    assert.equal(client!.stdout.toString(), 'hello\n<a&b>\t"q"\npartial');
    assert.equal(client!.stderr.toString(), 'oops\n');
    assert.ok(client!.frames.every((f) => f.stream === 1 || f.stream === 2));
    assertCleanedUp(r);
  });

  it("escapes log lines as Go's encoding/json does", async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'printf "\\001\\033[1m\\377 \\342\\200\\250 \\303\\251\\r\\n"'] });
    const raw = fs.readFileSync(r.bundle.logPath, 'utf8');
    assert.ok(raw.startsWith('{"log":"\\u0001\\u001b[1m\\ufffd \\u2028 é\\r\\n","stream":"stdout","time":"'), raw);
  });

  it('reports the exit code (sh -c "exit 3")', async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'exit 3'] });
    assert.equal(r.started?.t, 'started');
    assert.deepEqual({ code: r.exit?.code, signal: r.exit?.signal, oom: r.exit?.oom }, { code: 3, signal: 0, oom: false });
    assert.match(r.exit!.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    assertCleanedUp(r);
  });

  it('fails with 127 for a command that is not found', async () => {
    const r = await runContainer(fx, { args: ['nosuchcmd'] });
    assert.equal(r.created.t, 'created');
    assert.deepEqual(r.started, {
      t: 'exec-failed', code: 127, msg: 'exec: "nosuchcmd": executable file not found in $PATH',
    });
    assert.notEqual(r.monitorExit.code, 0);
    assert.equal(r.exit, undefined);
    assertCleanedUp(r);
  });

  it('fails with 126 for something that cannot be executed', async () => {
    const r = await runContainer(fx, { args: ['/etc'] });
    assert.deepEqual(r.started, { t: 'exec-failed', code: 126, msg: 'exec: "/etc": permission denied' });
    assertCleanedUp(r);
  });

  it('runs the process as PID 1 in its own pid namespace', async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'echo $$; ps -o pid,comm'] });
    const lines = logText(r.log, 'stdout').trim().split('\n');
    assert.equal(lines[0], '1');
    const pids = lines.slice(2).map((l) => Number(l.trim().split(/\s+/)[0]));
    assert.deepEqual(pids.sort((a, b) => a - b).slice(0, 1), [1]);
    assert.ok(pids.length <= 3, `only the container's processes: ${lines.join(' | ')}`);
    assert.ok(pids.every((p) => p < 10), `small pids: ${pids}`);
  });

  it('sets the hostname and brings up lo in a new network namespace', async () => {
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'hostname; ls /sys/class/net; ip -o link show lo | grep -c ",UP"; cat /proc/self/oom_score_adj; cat /proc/sys/net/ipv4/ping_group_range; umask'],
      hostname: 'berth-test-host', oomScoreAdj: 500, sysctl: { 'net.ipv4.ping_group_range': '0 2147483647' },
    });
    assert.equal(logText(r.log, 'stdout'), 'berth-test-host\nlo\n1\n500\n0\t2147483647\n0022\n');
  });

  it('makes /proc/sys read-only and masks paths', async () => {
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'echo 1 > /proc/sys/kernel/ns_last_pid && echo WROTE; cat /proc/timer_list | wc -c; exit 0'],
    });
    const err = logText(r.log, 'stderr');
    assert.match(err, /Read-only file system/);
    assert.ok(!logText(r.log, 'stdout').includes('WROTE'));
    if (exists('/proc/timer_list')) assert.equal(logText(r.log, 'stdout').trim(), '0'); // masked by /dev/null
  });

  it("gives Docker's default capability set", async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'grep Cap /proc/self/status'] });
    const caps = Object.fromEntries(logText(r.log, 'stdout').trim().split('\n').map((l) => l.split(/:\s*/)));
    assert.equal(caps.CapBnd, '00000000a80425fb');
    assert.equal(caps.CapEff, '00000000a80425fb');
    assert.equal(caps.CapPrm, '00000000a80425fb');
    assert.equal(caps.CapAmb, '0000000000000000');
  });

  it('applies a 64 MiB memory limit and reports an OOM kill', async () => {
    const limit = 64 * 1024 * 1024;
    let hostLimit = '';
    const r = await runContainer(fx, {
      args: ['sh', '-c', `cat /sys/fs/cgroup/${CGROUP_V2 ? 'memory.max' : 'memory/memory.limit_in_bytes'}; sleep 0.2; x=aaaaaaaa; while true; do x=$x$x; done`],
      resources: { memory: { limit, swap: limit }, pids: { limit: 64 }, cpu: { shares: 512 } },
    }, {
      beforeStart: (dir) => {
        const id = path.basename(dir);
        const f = path.join(memoryCgroupDir(`/${fx.cgroupParent}/${id}`), CGROUP_V2 ? 'memory.max' : 'memory.limit_in_bytes');
        hostLimit = fs.readFileSync(f, 'utf8').trim();
      },
    });
    assert.equal(hostLimit, String(limit));
    assert.equal(logText(r.log, 'stdout').trim(), String(limit));
    assert.equal(r.exit?.oom, true);
    assert.equal(r.exit?.code, 137);
    assert.equal(r.exit?.signal, 9);
    assertCleanedUp(r);
  });

  it('feeds attach stdin to the process and closes it on EOF (stdin-once)', async () => {
    let client: AttachClient | undefined;
    const r = await runContainer(fx, { args: ['cat'], openStdin: true, stdinOnce: true }, {
      beforeStart: async (dir) => { client = await AttachClient.connect(dir); },
      afterStart: () => {
        client!.sendStdin('hello ');
        client!.sendStdin('stdin\n');
        client!.sendEof();
      },
    });
    assert.equal(r.exit?.code, 0);
    assert.equal(logText(r.log, 'stdout'), 'hello stdin\n');
    await client!.closed;
    assert.equal(client!.stdout.toString(), 'hello stdin\n');
  });

  it('gives a terminal when asked (console size, resize, /dev/console)', async () => {
    let ctl: ControlClient | undefined;
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'tty; stty size; read x; stty size; ls -l /dev/console | cut -c1'],
      tty: true, openStdin: true, consoleSize: { height: 30, width: 100 },
    }, {
      afterStart: async (_m, _pid, dir) => {
        ctl = await ControlClient.connect(dir);
        assert.equal((await ctl.next())?.t, 'running');
        await waitFor(() => fs.existsSync(path.join(dir, 'json.log')) && fs.readFileSync(path.join(dir, 'json.log'), 'utf8').includes('30 100'), 5000, 'first stty size');
        ctl.send({ t: 'resize', h: 40, w: 120 });
        const a = await AttachClient.connect(dir);
        a.sendStdin('go\n');
      },
    });
    const out = logText(r.log);
    assert.ok(r.log.every((e) => e.stream === 'stdout'), 'a terminal has one stream');
    assert.match(out, /^\/dev\/(pts\/0|console)\r\n/);
    assert.match(out, /30 100\r\n/);
    assert.match(out, /40 120\r\n/);
    assert.match(out, /c\r\n$/); // /dev/console is the pty
    assert.equal(r.exit?.code, 0);
    const exitMsg = await ctl!.next();
    assert.equal(exitMsg?.t, 'exit');
    assert.equal(exitMsg?.code, 0);
  });

  it('resolves users by name inside the container', async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'id -u; id -g; echo $HOME'], user: 'nobody' });
    assert.equal(logText(r.log, 'stdout'), '65534\n65534\n/home\n');
    const w = await runContainer(fx, { args: ['id'], user: 'www' });
    // moby's getUser: the primary gid, then the groups listing the user
    assert.equal(logText(w.log, 'stdout'), 'uid=1000(www) gid=1000(www) groups=50(staff),1000(www)\n');
    const n = await runContainer(fx, { args: ['id', '-u'], user: '4242:4343' });
    assert.equal(logText(n.log, 'stdout'), '4242\n');
  });

  it('adds HostConfig.GroupAdd: names from the container\'s /etc/group, numbers as they are', async () => {
    const g = await runContainer(fx, { args: ['id', '-G'], user: 'nobody', annotations: { 'berth.group-add': 'staff\n4242' } });
    assert.deepEqual(logText(g.log, 'stdout').trim().split(' ').map(Number).sort((a, b) => a - b), [50, 4242, 65534]);
    const r = await runContainer(fx, { args: ['true'], annotations: { 'berth.group-add': 'nosuchgroup' } });
    assert.deepEqual(r.created, { t: 'spec-error', code: 128, msg: 'unable to find group nosuchgroup: no matching entries in group file' });
  });

  it('fails as a spec error for an unknown user (dockerd finds it building the spec), leaving nothing behind', async () => {
    const r = await runContainer(fx, { args: ['true'], user: 'nosuchuser' });
    assert.deepEqual(r.created, {
      t: 'spec-error', code: 128, msg: 'unable to find user nosuchuser: no matching entries in passwd file',
    });
    assert.notEqual(r.monitorExit.code, 0);
    assertCleanedUp(r);
  });

  it('fails with 125 when setup fails (a bind mount without a source)', async () => {
    const r = await runContainer(fx, {
      args: ['true'],
      extraMounts: [{ destination: '/data', type: 'bind', source: path.join(fx.root, 'missing'), options: ['rbind'] }],
    });
    assert.equal(r.created.t, 'error');
    assert.equal(r.created.code, 125);
    assert.match(String(r.created.msg), /missing/);
    assertCleanedUp(r);
  });

  it('bind-mounts files and directories, read-only when asked, through dangling symlinks', async () => {
    const src = path.join(fx.root, 'bindsrc');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'file.txt'), 'from the host\n');
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'cat /mnt/dir/file.txt /etc/hosted /etc/resolv.conf; ls /run/berth; touch /mnt/dir/x || echo RO; touch /mnt/rw/y && echo RW'],
      prepareUpper: (upper) => {
        fs.mkdirSync(path.join(upper, 'etc'));
        fs.symlinkSync('../run/berth/resolv.conf', path.join(upper, 'etc/resolv.conf'));
      },
      extraMounts: [
        { destination: '/mnt/dir', type: 'bind', source: src, options: ['rbind', 'ro', 'rprivate'] },
        { destination: '/mnt/rw', type: 'bind', source: src, options: ['rbind', 'rprivate'] },
        { destination: '/etc/hosted', type: 'bind', source: path.join(src, 'file.txt'), options: ['rbind', 'ro'] },
        { destination: '/etc/resolv.conf', type: 'bind', source: path.join(src, 'file.txt'), options: ['rbind', 'rprivate'] },
      ],
    });
    assert.equal(logText(r.log, 'stderr'), 'touch: /mnt/dir/x: Read-only file system\n');
    assert.equal(logText(r.log, 'stdout'), 'from the host\nfrom the host\nfrom the host\nresolv.conf\nRO\nRW\n');
    assert.ok(exists(path.join(src, 'y')));
    assert.ok(!exists(path.join(src, 'x')));
  });

  it('runs berth.init as PID 1 that reaps and forwards signals', async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'echo $$; cat /proc/1/cmdline | tr "\\0" " "; echo; exit 7'], init: true });
    const [pid, cmdline] = logText(r.log, 'stdout').split('\n');
    assert.notEqual(pid, '1');
    assert.match(cmdline, /berth-monitor/);
    assert.equal(r.exit?.code, 7);

    const s = await runContainer(fx, { args: ['sleep', '30'], init: true }, {
      afterStart: (_m, initPid) => { process.kill(initPid, 'SIGTERM'); },
    });
    assert.equal(s.exit?.code, 128 + 15);
  });

  it('applies a seccomp profile', async () => {
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'mkdir /tmp/x && echo MADE; echo done'],
      seccomp: {
        defaultAction: 'SCMP_ACT_ALLOW',
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      },
    });
    assert.match(logText(r.log, 'stderr'), /Operation not permitted/);
    assert.equal(logText(r.log, 'stdout'), 'done\n');
  });

  it('clamps rlimits to the current hard limit', async () => {
    const hard = Number(execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim());
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'ulimit -Sn; ulimit -Hn'],
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }],
    });
    assert.equal(r.started?.t, 'started');
    assert.equal(logText(r.log, 'stdout'), `${hard}\n${hard}\n`);
  });

  it('exec joins a running container', async () => {
    const bundle = fx.bundle({ args: ['sleep', '30'], hostname: 'exec-target' });
    const m = MonitorProc.run(fx, bundle.dir);
    const created = await m.next();
    assert.equal(created?.t, 'created');
    const initPid = created!.pid as number;
    m.start();
    assert.equal((await m.next())?.t, 'started');

    const execDir = fx.execDir(bundle.dir, {
      args: ['sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; id -u; cat /proc/self/cgroup | grep -c memory; exit 4'],
      user: 'nobody',
    });
    const e = MonitorProc.exec(fx, initPid, bundle.dir, execDir);
    const ecreated = await e.next();
    assert.equal(ecreated?.t, 'created', JSON.stringify(ecreated));
    const client = await AttachClient.connect(execDir);
    e.start();
    assert.equal((await e.next())?.t, 'started');
    assert.equal((await e.exited).code, 0);
    await client.closed;
    const lines = client.stdout.toString().split('\n');
    assert.equal(lines[0], 'exec-target');
    assert.equal(lines[1].trim(), 'sleep 30');
    assert.equal(lines[2], '65534');
    assert.equal(readExit(execDir).code, 4);
    assert.ok(!exists(path.join(bundle.dir, 'json.log')) || !fs.readFileSync(path.join(bundle.dir, 'json.log'), 'utf8').includes('exec-target'),
      'exec output is not in the container log');

    // the exec'd process was in the container's cgroups: its memory cgroup is the container's
    const x2 = fx.execDir(bundle.dir, { args: ['sh', '-c', 'cat /proc/self/cgroup'] });
    const e2 = MonitorProc.exec(fx, initPid, bundle.dir, x2);
    assert.equal((await e2.next())?.t, 'created');
    const c2 = await AttachClient.connect(x2);
    e2.start();
    assert.equal((await e2.next())?.t, 'started');
    await e2.exited;
    await c2.closed;
    const cg = c2.stdout.toString();
    assert.match(cg, CGROUP_V2 ? /^0::\/$/m : /:memory:\/$/m, cg); // "/" = the cgroup namespace root

    process.kill(initPid, 'SIGKILL');
    assert.equal((await m.exited).code, 0);
    assert.equal(readExit(bundle.dir).code, 137);
  });

  it('survives fd 3 closing, ignores SIGTERM, and reports the exit on monitor.sock', async () => {
    const bundle = fx.bundle({ args: ['sh', '-c', 'read x; exit 5'], openStdin: true });
    const m = MonitorProc.run(fx, bundle.dir);
    const created = await m.next();
    const initPid = created!.pid as number;
    m.start();
    assert.equal((await m.next())?.t, 'started');
    m.closeCtl();
    // the init is the monitor's direct child
    const ppid = fs.readFileSync(`/proc/${initPid}/status`, 'utf8').match(/^PPid:\s*(\d+)/m)?.[1];
    assert.equal(Number(ppid), m.child.pid);
    process.kill(m.child.pid!, 'SIGTERM');

    const ctl = await ControlClient.connect(bundle.dir);
    assert.deepEqual(await ctl.next(), { t: 'running', pid: initPid });
    const ctl2 = await ControlClient.connect(bundle.dir);
    assert.equal((await ctl2.next())?.t, 'running');
    ctl2.send({ t: 'close-stdin' }); // read gets EOF
    const exit = await ctl.next();
    assert.equal(exit?.t, 'exit');
    assert.equal(exit?.code, 5);
    assert.equal(exit?.oom, false);
    assert.equal((await m.exited).code, 0);
    assert.deepEqual(readExit(bundle.dir).code, 5);
    for (const d of cgroupDirs(bundle.cgroupsPath)) assert.ok(!exists(d));
  });

  it('kills the init and cleans up when berthd hangs up before start', async () => {
    const bundle = fx.bundle({ args: ['true'] });
    const m = MonitorProc.run(fx, bundle.dir);
    const created = await m.next();
    assert.equal(created?.t, 'created');
    const initPid = created!.pid as number;
    for (const d of cgroupDirs(bundle.cgroupsPath)) assert.ok(exists(d), `${d} exists while created`);
    m.closeCtl();
    const ex = await m.exited;
    assert.notEqual(ex.code, 0);
    assert.ok(!exists(`/proc/${initPid}`) || fs.readFileSync(`/proc/${initPid}/status`, 'utf8').includes('zombie') === false);
    for (const d of cgroupDirs(bundle.cgroupsPath)) assert.ok(!exists(d), `${d} removed`);
    assert.ok(!exists(path.join(bundle.dir, 'attach.sock')));
  });

  it('flushes a partial line at 16 KiB and at the end of the stream', async () => {
    const r = await runContainer(fx, { args: ['sh', '-c', 'head -c 40000 /dev/zero | tr "\\0" a; echo; echo tail'] });
    const sizes = r.log.map((e) => e.log.length);
    assert.deepEqual(sizes, [16384, 16384, 40000 - 2 * 16384 + 1, 5]);
    assert.ok(r.log[1].log.endsWith('a') && r.log[2].log.endsWith('a\n'));
  });

  it('drops an attach client that stops reading without stalling the container or others', async () => {
    let stuck: AttachClient | undefined;
    let good: AttachClient | undefined;
    const total = 8 * 1024 * 1024;
    const r = await runContainer(fx, { args: ['sh', '-c', `yes 0123456789abcdef | head -c ${total}`] }, {
      beforeStart: async (dir) => {
        stuck = await AttachClient.connect(dir);
        stuck.sock.pause();
        good = await AttachClient.connect(dir);
      },
    });
    assert.equal(r.exit?.code, 0);
    await good!.closed;
    assert.equal(good!.stdout.length, total);
    assert.equal(logText(r.log, 'stdout').length, total);
    stuck!.sock.resume();
    await stuck!.closed;
    assert.ok(stuck!.stdout.length < total, 'the stuck client was dropped');
  });

  it('mounts an overlay with a lowerdir list longer than a page', async () => {
    const layers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = (i.toString(16).padStart(2, '0') + 'f'.repeat(62));
      const diff = path.join(fx.root, 'layers', id, 'diff');
      fs.mkdirSync(diff, { recursive: true });
      fs.writeFileSync(path.join(diff, `layer${i}`), `${i}\n`);
      layers.push(diff);
    }
    const overlay = ({ upper, work, lower }: { upper: string; work: string; lower: string }) =>
      `lowerdir=${[...layers].reverse().join(':')}:${lower},upperdir=${upper},workdir=${work}`;
    assert.ok(overlay({ upper: 'u', work: 'w', lower: fx.lower }).length > 4096);
    const r = await runContainer(fx, { args: ['sh', '-c', 'cat /layer0 /layer39; ls / | grep -c layer'], overlay });
    assert.equal(r.created.t, 'created', JSON.stringify(r.created));
    assert.equal(logText(r.log, 'stdout'), '0\n39\n40\n');

    // relative names resolved against berth.rootfs-overlay-cwd
    const rel = await runContainer(fx, {
      args: ['cat', '/layer7'],
      overlay: ({ upper, work, lower }) => `lowerdir=${path.relative(fx.root, layers[7])}:${path.relative(fx.root, lower)},upperdir=${upper},workdir=${work}`,
      annotations: { 'berth.rootfs-overlay-cwd': fx.root },
    });
    assert.equal(logText(rel.log, 'stdout'), '7\n');
  });

  it('honours a read-only root and leaves the process only its stdio', async () => {
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'touch /x || echo RO; test -c /dev/null && test -c /dev/urandom && test -c /dev/tty && test -L /dev/ptmx && echo DEV; ls /proc/self/fd | tr "\\n" " "; echo; env | sort | tr "\\n" " "'],
      readonlyRoot: true,
      env: ['PATH=/bin:/usr/bin', 'FOO=bar'],
    });
    const [ro, dev, fds, env] = logText(r.log, 'stdout').split('\n');
    assert.equal(ro, 'RO');
    assert.equal(dev, 'DEV');
    assert.equal(fds.trim(), '0 1 2 3'); // 3 is ls's own directory fd
    assert.match(env, /^FOO=bar HOME=\/root PATH=\/bin:\/usr\/bin PWD=\/ SHLVL=1 $/);
  });

  it('exec with a terminal', async () => {
    const bundle = fx.bundle({ args: ['sleep', '30'] });
    const m = MonitorProc.run(fx, bundle.dir);
    const initPid = (await m.next())!.pid as number;
    m.start();
    assert.equal((await m.next())?.t, 'started');
    const execDir = fx.execDir(bundle.dir, { args: ['sh', '-c', 'tty; stty size'], tty: true, consoleSize: { height: 12, width: 34 } });
    const e = MonitorProc.exec(fx, initPid, bundle.dir, execDir);
    assert.equal((await e.next())?.t, 'created');
    const client = await AttachClient.connect(execDir);
    e.start();
    assert.equal((await e.next())?.t, 'started');
    await e.exited;
    await client.closed;
    assert.match(client.stdout.toString(), /^\/dev\/pts\/\d+\r\n12 34\r\n$/);
    process.kill(initPid, 'SIGKILL');
    await m.exited;
  });

  it('joins namespaces given by path (network and pid of another container)', async () => {
    const a = fx.bundle({ args: ['sleep', '30'] });
    const ma = MonitorProc.run(fx, a.dir);
    const aPid = (await ma.next())!.pid as number;
    ma.start();
    assert.equal((await ma.next())?.t, 'started');
    const netns = fs.readlinkSync(`/proc/${aPid}/ns/net`);
    const r = await runContainer(fx, {
      args: ['sh', '-c', 'readlink /proc/self/ns/net; echo $$; ps -o comm | grep -c sleep'],
      namespaces: [
        { type: 'pid', path: `/proc/${aPid}/ns/pid` }, { type: 'network', path: `/proc/${aPid}/ns/net` },
        { type: 'ipc' }, { type: 'uts' }, { type: 'mount' },
      ],
    });
    const [ns, pid, sleeps] = logText(r.log, 'stdout').split('\n');
    assert.equal(ns, netns);
    assert.notEqual(pid, '1'); // A's sleep is PID 1 of that namespace
    assert.equal(sleeps, '1');
    process.kill(aPid, 'SIGKILL');
    await ma.exited;
  });

  it('exec into a process that is gone fails with 125', async () => {
    const bundle = fx.bundle({ args: ['true'] });
    const execDir = fx.execDir(bundle.dir, { args: ['true'] });
    const e = MonitorProc.exec(fx, 2 ** 22 + 7, bundle.dir, execDir);
    const msg = await e.next();
    assert.equal(msg?.t, 'error');
    assert.equal(msg?.code, 125);
    assert.match(String(msg?.msg), /not running/);
    assert.notEqual((await e.exited).code, 0);
  });

  it('exec with privileged gets every capability the runtime holds', async () => {
    const bundle = fx.bundle({ args: ['sleep', '30'] });
    const m = MonitorProc.run(fx, bundle.dir);
    const initPid = (await m.next())!.pid as number;
    m.start();
    assert.equal((await m.next())?.t, 'started');
    const execDir = fx.execDir(bundle.dir, { args: ['sh', '-c', 'grep CapEff /proc/self/status'], privileged: true });
    const e = MonitorProc.exec(fx, initPid, bundle.dir, execDir);
    assert.equal((await e.next())?.t, 'created');
    const client = await AttachClient.connect(execDir);
    e.start();
    assert.equal((await e.next())?.t, 'started');
    await e.exited;
    await client.closed;
    const mine = fs.readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\s*(\w+)/m)![1];
    assert.equal(client.stdout.toString().trim().split(/\s+/)[1], mine);
    process.kill(initPid, 'SIGKILL');
    await m.exited;
  });

  it('loads an allow-list seccomp profile with argument rules under no_new_privs', async () => {
    // an allow-list shaped like Docker's default: every syscall of this arch but a few, with
    // argument conditions (split per argument when one index repeats)
    const hdr = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
    const all = exists(hdr)
      ? [...fs.readFileSync(hdr, 'utf8').matchAll(/^#define __NR_(\w+)\s+\d+/gm)].map((x) => x[1])
      : ['read', 'write', 'openat', 'close', 'execve', 'exit_group'];
    const denied = new Set(['mkdir', 'mkdirat', 'unshare', 'mount', 'personality', 'clone', 'socket']);
    const seccomp = {
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: all.filter((n) => !denied.has(n)), action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [
          { index: 0, value: 0, op: 'SCMP_CMP_EQ' }, { index: 0, value: 8, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 16, op: 'SCMP_CMP_NE' }] },
        { names: ['nosuch_syscall_name'], action: 'SCMP_ACT_ALLOW' },
      ],
    };
    const cache = path.join(fx.root, 'seccomp-cache');
    fs.mkdirSync(cache);
    const run = () => runContainer(fx, {
      args: ['sh', '-c', 'grep NoNewPrivs /proc/self/status; mkdir /tmp/x || echo NOMKDIR; unshare -n true || echo NOUNSHARE; (echo subshell); echo ok'],
      seccomp, noNewPrivileges: true, annotations: { 'berth.seccomp-cache': cache },
    });
    for (let i = 0; i < 2; i++) { // compiled and stored, then loaded from the cache
      const r = await run();
      assert.equal(r.started?.t, 'started', JSON.stringify(r.created));
      const out = logText(r.log, 'stdout');
      assert.match(out, /NoNewPrivs:\s+1/);
      assert.match(out, /NOMKDIR\nNOUNSHARE\nsubshell\nok\n$/);
    }
    const bpf = fs.readdirSync(cache).filter((f) => f.endsWith('.bpf'));
    assert.equal(bpf.length, 1);
    assert.ok(fs.readdirSync(cache).includes(bpf[0].replace(/\.bpf$/, '.json')));
    // proof that the cached program is what gets loaded: poison it with "return KILL"
    const kill = Buffer.alloc(8);
    kill.writeUInt16LE(0x06, 0); // BPF_RET | BPF_K, k = SECCOMP_RET_KILL_THREAD
    fs.writeFileSync(path.join(cache, bpf[0]), kill);
    const poisoned = await run();
    assert.equal(poisoned.created.t, 'error');
    assert.equal(poisoned.created.code, 125);
    assertCleanedUp(poisoned);
  });

  const hybrid = !CGROUP_V2 && (() => {
    try { return fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' /sys/fs/cgroup/unified ') && exists('/sys/fs/cgroup/unified/cgroup.controllers'); } catch { return false; }
  })();
  it('takes the cgroup v2 path (the hybrid unified mount standing in for /sys/fs/cgroup)', { skip: hybrid ? false : 'needs a hybrid host' }, async () => {
    let procs = '';
    const r = await runContainer(fx, { args: ['sh', '-c', 'cat /proc/self/cgroup | grep "^0::"; mount | grep " /sys/fs/cgroup "'] }, {
      unifiedAsV2: true,
      afterStart: (_m, pid, dir) => {
        const f = path.join('/sys/fs/cgroup/unified', fx.cgroupParent, path.basename(dir), 'cgroup.procs');
        try { procs = fs.readFileSync(f, 'utf8'); } catch { procs = `missing, init ${pid}`; }
      },
    });
    assert.equal(r.started?.t, 'started', JSON.stringify(r.created) + r.stderr);
    assert.equal(r.exit?.code, 0);
    const out = logText(r.log, 'stdout');
    assert.match(out, /^0::\/\n/); // the cgroup namespace is rooted at the container's cgroup
    assert.match(out, /cgroup2 on \/sys\/fs\/cgroup type cgroup2 \(ro/);
    assert.ok(procs === '' || /^\d+\n/.test(procs), procs); // CLONE_INTO_CGROUP placed it there (empty if it already exited)
    assert.ok(!exists(path.join('/sys/fs/cgroup/unified', fx.cgroupParent, path.basename(r.bundle.dir))), 'v2 cgroup removed');
  });

  it('starts `true` in a few milliseconds', async () => {
    const spawnOnly: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      await new Promise((resolve) => spawn('/bin/true', [], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true }).on('exit', resolve));
      spawnOnly.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    spawnOnly.sort((a, b) => a - b);
    const runs: { total: number; create: number; start: number }[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await runContainer(fx, { args: ['true'] });
      assert.equal(r.exit?.code, 0);
      runs.push({ total: r.startupMs, create: r.createMs, start: r.startMs });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const median = med(runs.map((r) => r.total));
    console.log(`berth-monitor spawn → "started" for \`true\`: median ${median.toFixed(2)} ms `
      + `(spawn → "created" ${med(runs.map((r) => r.create)).toFixed(2)} ms, "start" → "started" ${med(runs.map((r) => r.start)).toFixed(2)} ms; `
      + `node's own spawn+exit of /bin/true: ${spawnOnly[2].toFixed(2)} ms)`);
    assert.ok(median < 250, `startup took ${median} ms`);
  });
});
