/**
 * Contexts and hosts: `berth context …` stored as Docker stores them, the precedence of
 * --context / -H / BERTH_HOST / BERTH_CONTEXT, and TLS on tcp (berthd --tlsverify, the client's
 * --tls* flags, a context carrying TLS material, the real docker CLI against berthd over TLS).
 * Certificates come from openssl in a temp dir; the daemon listens on 127.0.0.1 in its netns.
 */
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { berthBin, dockerBin, runSync, useDaemon, type TestDaemon } from './harness.js';
import { ensureBusybox } from './images.js';

const PORT = 23760;
const TCP = `tcp://127.0.0.1:${PORT}`;
const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
after(() => fs.rmSync(certs, { recursive: true, force: true }));
const pem = (f: string) => path.join(certs, f);

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: certs, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCerts(): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth-test-ca']);
  fs.writeFileSync(pem('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  fs.writeFileSync(pem('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}-key.pem`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${who}-cert.pem`, '-days', '1', '-extfile', `${who}.ext`]);
  }
  // A second, unrelated CA: a client trusting only it must refuse the server.
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-key.pem', '-out', 'other-ca.pem', '-days', '1', '-subj', '/CN=other']);
}

makeCerts();

let d: TestDaemon;
let cfg: string;

/** berth inside the daemon's netns (tcp://127.0.0.1 is there), with its own config dir. */
function berth(args: string[], env: Record<string, string> = {}) {
  const argv = d.nsArgv([process.execPath, berthBin, ...args]);
  return runSync(argv[0]!, argv.slice(1), { env: { BERTH_CONFIG: cfg, BERTH_HOST: '', BERTH_CONTEXT: '', ...env } });
}

const clientTls = ['--tlsverify', '--tlscacert', pem('ca.pem'), '--tlscert', pem('client-cert.pem'), '--tlskey', pem('client-key.pem')];

before(async () => {
  d = await useDaemon({
    args: ['-H', TCP, '--tlsverify', '--tlscacert', pem('ca.pem'), '--tlscert', pem('server-cert.pem'), '--tlskey', pem('server-key.pem')],
  });
  cfg = path.join(d.dir, 'ctx-config');
});

describe('context store', () => {
  it('lists the default context, starred, with Docker\'s columns', () => {
    const r = berth(['context', 'ls']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout,
      'NAME        DESCRIPTION                              DOCKER ENDPOINT          ERROR\n' +
      'default *   Current BERTH_HOST based configuration   unix:///run/berth.sock   \n');
  });

  it('creates, uses, shows, inspects and removes a context in Docker\'s layout', () => {
    let r = berth(['context', 'create', 'remote', '--description', 'my remote', '--docker', `host=${TCP}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'remote\n');
    assert.equal(r.stderr, 'Successfully created context "remote"\n');
    const hash = crypto.createHash('sha256').update('remote').digest('hex');
    const meta = JSON.parse(fs.readFileSync(path.join(cfg, 'contexts/meta', hash, 'meta.json'), 'utf8'));
    assert.deepEqual(meta, { Name: 'remote', Metadata: { Description: 'my remote' }, Endpoints: { docker: { Host: TCP, SkipTLSVerify: false } } });

    r = berth(['context', 'create', 'remote']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'context "remote" already exists\n');
    r = berth(['context', 'create', 'bad name']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'context name "bad name" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"\n');

    r = berth(['context', 'use', 'remote']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Current context is now "remote"\n');
    assert.equal(JSON.parse(fs.readFileSync(path.join(cfg, 'config.json'), 'utf8')).currentContext, 'remote');
    assert.equal(berth(['context', 'show']).stdout, 'remote\n');
    r = berth(['context', 'ls']);
    assert.match(r.stdout, /^remote \*\s+my remote\s+tcp:\/\/127\.0\.0\.1:23760\s+$/m);
    assert.match(r.stdout, /^default\s{3}/m);
    assert.equal(berth(['context', 'ls', '--format', '{{.Name}}|{{.Current}}']).stdout, 'default|false\nremote|true\n');

    const inspected = JSON.parse(berth(['context', 'inspect']).stdout);
    assert.equal(inspected[0].Name, 'remote');
    assert.equal(inspected[0].Storage.MetadataPath, path.join(cfg, 'contexts/meta', hash));

    r = berth(['context', 'rm', 'remote']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'context "remote" is in use, set -f flag to force remove\n');
    r = berth(['context', 'rm', 'default']);
    assert.equal(r.stderr, 'context "default" cannot be removed\n');
    r = berth(['context', 'rm', '-f', 'remote']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'remote\n');
    assert.equal(fs.existsSync(path.join(cfg, 'contexts/meta', hash)), false);
    assert.equal(JSON.parse(fs.readFileSync(path.join(cfg, 'config.json'), 'utf8')).currentContext, undefined);
    assert.equal(berth(['context', 'rm', 'nope']).stderr, 'context "nope" does not exist\n');
  });

  it('reads contexts the docker CLI wrote, and exports archives docker imports', () => {
    const dockerCfg = path.join(d.dir, 'docker-ctx');
    const dr = runSync(dockerBin, ['context', 'create', 'fromdocker', '--docker', `host=${TCP}`], { env: { DOCKER_CONFIG: dockerCfg } });
    assert.equal(dr.code, 0, dr.stderr);
    let r = berth(['context', 'ls', '-q'], { BERTH_CONFIG: dockerCfg });
    assert.equal(r.stdout, 'default\nfromdocker\n');
    const archive = path.join(d.dir, 'fd.ctx');
    r = berth(['context', 'export', 'fromdocker', archive], { BERTH_CONFIG: dockerCfg });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Written file "${archive}"\n`);
    const imp = runSync(dockerBin, ['context', 'import', 'again', archive], { env: { DOCKER_CONFIG: dockerCfg } });
    assert.equal(imp.code, 0, imp.stderr);
    r = berth(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}', 'again'], { BERTH_CONFIG: dockerCfg });
    assert.equal(r.stdout, `${TCP}\n`);
  });

  it('refuses -H together with --context, and an unknown context', () => {
    let r = berth(['-H', 'unix:///nope.sock', '--context', 'x', 'ps']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'conflicting options: cannot specify both --host and --context\n');
    r = berth(['--context', 'nope', 'ps']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Failed to initialize: unable to resolve docker endpoint: context "nope": context not found: open .*meta\.json: no such file or directory\n$/);
  });
});

describe('TLS on tcp', () => {
  it('talks to berthd over TLS with --tlsverify and client certificates', () => {
    const r = berth(['-H', TCP, ...clientTls, 'version', '--format', '{{.Server.Os}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'linux\n');
    assert.equal(berth(['-H', TCP, ...clientTls, 'ps', '-q']).code, 0);
  });

  it('refuses a server its CA did not sign, and a client without a certificate', () => {
    let r = berth(['-H', TCP, '--tlsverify', '--tlscacert', pem('other-ca.pem'), '--tlscert', pem('client-cert.pem'), '--tlskey', pem('client-key.pem'), 'version']);
    assert.notEqual(r.code, 0);
    r = berth(['-H', TCP, '--tlsverify', '--tlscacert', pem('ca.pem'), 'ps']);
    assert.notEqual(r.code, 0);
    r = berth(['-H', TCP, 'ps']); // plain http to an https port
    assert.notEqual(r.code, 0);
    r = berth(['-H', TCP, '--tlsverify', '--tlscacert', pem('missing.pem'), 'ps']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not read CA certificate ".*missing\.pem"/);
  });

  it('--tls without verification still presents the client certificate', () => {
    const r = berth(['-H', TCP, '--tls', '--tlscert', pem('client-cert.pem'), '--tlskey', pem('client-key.pem'), 'version', '--format', '{{.Server.Os}}']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('takes default certificates from BERTH_CERT_PATH with BERTH_TLS_VERIFY', () => {
    const dir = path.join(d.dir, 'certpath');
    fs.mkdirSync(dir);
    fs.copyFileSync(pem('ca.pem'), path.join(dir, 'ca.pem'));
    fs.copyFileSync(pem('client-cert.pem'), path.join(dir, 'cert.pem'));
    fs.copyFileSync(pem('client-key.pem'), path.join(dir, 'key.pem'));
    const r = berth(['version', '--format', '{{.Server.Os}}'], { BERTH_HOST: TCP, BERTH_TLS_VERIFY: '1', BERTH_CERT_PATH: dir });
    assert.equal(r.code, 0, r.stderr);
  });

  it('a context carries the TLS material; BERTH_CONTEXT and -H choose as Docker does', () => {
    let r = berth(['context', 'create', 'secure', '--docker', `host=${TCP},ca=${pem('ca.pem')},cert=${pem('client-cert.pem')},key=${pem('client-key.pem')}`]);
    assert.equal(r.code, 0, r.stderr);
    const hash = crypto.createHash('sha256').update('secure').digest('hex');
    assert.equal(fs.readFileSync(path.join(cfg, 'contexts/tls', hash, 'docker/ca.pem'), 'utf8'), fs.readFileSync(pem('ca.pem'), 'utf8'));
    assert.deepEqual(JSON.parse(berth(['context', 'inspect', 'secure']).stdout)[0].TLSMaterial, { docker: ['ca.pem', 'cert.pem', 'key.pem'] });

    r = berth(['--context', 'secure', 'version', '--format', '{{.Server.Os}}']);
    assert.equal(r.code, 0, r.stderr);
    r = berth(['version', '--format', '{{.Server.Os}}'], { BERTH_CONTEXT: 'secure' });
    assert.equal(r.code, 0, r.stderr);
    // BERTH_HOST beats BERTH_CONTEXT; --context beats BERTH_HOST.
    r = berth(['ps'], { BERTH_CONTEXT: 'secure', BERTH_HOST: 'unix:///nonexistent.sock' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot connect to the Berth daemon at unix:\/\/\/nonexistent\.sock/);
    r = berth(['--context', 'secure', 'ps', '-q'], { BERTH_HOST: 'unix:///nonexistent.sock' });
    assert.equal(r.code, 0, r.stderr);
  });

  it('attach over a TLS hijack: run --rm echoes through the tcp+TLS connection', () => {
    ensureBusybox(d);
    const r = berth(['-H', TCP, ...clientTls, 'run', '--rm', 'busybox', 'echo', 'hello over tls']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello over tls\n');
  });

  it('the real docker CLI reaches berthd with --tlsverify', () => {
    const argv = d.nsArgv([dockerBin, '-H', TCP, ...clientTls, 'version', '--format', '{{.Server.Os}}']);
    const r = runSync(argv[0]!, argv.slice(1), { env: { DOCKER_CONFIG: path.join(d.dir, 'docker-config') } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'linux\n');
  });
});
