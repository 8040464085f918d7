import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { decodeGoJson, GoJsonError, GoTypes, parseGoJson, type RequestSchema } from './go-json.js';
import { decodeRequestBody, unmarshalGoJson } from './request-bodies.js';

/** A small schema of its own, so the decoder's rules are tested apart from the swagger. */
const schema: RequestSchema = {
  bodies: { T: 'pkg.Outer' },
  named: { 'pkg.Mode': 'string', 'time.Duration': 'int64', 'strslice.StrSlice': 'strslice' },
  structs: {
    'pkg.Outer': [['Name', 'string', '*Inner'], ['Env', '[]string', '*Inner'], ['Cmd', 'strslice.StrSlice', '*Inner'], ['Host', '*pkg.Host'],
      ['Size', '[2]uint'], ['Extra', 'any'], ['Tags', 'map[string]*pkg.Tag']],
    'pkg.Host': [['Memory', 'int64', 'Res'], ['Weight', 'uint16', 'Res'], ['Mode', 'pkg.Mode'], ['Wait', 'time.Duration'], ['Init', '*bool'],
      ['Labels', 'map[string]string'], ['Score', 'int'], ['Ratio', 'float64'], ['Tags', '[]pkg.Tag']],
    'pkg.Tag': [['Key', 'string'], ['Weight', 'int32']],
  },
};
const types = new GoTypes(schema);
const decode = (json: string) => decodeGoJson(json, types.body('T'));
const fails = (json: string) => {
  try { decode(json); } catch (e) { assert.ok(e instanceof GoJsonError); return e.message; }
  return assert.fail(`${json} decoded`);
};

test('field names match exactly, else case-insensitively; the result has the canonical names', () => {
  const cases: [string, unknown][] = [
    ['{"Name":"a"}', { Name: 'a' }],
    ['{"name":"a","env":["X=1"]}', { Name: 'a', Env: ['X=1'] }],
    ['{"NAME":"a","host":{"memory":7,"MODE":"m"}}', { Name: 'a', Host: { Memory: 7, Mode: 'm' } }],
    ['{"\u017fize":[1,2]}', { Size: [1, 2] }], // ſ folds to S
    ['{"Nam":"x","Names":"y"}', {}], // no such fields
    ['{"Host":{"\u212aey":"x","Tags":[{"\u212aey":"k"}]}}', { Host: { Tags: [{ Key: 'k' }] } }], // the Kelvin sign folds to K
    ['{"name":"a","Name":"b"}', { Name: 'b' }], // the last one wins
  ];
  for (const [json, want] of cases) assert.deepEqual(decode(json).value, want, json);
});

test('unknown fields are ignored, nested structs and maps decode, embedded pointers are reported', () => {
  const r = decode('{"Bogus":{"x":[1,2]},"Host":{"Labels":{"a":"1","A":"2"},"Tags":[{"Key":"k","Weight":-3}],"Init":true},"Tags":{"t":{"key":"v"},"n":null}}');
  assert.deepEqual(r.value, {
    Host: { Labels: { a: '1', A: '2' }, Tags: [{ Key: 'k', Weight: -3 }], Init: true },
    Tags: { t: { Key: 'v' }, n: {} }, // a nil *Tag
  });
  assert.deepEqual([...r.embedded], []);
  assert.deepEqual([...decode('{"cmd":null}').embedded], ['Inner']);
  assert.deepEqual(decode('{"Extra":{"a":[1,"x",null,1.5]}}').value, { Extra: { a: [1, 'x', null, 1.5] } });
});

test('null: pointers, slices, maps and any become nil (dropped); other fields keep their value', () => {
  const cases: [string, unknown][] = [
    ['null', {}],
    ['{"Name":null,"Env":null,"Host":null,"Extra":null,"Size":null}', {}],
    ['{"Host":{"Memory":null,"Init":null,"Labels":null,"Mode":null}}', { Host: {} }],
    ['{"Name":"a","name":null}', { Name: 'a' }],
    ['{"Env":["a"],"env":null}', {}],
    ['{"Host":{"Memory":1},"host":null}', {}],
    ['{"Host":{"Memory":1},"host":{"Score":2}}', { Host: { Memory: 1, Score: 2 } }], // a struct decodes into the one there
    ['{"Env":["a",null]}', { Env: ['a', ''] }],
    ['{"Size":[3]}', { Size: [3, 0] }],
    ['{"Size":[3,4,"x",{}]}', { Size: [3, 4] }], // a Go array drops what does not fit, unchecked
  ];
  for (const [json, want] of cases) assert.deepEqual(decode(json).value, want, json);
});

test('numbers: Go integer parsing and ranges', () => {
  const ok: [string, unknown][] = [
    ['{"Host":{"Memory":-9007199254740991}}', { Host: { Memory: -9007199254740991 } }],
    ['{"Host":{"Memory":9223372036854775807}}', { Host: { Memory: 9223372036854775807 } }],
    ['{"Host":{"Weight":65535,"Score":-0}}', { Host: { Weight: 65535, Score: 0 } }],
    ['{"Host":{"Ratio":1.5e3,"Wait":1000000000}}', { Host: { Ratio: 1500, Wait: 1e9 } }],
  ];
  for (const [json, want] of ok) assert.deepEqual(decode(json).value, want, json);
  const bad: [string, string][] = [
    ['{"Host":{"Memory":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field Host.Host.Res.Memory of type int64'],
    ['{"Host":{"Memory":1e3}}', 'json: cannot unmarshal number 1e3 into Go struct field Host.Host.Res.Memory of type int64'],
    ['{"Host":{"Memory":9223372036854775808}}', 'json: cannot unmarshal number 9223372036854775808 into Go struct field Host.Host.Res.Memory of type int64'],
    ['{"Host":{"Weight":65536}}', 'json: cannot unmarshal number 65536 into Go struct field Host.Host.Res.Weight of type uint16'],
    ['{"Host":{"Weight":-1}}', 'json: cannot unmarshal number -1 into Go struct field Host.Host.Res.Weight of type uint16'],
    ['{"Host":{"Wait":0.5}}', 'json: cannot unmarshal number 0.5 into Go struct field Host.Host.Wait of type time.Duration'],
    ['{"Host":{"Tags":[{"Weight":2147483648}]}}', 'json: cannot unmarshal number 2147483648 into Go struct field Tag.Host.Tags.Weight of type int32'],
    ['{"Host":{"Ratio":1e999}}', 'json: cannot unmarshal number 1e999 into Go struct field Host.Host.Ratio of type float64'],
    ['{"Size":[-1,2]}', 'json: cannot unmarshal number -1 into Go struct field Outer.Size of type uint'],
    ['{"Host":{"Memory":"1"}}', 'json: cannot unmarshal string into Go struct field Host.Host.Res.Memory of type int64'],
    ['{"Name":5}', 'json: cannot unmarshal number into Go struct field Outer.Inner.Name of type string'],
    ['{"Host":{"Init":1}}', 'json: cannot unmarshal number into Go struct field Host.Host.Init of type bool'],
  ];
  for (const [json, want] of bad) assert.equal(fails(json), want, json);
});

test('wrong JSON types: Go\'s messages, the first one wins', () => {
  const cases: [string, string][] = [
    ['{"Env":"A=1"}', 'json: cannot unmarshal string into Go struct field Outer.Inner.Env of type []string'],
    ['{"Env":[1]}', 'json: cannot unmarshal number into Go struct field Outer.Inner.Env of type string'],
    ['{"env":{}}', 'json: cannot unmarshal object into Go struct field Outer.Inner.Env of type []string'],
    ['{"Host":"x"}', 'json: cannot unmarshal string into Go struct field Outer.Host of type pkg.Host'],
    ['{"Host":[]}', 'json: cannot unmarshal array into Go struct field Outer.Host of type pkg.Host'],
    ['{"Host":{"Labels":{"a":1}}}', 'json: cannot unmarshal number into Go struct field Host.Host.Labels of type string'],
    ['{"Host":{"Labels":[]}}', 'json: cannot unmarshal array into Go struct field Host.Host.Labels of type map[string]string'],
    ['{"Host":{"Mode":true}}', 'json: cannot unmarshal bool into Go struct field Host.Host.Mode of type pkg.Mode'],
    ['{"Tags":{"t":{"Key":1}}}', 'json: cannot unmarshal number into Go struct field Tag.Tags.Key of type string'],
    ['{"Tags":{"t":5}}', 'json: cannot unmarshal number into Go struct field Outer.Tags of type pkg.Tag'],
    ['{"Size":{}}', 'json: cannot unmarshal object into Go struct field Outer.Size of type [2]uint'],
    ['{"Name":1,"Env":2}', 'json: cannot unmarshal number into Go struct field Outer.Inner.Name of type string'],
    ['[]', 'json: cannot unmarshal array into Go value of type pkg.Outer'],
    ['"x"', 'json: cannot unmarshal string into Go value of type pkg.Outer'],
    ['5', 'json: cannot unmarshal number into Go value of type pkg.Outer'],
  ];
  for (const [json, want] of cases) assert.equal(fails(json), want, json);
});

test('StrSlice: a string or an array of strings; its own error replaces an earlier one', () => {
  assert.deepEqual(decode('{"Cmd":"ls"}').value, { Cmd: ['ls'] });
  assert.deepEqual(decode('{"Cmd":["ls","-l"]}').value, { Cmd: ['ls', '-l'] });
  assert.deepEqual(decode('{"Cmd":null}').value, {});
  assert.equal(fails('{"Cmd":5}'), 'json: cannot unmarshal number into Go struct field Outer.Inner.Cmd of type string');
  assert.equal(fails('{"Cmd":["a",1]}'), 'json: cannot unmarshal array into Go struct field Outer.Inner.Cmd of type string');
  assert.equal(fails('{"Name":1,"Cmd":{}}'), 'json: cannot unmarshal object into Go struct field Outer.Inner.Cmd of type string');
});

test('syntax errors: the texts of Go\'s scanner and decoder', () => {
  const cases: [string, string, string][] = [
    ['', 'EOF', 'eof'],
    ['  \n', 'EOF', 'eof'],
    ['{', 'unexpected EOF', 'syntax'],
    ['{"a":tru', 'unexpected EOF', 'syntax'],
    ['"abc', 'unexpected EOF', 'syntax'],
    ['-', 'unexpected EOF', 'syntax'],
    ['x', "invalid character 'x' looking for beginning of value", 'syntax'],
    ['{"a" 1}', "invalid character '1' after object key", 'syntax'],
    ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair', 'syntax'],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string", 'syntax'],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string", 'syntax'],
    ['[1 2]', "invalid character '2' after array element", 'syntax'],
    ['[1,]', "invalid character ']' looking for beginning of value", 'syntax'],
    ['{"a":01}', "invalid character '1' after object key:value pair", 'syntax'],
    ['{"a":-x}', "invalid character 'x' in numeric literal", 'syntax'],
    ['{"a":1.x}', "invalid character 'x' after decimal point in numeric literal", 'syntax'],
    ['{"a":1ex}', "invalid character 'x' in exponent of numeric literal", 'syntax'],
    ['{"a":tRue}', "invalid character 'R' in literal true (expecting 'r')", 'syntax'],
    ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')", 'syntax'],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code", 'syntax'],
    ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape", 'syntax'],
    ['{"a":"\n"}', "invalid character '\\n' in string literal", 'syntax'],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal", 'syntax'],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string", 'syntax'],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value", 'syntax'],
    ['{} x', 'unexpected content after JSON', 'trailing'],
    ['{}{}', 'unexpected content after JSON', 'trailing'],
    ['1x', 'unexpected content after JSON', 'trailing'],
  ];
  for (const [json, msg, kind] of cases) {
    assert.throws(() => parseGoJson(json), (e: GoJsonError) => e.message === msg && e.kind === kind, JSON.stringify(json));
  }
  // json.Decoder reads one value: a closing bracket after it is not "more".
  assert.deepEqual(decode('{"Name":"a"}}').value, { Name: 'a' });
  assert.deepEqual(decode(' {"Name":"a"} \n').value, { Name: 'a' });
});

test('strings: escapes, surrogate pairs, invalid UTF-8 and lone surrogates as U+FFFD', () => {
  assert.equal(parseGoJson('"a\\"\\\\\\/\\b\\f\\n\\r\\tz"'), 'a"\\/\b\f\n\r\tz');
  assert.equal(parseGoJson('"\\ud83d\\ude00 \\u00e9"'), '\u{1f600} é');
  assert.equal(parseGoJson('"\\ud83d x"'), '\ufffd x');
  assert.equal(parseGoJson(Buffer.from([0x22, 0x61, 0xff, 0x62, 0x22])), 'a\ufffdb');
});

test('the swagger-driven bodies: Docker 28\'s struct names and paths', () => {
  const fail = (body: Parameters<typeof decodeRequestBody>[0], json: string) => {
    try { decodeRequestBody(body, json); } catch (e) { return (e as Error).message; }
    return 'decoded';
  };
  const cases: [Parameters<typeof decodeRequestBody>[0], string, string][] = [
    ['ContainerCreate', '{"Env":"A=1"}', 'json: cannot unmarshal string into Go struct field CreateRequest.Config.Env of type []string'],
    ['ContainerCreate', '{"HostConfig":{"Memory":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Resources.Memory of type int64'],
    ['ContainerCreate', '{"HostConfig":{"BlkioWeight":70000}}', 'json: cannot unmarshal number 70000 into Go struct field HostConfig.HostConfig.Resources.BlkioWeight of type uint16'],
    ['ContainerCreate', '{"HostConfig":{"OomScoreAdj":"5"}}', 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.OomScoreAdj of type int'],
    ['ContainerCreate', '{"HostConfig":{"PortBindings":{"80/tcp":{}}}}', 'json: cannot unmarshal object into Go struct field HostConfig.HostConfig.PortBindings of type []nat.PortBinding'],
    ['ContainerCreate', '{"Healthcheck":{"Interval":"1s"}}', 'json: cannot unmarshal string into Go struct field HealthConfig.Config.Healthcheck.Interval of type time.Duration'],
    ['ContainerCreate', '{"NetworkingConfig":{"EndpointsConfig":{"n":{"Aliases":"a"}}}}', 'json: cannot unmarshal string into Go struct field EndpointSettings.NetworkingConfig.EndpointsConfig.Aliases of type []string'],
    ['ContainerCreate', '{"HostConfig":{"Mounts":[{"TmpfsOptions":{"Mode":-1}}]}}', 'json: cannot unmarshal number -1 into Go struct field TmpfsOptions.HostConfig.Mounts.TmpfsOptions.Mode of type os.FileMode'],
    ['ContainerCreate', '{"HostConfig":{"Ulimits":[{"Soft":"1"}]}}', 'json: cannot unmarshal string into Go struct field Ulimit.HostConfig.Resources.Ulimits.Soft of type int64'],
    ['ContainerUpdate', '{"CpuShares":"512"}', 'json: cannot unmarshal string into Go struct field UpdateConfig.Resources.CpuShares of type int64'],
    ['ContainerUpdate', '{"RestartPolicy":{"MaximumRetryCount":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field RestartPolicy.RestartPolicy.MaximumRetryCount of type int'],
    ['ContainerExec', '{"Cmd":"ls"}', 'json: cannot unmarshal string into Go struct field ExecOptions.Cmd of type []string'],
    ['ContainerExec', '{"ConsoleSize":[1,-1]}', 'json: cannot unmarshal number -1 into Go struct field ExecOptions.ConsoleSize of type uint'],
    ['ExecStart', '{"Detach":"yes"}', 'json: cannot unmarshal string into Go struct field ExecStartOptions.Detach of type bool'],
    ['NetworkCreate', '{"Driver":1}', 'json: cannot unmarshal number into Go struct field CreateRequest.CreateOptions.Driver of type string'],
    ['NetworkCreate', '{"IPAM":{"Config":[{"Subnet":1}]}}', 'json: cannot unmarshal number into Go struct field IPAMConfig.CreateOptions.IPAM.Config.Subnet of type string'],
    ['NetworkConnect', '{"EndpointConfig":{"IPAMConfig":{"IPv4Address":4}}}', 'json: cannot unmarshal number into Go struct field EndpointIPAMConfig.EndpointConfig.IPAMConfig.IPv4Address of type string'],
    ['NetworkDisconnect', '{"Force":"true"}', 'json: cannot unmarshal string into Go struct field DisconnectOptions.Force of type bool'],
    ['VolumeCreate', '{"Labels":["a"]}', 'json: cannot unmarshal array into Go struct field CreateOptions.Labels of type map[string]string'],
    ['SystemAuth', '{"username":1}', 'json: cannot unmarshal number into Go struct field AuthConfig.username of type string'],
  ];
  for (const [body, json, want] of cases) assert.equal(fail(body, json), want, `${body} ${json}`);

  // Odd-case keys land on the canonical names.
  const c = decodeRequestBody('ContainerCreate', '{"image":"busybox","cmd":["true"],"hostconfig":{"memory":6291456,"restartpolicy":{"name":"always"}},"networkingconfig":{"endpointsconfig":{"n":{"aliases":["x"]}}}}');
  assert.deepEqual(c.value, {
    Image: 'busybox', Cmd: ['true'],
    HostConfig: { Memory: 6291456, RestartPolicy: { Name: 'always' } },
    NetworkingConfig: { EndpointsConfig: { n: { Aliases: ['x'] } } },
  });
  assert.deepEqual([...c.embedded], ['Config']);
  assert.deepEqual([...decodeRequestBody('ContainerCreate', '{"HostConfig":{}}').embedded], []);
  assert.deepEqual(decodeRequestBody('ExecStart', '{"detach":false,"tty":true}').value, { Detach: false, Tty: true });
  assert.deepEqual(decodeRequestBody('SystemAuth', '{"Username":"u","ServerAddress":"r","IdentityToken":"t"}').value,
    { username: 'u', serveraddress: 'r', identitytoken: 't' });
});

test('the committed schema is what the generator makes of the swagger', async () => {
  const { generate, OUTPUT } = await import('../../scripts/gen-request-schema.mjs');
  assert.equal(fs.readFileSync(OUTPUT, 'utf8'), generate(), 'run `node packages/shared/scripts/gen-request-schema.mjs`');
});

test('json.Unmarshal of one whole value (build\'s query parameters)', () => {
  assert.deepEqual(unmarshalGoJson('{"A":"1","B":null}', 'map[string]*string'), { A: '1', B: null });
  assert.deepEqual(unmarshalGoJson('["a","b"]', '[]string'), ['a', 'b']);
  const err = (json: string, t: string) => { try { unmarshalGoJson(json, t); } catch (e) { return (e as Error).message; } return 'decoded'; };
  assert.equal(err('{"A":1}', 'map[string]*string'), 'json: cannot unmarshal number into Go value of type string');
  assert.equal(err('{"A":"1"} x', 'map[string]string'), "invalid character 'x' after top-level value");
  assert.equal(err('{"A":"1"}}', 'map[string]string'), "invalid character '}' after top-level value");
  assert.equal(err('{"A":', 'map[string]string'), 'unexpected end of JSON input');
  assert.equal(err('', '[]string'), 'unexpected end of JSON input');
});

test('a key matches its exact field first, then the first field it folds to (Go\'s byExactName, byFoldedName)', () => {
  const t = new GoTypes({
    bodies: {}, named: {},
    structs: { 'pkg.Twins': [['Foo', 'string'], ['FOO', 'string'], ['Bar', 'map[string]string']] },
  }).type('pkg.Twins');
  const cases: [string, unknown][] = [
    ['{"FOO":"x"}', { FOO: 'x' }], // exact match on the second field
    ['{"Foo":"x"}', { Foo: 'x' }],
    ['{"foo":"x"}', { Foo: 'x' }], // no exact match: the first field that folds to it
    ['{"fOo":"x","FOO":"y"}', { Foo: 'x', FOO: 'y' }],
    ['{"bar":{"Key":"v","key":"w"}}', { Bar: { Key: 'v', key: 'w' } }], // map keys stay as given
  ];
  for (const [json, want] of cases) assert.deepEqual(decodeGoJson(json, t).value, want, json);
});

test('every API body takes odd-case keys at every depth; map keys stay as given', () => {
  const cases: [Parameters<typeof decodeRequestBody>[0], string, unknown][] = [
    ['ContainerCreate', '{"IMAGE":"b","labels":{"Com.Example":"1"},"hostConfig":{"logConfig":{"type":"json-file","config":{"Max-Size":"1m"}},"portBindings":{"80/tcp":[{"hostPort":"8080","HOSTIP":"127.0.0.1"}]},"mounts":[{"type":"bind","source":"/a","target":"/b","bindOptions":{"propagation":"rprivate"}}],"ulimits":[{"name":"nofile","soft":1,"hard":2}]},"healthcheck":{"test":["CMD","true"],"startInterval":5}}',
      { Image: 'b', Labels: { 'Com.Example': '1' }, Healthcheck: { Test: ['CMD', 'true'], StartInterval: 5 },
        HostConfig: { LogConfig: { Type: 'json-file', Config: { 'Max-Size': '1m' } }, PortBindings: { '80/tcp': [{ HostPort: '8080', HostIp: '127.0.0.1' }] },
          Mounts: [{ Type: 'bind', Source: '/a', Target: '/b', BindOptions: { Propagation: 'rprivate' } }], Ulimits: [{ Name: 'nofile', Soft: 1, Hard: 2 }] } }],
    ['ContainerUpdate', '{"memory":1,"restartPolicy":{"name":"no"}}', { Memory: 1, RestartPolicy: { Name: 'no' } }],
    ['ImageCommit', '{"env":["A=1"],"exposedPorts":{"80/tcp":{}}}', { Env: ['A=1'], ExposedPorts: { '80/tcp': {} } }],
    ['ContainerExec', '{"detachKeys":"ctrl-x","attachstdout":true,"CMD":["ls"],"env":["A=1"]}', { DetachKeys: 'ctrl-x', AttachStdout: true, Cmd: ['ls'], Env: ['A=1'] }],
    ['ExecStart', '{"DETACH":true,"consoleSize":[2,3]}', { Detach: true, ConsoleSize: [2, 3] }],
    ['NetworkCreate', '{"name":"n","ipam":{"config":[{"subnet":"10.9.0.0/24","auxiliaryAddresses":{"Host1":"10.9.0.5"}}]},"options":{"Com.Opt":"1"}}',
      { Name: 'n', IPAM: { Config: [{ Subnet: '10.9.0.0/24', AuxiliaryAddresses: { Host1: '10.9.0.5' } }] }, Options: { 'Com.Opt': '1' } }],
    ['NetworkConnect', '{"container":"c","endpointConfig":{"aliases":["a"],"ipamConfig":{"ipv4Address":"10.9.0.9"}}}', { Container: 'c', EndpointConfig: { Aliases: ['a'], IPAMConfig: { IPv4Address: '10.9.0.9' } } }],
    ['NetworkDisconnect', '{"CONTAINER":"c","force":true}', { Container: 'c', Force: true }],
    ['VolumeCreate', '{"NAME":"v","driverOpts":{"Type":"tmpfs"},"labels":{"A":"b"}}', { Name: 'v', DriverOpts: { Type: 'tmpfs' }, Labels: { A: 'b' } }],
    ['SystemAuth', '{"USERNAME":"u","Password":"p"}', { username: 'u', password: 'p' }],
  ];
  for (const [body, json, want] of cases) assert.deepEqual(decodeRequestBody(body, json).value, want, `${body} ${json}`);
});
