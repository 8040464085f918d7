import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { configFromV1, goTime, historyFromV1, v1Links, versionLessThan } from './from-v1.js';
import { sha256 } from '../fsutil.js';

const fixture = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../../e2e/fixtures/busybox.tar');
const fromFixture = (name: string) => execFileSync('tar', ['-xOf', fixture, name]);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

test('the v1 JSON Docker 20.10 saved converts back to the very config it came from (same image ID)', () => {
  const v1 = fromFixture('95de624cb45249a081e7de0d964b21a8f5dfea21892eeeecbd5e6b9d25a96869/json');
  const original = fromFixture('f858099fac7b72f2b3ef24fbd3915539e75bcc6b19489d7a5de366f73a4fe493.json');
  const diffID = 'sha256:17316851af39664976bf754a664bf2419ac90e835b95584909288f8ea19961de';
  const config = configFromV1(v1, [diffID], [historyFromV1(v1)]);
  assert.equal(config.toString(), original.toString());
  assert.equal(sha256(config), 'sha256:f858099fac7b72f2b3ef24fbd3915539e75bcc6b19489d7a5de366f73a4fe493');
});

test('Docker ≥ 1.8.3 JSON: members kept as written (compacted, HTML-escaped), v1 bookkeeping dropped, keys sorted', () => {
  const v1 = `{"id":"aaa", "parent":"bbb",
    "created":"2015-06-01T10:00:00.120000000+00:00", "docker_version":"1.9.1",
    "container_config":{ "Cmd": ["/bin/sh","-c","echo <hi> & bye"] },
    "Size": 5, "zeta": 1.0, "author":"me", "throwaway": true, "layer_id":"x", "parent_id":"y", "ID":"kept", "architecture":"amd64"}`;
  const parentHistory = { created: '2015-05-01T00:00:00Z', created_by: 'ADD file' };
  const config = configFromV1(v1, [D1, D2], [parentHistory, historyFromV1(v1)]);
  assert.equal(config.toString(),
    '{"ID":"kept","architecture":"amd64","author":"me","container_config":{"Cmd":["/bin/sh","-c","echo \\u003chi\\u003e \\u0026 bye"]},'
    + '"created":"2015-06-01T10:00:00.120000000+00:00","docker_version":"1.9.1",'
    + '"history":[{"created":"2015-05-01T00:00:00Z","created_by":"ADD file"},{"created":"2015-06-01T10:00:00.12Z","author":"me","created_by":"/bin/sh -c echo \\u003chi\\u003e \\u0026 bye"}],'
    + `"rootfs":{"type":"layers","diff_ids":["${D1}","${D2}"]},"zeta":1.0}`);
});

test('JSON from before Docker 1.8.3 (or with no docker_version) goes through the V1Image struct first', () => {
  const v1 = '{"id":"x","created":"2014-01-01T00:00:00Z","container_config":{"cmd":"/bin/true","Hostname":"h","Labels":{"b":"1","a":"2"}},"extra":1,"Size":0,"config":null,"docker_version":"1.8.2"}';
  const cc = '{"Hostname":"h","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,'
    + '"Env":null,"Cmd":["/bin/true"],"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{"a":"2","b":"1"}}';
  assert.equal(configFromV1(v1, [D1], [historyFromV1(v1)]).toString(),
    `{"container_config":${cc},"created":"2014-01-01T00:00:00Z","docker_version":"1.8.2",`
    + `"history":[{"created":"2014-01-01T00:00:00Z","created_by":"/bin/true"}],"rootfs":{"type":"layers","diff_ids":["${D1}"]}}`);
  // no created at all: Go's zero time, in the struct and in the history
  const bare = configFromV1('{}', [D1], [historyFromV1('{}')]).toString();
  assert.match(bare, /"created":"0001-01-01T00:00:00Z"/);
  assert.match(bare, /"history":\[\{"created":"0001-01-01T00:00:00Z"\}\]/);
});

test('parent and OS as Go decodes them (any case), bad JSON refused with Go\'s texts', () => {
  assert.deepEqual(v1Links('{"PARENT":"p1","Os":"linux"}'), { parent: 'p1', os: 'linux' });
  assert.deepEqual(v1Links('{"parent":null}'), { parent: '', os: '' });
  assert.throws(() => v1Links('{"parent":5}'), /cannot unmarshal number into Go struct field \.Parent of type string/);
  assert.throws(() => v1Links('[1]'), /cannot unmarshal array into Go value/);
  assert.throws(() => v1Links('{'), /invalid character/);
  assert.throws(() => historyFromV1('{"container_config":{"Cmd":[1]}}'), /strslice/);
  assert.throws(() => historyFromV1('{"created":"yesterday"}'), /parsing time/);
});

test('Go time round trip and moby version comparison', () => {
  assert.equal(goTime(undefined), '0001-01-01T00:00:00Z');
  assert.equal(goTime('2015-01-02T03:04:05.000000000Z'), '2015-01-02T03:04:05Z');
  assert.equal(goTime('2015-01-02T03:04:05.1234567891-00:00'), '2015-01-02T03:04:05.123456789Z');
  assert.equal(goTime('2015-01-02T03:04:05.5+01:30'), '2015-01-02T03:04:05.5+01:30');
  assert.throws(() => goTime('2015-02-29T00:00:00Z'), /day out of range/);
  assert.throws(() => goTime('2015-13-01T00:00:00Z'), /month out of range/);
  assert.equal(versionLessThan('', '1.8.3'), true);
  assert.equal(versionLessThan('1.8.2', '1.8.3'), true);
  assert.equal(versionLessThan('1.8.3', '1.8.3'), false);
  assert.equal(versionLessThan('1.10.0', '1.8.3'), false);
  assert.equal(versionLessThan('20.10.24+dfsg1', '1.8.3'), false);
  assert.equal(versionLessThan('1.8.3-dev', '1.8.3'), true); // "3-dev" is not a number: 0
});
