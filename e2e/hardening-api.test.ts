/**
 * The API boundary as dockerd holds it: tcp without TLS refused off loopback unless turned off
 * on purpose; request bodies decoded as Go decodes them (wrong types → 400 naming the field,
 * null, odd-case keys that take effect); headers over Go's limit → 431 the client can read; and
 * resource values checked at create/update with Docker's texts, through the docker CLI and the
 * raw API, with nothing created when refused.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { TestDaemon, useDaemon, type RunResult } from './harness.js';
import { ensureBusybox } from './images.js';

let d: TestDaemon;
const LOOPBACK_TCP = 'tcp://127.0.0.1:23751';
/** A non-loopback address, on a dummy interface inside a test daemon's own netns. */
const ADDR = '10.213.0.1';
before(async () => {
  d = await useDaemon({ args: ['-H', LOOPBACK_TCP] });
  ensureBusybox(d);
});

const ok = (r: RunResult) => { assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`); return r.stdout; };

interface Answer { status: number; text: string; json: any }

/** A raw request on the daemon's socket; `body` is sent as given (no JSON encoding). */
function raw(method: string, p: string, body?: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request({ socketPath: d.socket, path: p, method, agent: false, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          let json: any;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode!, text, json });
        });
      });
      req.on('error', reject);
      req.end(body);
    }, reject);
  });
}

const post = (p: string, body: string) => raw('POST', p, body);
const containerCount = async () => (await raw('GET', '/containers/json?all=1')).json.length as number;

/** What a host's cgroups offer, read as berthd reads them (for the host-dependent cases). */
function hostCgroups(): { cpus: string; blkioWeight: boolean } {
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    return {
      cpus: fs.readFileSync('/sys/fs/cgroup/cpuset.cpus.effective', 'utf8').trim(),
      blkioWeight: fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/).includes('io'),
    };
  }
  return {
    cpus: fs.readFileSync('/sys/fs/cgroup/cpuset/cpuset.cpus', 'utf8').trim(),
    blkioWeight: fs.existsSync('/sys/fs/cgroup/blkio/blkio.weight'),
  };
}
const ncpu = os.availableParallelism();
const RANGE_OF_CPUS = `Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`;

describe('tcp listeners without --tlsverify', () => {
  const extra: TestDaemon[] = [];
  after(async () => { for (const x of extra) await x.teardown(); });

  /**
   * A daemon whose netns also has a non-loopback interface with ADDR: a veth pair kept inside
   * that netns (this kernel has no dummy driver), gone with the netns.
   */
  function daemonWithAddress(args: string[]): TestDaemon {
    const x = new TestDaemon({ args });
    extra.push(x);
    const ip = (...a: string[]) => execFileSync('ip', ['-n', x.netns, ...a]);
    ip('link', 'add', 'berthva', 'type', 'veth', 'peer', 'name', 'berthvb');
    ip('addr', 'add', `${ADDR}/24`, 'dev', 'berthva');
    ip('link', 'set', 'berthva', 'up');
    ip('link', 'set', 'berthvb', 'up');
    return x;
  }

  /** Everything berthd wrote to stdout/stderr, once it has exited. */
  async function finalLog(x: TestDaemon): Promise<string> {
    const p = x.proc!;
    if (p.stderr!.readableEnded && p.stdout!.readableEnded) return x.log;
    await new Promise((r) => p.once('close', r));
    return x.log;
  }

  test('a non-loopback address is refused: exit 1, Docker\'s reason, nothing set up', async () => {
    for (const host of [`tcp://${ADDR}:2375`, 'tcp://0.0.0.0:2375']) {
      const x = daemonWithAddress(['-H', host]);
      await assert.rejects(x.start(), /berthd exited with 1/);
      const log = await finalLog(x);
      assert.match(log, new RegExp(`level=error msg="failed to start daemon: refusing to listen on ${host} without --tlsverify: ` +
        'Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network\\. '));
      assert.match(log, /You can override this by explicitly specifying '--tls=false' or '--tlsverify=false'/);
      assert.equal(fs.existsSync(x.dataRoot), false, 'refused before the data root was touched');
      assert.equal(fs.existsSync(x.pidfile), false);
    }
  });

  test('--tls=false serves plain tcp on purpose, with Docker\'s warnings', async () => {
    const x = daemonWithAddress(['-H', `tcp://${ADDR}:2375`, '--tls=false']);
    const addr = ADDR;
    await x.start();
    assert.match(x.log, new RegExp(`level=warn msg="Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network\\." host="tcp://${addr}:2375"`));
    assert.match(x.log, /level=warn msg="Binding to an IP address, even on localhost, can also give access to scripts run in a browser\. Be safe out there!"/);
    const ping = x.inNetns(['curl', '-sS', `http://${addr}:2375/_ping`]);
    assert.equal(ping.stdout, 'OK', ping.stderr);
    const v = x.inNetns(['/usr/local/bin/docker', '-H', `tcp://${addr}:2375`, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(v.stdout.trim(), '1.51', v.stderr);
  });

  test('loopback tcp is allowed, with the warnings', () => {
    assert.match(d.log, new RegExp(`level=warn msg="Binding to IP address without --tlsverify is insecure[^"]*" host="${LOOPBACK_TCP}"`));
    const r = d.inNetns(['curl', '-sS', `http://127.0.0.1:23751/_ping`]);
    assert.equal(r.stdout, 'OK', r.stderr);
  });
});

describe('request bodies decoded as Go decodes them', () => {
  test('wrong types answer 400 with Go\'s message naming the field; nothing is created', async () => {
    const before = await containerCount();
    const cases: [string, string, string][] = [
      ['/containers/create', '{"Image":"busybox","Env":"A=1"}', 'invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Config.Env of type []string'],
      ['/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"Memory":1.5}}', 'invalid JSON: json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Resources.Memory of type int64'],
      ['/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"Binds":"/a:/b"}}', 'invalid JSON: json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Binds of type []string'],
      ['/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"PortBindings":{"80/tcp":{"HostPort":"1"}}}}', 'invalid JSON: json: cannot unmarshal object into Go struct field HostConfig.HostConfig.PortBindings of type []nat.PortBinding'],
      ['/containers/create', '{"Image":"busybox","Cmd":["true"],"Labels":{"a":1}}', 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Config.Labels of type string'],
      ['/containers/create', '{"Image":5}', 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Config.Image of type string'],
      ['/containers/create', '[]', 'invalid JSON: json: cannot unmarshal array into Go value of type container.CreateRequest'],
      ['/containers/create', 'null', 'config cannot be empty in order to create a container'],
      ['/containers/create', '{}', 'config cannot be empty in order to create a container'],
      ['/containers/create', '', 'invalid JSON: got EOF while reading request body'],
      ['/containers/create', '{"Image":"busybox",', 'invalid JSON: unexpected EOF'],
      ['/containers/create', "{'Image':'busybox'}", "invalid JSON: invalid character '\\'' looking for beginning of object key string"],
      ['/containers/create', '{"Image":"busybox","Cmd":["true"]} trailing', 'unexpected content after JSON'],
      ['/networks/create', '{"Name":"n-bad","Driver":1}', 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.CreateOptions.Driver of type string'],
      ['/volumes/create', '{"Name":"v-bad","Labels":["a"]}', 'invalid JSON: json: cannot unmarshal array into Go struct field CreateOptions.Labels of type map[string]string'],
      ['/auth', '{"username":1}', 'invalid JSON: json: cannot unmarshal number into Go struct field AuthConfig.username of type string'],
    ];
    for (const [p, body, message] of cases) {
      const r = await post(p, body);
      assert.equal(r.status, 400, `${p} ${body}: ${r.text}`);
      assert.deepEqual(r.json, { message }, `${p} ${body}`);
    }
    assert.equal(await containerCount(), before);
    assert.doesNotMatch(ok(d.docker(['network', 'ls', '--format', '{{.Name}}'])), /n-bad/);
    assert.doesNotMatch(ok(d.docker(['volume', 'ls', '-q'])), /v-bad/);
  });

  test('a body needs a JSON Content-Type, as dockerd wants it', async () => {
    let r = await raw('POST', '/containers/create', '{"Image":"busybox","Cmd":["true"]}', { 'Content-Type': 'text/plain' });
    assert.deepEqual([r.status, r.json], [400, { message: "unsupported Content-Type header (text/plain): must be 'application/json'" }]);
    r = await raw('POST', '/containers/create', '{"Image":"busybox","Cmd":["true"]}', {});
    assert.deepEqual([r.status, r.json], [400, { message: 'malformed Content-Type header (): mime: no media type' }]);
    r = await raw('POST', '/containers/create', '{"Image":"busybox","Cmd":["true"]}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 201, r.text);
  });

  test('null fields are Go\'s zero values; unknown fields are ignored', async () => {
    const r = await post('/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":null,"Env":null,"Labels":null,"Healthcheck":null,"NoSuchField":{"x":[1]}}');
    assert.equal(r.status, 201, r.text);
    const c = (await raw('GET', `/containers/${r.json.Id}/json`)).json;
    assert.deepEqual(c.Config.Cmd, ['true']);
    assert.equal(c.HostConfig.NetworkMode, 'bridge');
  });

  test('odd-case keys are accepted and take effect (create, exec create and start)', async () => {
    const r = await post('/containers/create', '{"image":"busybox","cmd":["sleep","300"],"labels":{"k":"v"},"hostconfig":{"memory":67108864,"restartpolicy":{"name":"unless-stopped"}}}');
    assert.equal(r.status, 201, r.text);
    const id = r.json.Id as string;
    const c = (await raw('GET', `/containers/${id}/json`)).json;
    assert.deepEqual(c.Config.Cmd, ['sleep', '300']);
    assert.deepEqual(c.Config.Labels, { k: 'v' });
    assert.equal(c.HostConfig.Memory, 67108864);
    assert.equal(c.HostConfig.RestartPolicy.Name, 'unless-stopped');
    assert.equal((await raw('POST', `/containers/${id}/start`)).status, 204);

    // docker-py's exec start body: {"detach": false, "tty": false} attaches and returns the output.
    let e = await post(`/containers/${id}/exec`, '{"cmd":["sh","-c","echo from-exec"],"attachstdout":true,"attachstderr":true}');
    assert.equal(e.status, 201, e.text);
    let s = await post(`/exec/${e.json.Id}/start`, '{"detach":false,"tty":false}');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.text.includes('from-exec\n'), JSON.stringify(s.text));
    assert.equal(s.text.charCodeAt(0), 1, 'stdcopy frame for stdout: tty false took effect');

    // {"detach": true} returns at once with no output; the command ran.
    e = await post(`/containers/${id}/exec`, '{"CMD":["sh","-c","echo detached > /tmp/marker"]}');
    s = await post(`/exec/${e.json.Id}/start`, '{"DETACH":true}');
    assert.deepEqual([s.status, s.text], [200, '']);
    let marker = '';
    for (let i = 0; i < 50 && marker !== 'detached\n'; i++) {
      marker = d.docker(['exec', id, 'cat', '/tmp/marker']).stdout;
      if (marker !== 'detached\n') await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(marker, 'detached\n');

    e = await post(`/containers/${id}/exec`, '{"Cmd":"ls"}');
    assert.deepEqual([e.status, e.json], [400, { message: 'invalid JSON: json: cannot unmarshal string into Go struct field ExecOptions.Cmd of type []string' }]);
    const u = await post(`/containers/${id}/update`, '{"CpuShares":"512"}');
    assert.deepEqual([u.status, u.json], [400, { message: 'invalid JSON: json: cannot unmarshal string into Go struct field UpdateConfig.Resources.CpuShares of type int64' }]);
    ok(d.docker(['rm', '-f', id]));
  });
});

describe('headers', () => {
  /** A raw exchange on the unix socket: the whole answer, read until the daemon closes. */
  function exchange(request: string): Promise<string> {
    return new Promise((resolve) => {
      const s = net.connect(d.socket);
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (c) => { got += c; });
      s.on('error', (e) => { got += `[${(e as NodeJS.ErrnoException).code}]`; });
      s.on('close', () => resolve(got));
      s.write(request);
    });
  }

  test('a 2 MB header line answers Go\'s 431, readable by the client; the daemon serves on', async () => {
    const got = await exchange(`GET /_ping HTTP/1.1\r\nHost: berth\r\nX-Big: ${'x'.repeat(2 << 20)}\r\n\r\n`);
    assert.equal(got, 'HTTP/1.0 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large');
    const under = await exchange(`GET /_ping HTTP/1.1\r\nHost: berth\r\nConnection: close\r\nX-Big: ${'y'.repeat(900 << 10)}\r\n\r\n`);
    assert.match(under, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK$/, 'Go takes headers up to 1 MB');
    const bad = await exchange('NOT HTTP\r\n\r\n');
    assert.equal(bad, 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
    assert.equal((await raw('GET', '/_ping')).text, 'OK');
  });
});

describe('resource values checked at create, with Docker\'s texts', () => {
  const host = hostCgroups();

  test('docker run: exit 125, "docker: Error response from daemon: …", nothing created', async () => {
    const before = await containerCount();
    const cases: [string[], string][] = [
      [['--cpus', String(ncpu + 1)], RANGE_OF_CPUS],
      [['--cpus', '1e9'], RANGE_OF_CPUS],
      [['--cpuset-cpus', '99'], `Requested CPUs are not available - requested 99, available: ${host.cpus}`],
      [['--cpuset-cpus', '1-x'], 'Invalid value 1-x for cpuset cpus: invalid format: 1-x'],
      [['--oom-score-adj', '5000'], 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
      [['-m', '4m'], 'Minimum memory limit allowed is 6MB'],
      [['--cpu-quota', '500'], 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
      [['--cpu-period', '100'], 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
      [['-m', '8m', '--memory-reservation', '16m'], 'Minimum memory limit can not be less than memory reservation limit, see usage'],
    ];
    for (const [flags, msg] of cases) {
      const r = d.docker(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.includes(`docker: Error response from daemon: ${msg}`), `${flags.join(' ')}: ${r.stderr}`);
    }
    assert.equal(await containerCount(), before);
  });

  test('the raw API: 400 with Docker\'s texts', async () => {
    const before = await containerCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ NanoCpus: (ncpu + 1) * 1e9 }, RANGE_OF_CPUS],
      [{ NanoCpus: 1e9, CpuPeriod: 100000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
      [{ NanoCpus: 1e9, CpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
      [{ CpusetCpus: '99' }, `Requested CPUs are not available - requested 99, available: ${host.cpus}`],
      [{ OomScoreAdj: 5000 }, 'Invalid value 5000, range for oom score adj is [-1000, 1000]'],
      [{ MemorySwappiness: 101 }, 'Invalid value: 101, valid memory swappiness range is 0-100'],
      [{ Memory: 64 << 20, MemorySwap: 32 << 20 }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
      [{ MemorySwap: 64 << 20 }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
      [{ CpuShares: -1 }, 'invalid CPU shares (-1): value must be a positive integer'],
      [{ IOMaximumIOps: 10 }, 'invalid option: QoS maximum IOPs configuration is not supported on linux'],
      [{ ShmSize: -1 }, 'SHM size can not be less than 0'],
      [{ RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } }, "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    ];
    for (const [hc, message] of cases) {
      const r = await post('/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: hc }));
      assert.deepEqual([r.status, r.json], [400, { message }], JSON.stringify(hc));
    }
    assert.equal(await containerCount(), before);
  });

  test('blkio weight: a warning and dropped where the host has no blkio weight, else the range is enforced', async () => {
    const warning = 'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.';
    const r = d.docker(['run', '--rm', '--blkio-weight', '5', 'busybox', 'true']);
    if (host.blkioWeight) {
      assert.equal(r.code, 125, r.stderr);
      assert.ok(r.stderr.includes('docker: Error response from daemon: Range of blkio weight is from 10 to 1000'), r.stderr);
    } else {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stderr.includes(`WARNING: ${warning}`), r.stderr);
      const c = await post('/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"BlkioWeight":500}}');
      assert.equal(c.status, 201, c.text);
      assert.deepEqual(c.json.Warnings, [warning]);
      assert.equal((await raw('GET', `/containers/${c.json.Id}/json`)).json.HostConfig.BlkioWeight, 0);
      ok(d.docker(['rm', c.json.Id]));
    }
  });

  test('update: the new values are verified first (400 even for a missing container), with Docker\'s texts', async () => {
    const id = ok(d.docker(['create', 'busybox', 'true'])).trim();
    let r = await post(`/containers/${id}/update`, JSON.stringify({ NanoCpus: (ncpu + 1) * 1e9 }));
    assert.deepEqual([r.status, r.json], [400, { message: RANGE_OF_CPUS }]);
    r = await post(`/containers/${id}/update`, '{"CpusetCpus":"99"}');
    assert.deepEqual([r.status, r.json], [400, { message: `Requested CPUs are not available - requested 99, available: ${host.cpus}` }]);
    r = await post('/containers/nosuchcontainer/update', '{"CpusetCpus":"99"}');
    assert.equal(r.status, 400, 'checked before the lookup, as dockerd does');
    r = await post('/containers/nosuchcontainer/update', '{"CpuShares":512}');
    assert.equal(r.status, 404);
    const u = d.docker(['update', '--cpus', String(ncpu + 1), id]);
    assert.notEqual(u.code, 0);
    assert.ok(u.stderr.includes(`Error response from daemon: ${RANGE_OF_CPUS}`), u.stderr);
    assert.equal((await raw('GET', `/containers/${id}/json`)).json.HostConfig.NanoCpus, 0, 'nothing changed');
    ok(d.docker(['update', '--cpus', '1', id]));
    assert.equal((await raw('GET', `/containers/${id}/json`)).json.HostConfig.NanoCpus, 1e9);
    ok(d.docker(['rm', id]));
  });
});
