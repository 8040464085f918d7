// Generates src/api/request-schema.generated.ts from the Engine API swagger (spec/engine-api-swagger.yaml):
// for every JSON request body berthd decodes, the Go struct dockerd decodes it into — field names,
// Go types and embedded structs — so that src/api/go-json.ts decodes bodies as Go's encoding/json
// does (case-insensitive names, Go's type errors naming `Struct.Field`). The swagger gives the
// fields and their JSON types; the tables below say where Docker 28's Go types say more (int vs
// int64, uint16, time.Duration, named string types, embedded structs, fields the swagger omits).
// Run by hand when the swagger changes (`node scripts/gen-request-schema.mjs`); the output is
// committed, and a unit test fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const SWAGGER = path.resolve(here, '../spec/engine-api-swagger.yaml');
export const OUTPUT = path.resolve(here, '../src/api/request-schema.generated.ts');

/** Request bodies: operationId → the Go type dockerd decodes the body into. */
const BODIES = {
  ContainerCreate: 'container.CreateRequest',
  ContainerUpdate: 'container.UpdateConfig',
  ImageCommit: 'container.CreateRequest', // dockerd decodes the commit config with the create decoder
  ContainerExec: 'container.ExecOptions',
  ExecStart: 'container.ExecStartOptions',
  NetworkCreate: 'network.CreateRequest',
  NetworkConnect: 'network.ConnectOptions',
  NetworkDisconnect: 'network.DisconnectOptions',
  VolumeCreate: 'volume.CreateOptions',
  SystemAuth: 'registry.AuthConfig',
};

/** Swagger definitions → Go struct types. */
const DEFINITIONS = {
  ContainerConfig: 'container.Config',
  HostConfig: 'container.HostConfig',
  Resources: 'container.Resources',
  RestartPolicy: 'container.RestartPolicy',
  HealthConfig: 'container.HealthConfig',
  DeviceMapping: 'container.DeviceMapping',
  DeviceRequest: 'container.DeviceRequest',
  ThrottleDevice: 'blkiodev.ThrottleDevice',
  Mount: 'mount.Mount',
  PortMap: 'nat.PortMap',
  PortBinding: 'nat.PortBinding',
  NetworkingConfig: 'network.NetworkingConfig',
  EndpointSettings: 'network.EndpointSettings',
  EndpointIPAMConfig: 'network.EndpointIPAMConfig',
  IPAM: 'network.IPAM',
  IPAMConfig: 'network.IPAMConfig',
  ConfigReference: 'network.ConfigReference',
  VolumeCreateOptions: 'volume.CreateOptions',
  AuthConfig: 'registry.AuthConfig',
};

/**
 * Where Go says more than the swagger, per Go struct: `types` replaces a field's Go type,
 * `embed` moves fields into an embedded struct (`*Name` for an embedded pointer), `add` adds
 * fields the swagger lacks, `drop` removes fields Go has elsewhere, `inline` names the Go type
 * of an inline object (or array-of-object item) property.
 */
const GO = {
  'container.CreateRequest': {
    embed: { '*Config': 'container.Config' },
    types: { HostConfig: '*container.HostConfig', NetworkingConfig: '*network.NetworkingConfig' },
  },
  'container.UpdateConfig': { embed: { Resources: 'container.Resources' } },
  'container.Config': {
    types: { Cmd: 'strslice.StrSlice', Entrypoint: 'strslice.StrSlice', Shell: 'strslice.StrSlice', ExposedPorts: 'nat.PortSet',
      Volumes: 'map[string]struct {}', StopTimeout: '*int', Healthcheck: '*container.HealthConfig', ArgsEscaped: 'bool',
      NetworkDisabled: 'bool', MacAddress: 'string', StopSignal: 'string', OnBuild: '[]string' },
  },
  'container.HealthConfig': {
    types: { Interval: 'time.Duration', Timeout: 'time.Duration', StartPeriod: 'time.Duration', StartInterval: 'time.Duration' },
  },
  'container.HostConfig': {
    embed: { Resources: 'container.Resources' },
    inline: { LogConfig: 'container.LogConfig' },
    types: { NetworkMode: 'container.NetworkMode', PortBindings: 'nat.PortMap', RestartPolicy: 'container.RestartPolicy',
      ConsoleSize: '[2]uint', CapAdd: 'strslice.StrSlice', CapDrop: 'strslice.StrSlice', CgroupnsMode: 'container.CgroupnsMode',
      IpcMode: 'container.IpcMode', Cgroup: 'container.CgroupSpec', PidMode: 'container.PidMode', UTSMode: 'container.UTSMode',
      UsernsMode: 'container.UsernsMode', Isolation: 'container.Isolation', Runtime: 'string', Sysctls: 'map[string]string' },
    add: { Init: '*bool' },
  },
  'container.Resources': {
    inline: { BlkioWeightDevice: 'blkiodev.WeightDevice', Ulimits: 'units.Ulimit' },
    types: { CpuShares: 'int64', BlkioWeight: 'uint16', BlkioWeightDevice: '[]*blkiodev.WeightDevice',
      BlkioDeviceReadBps: '[]*blkiodev.ThrottleDevice', BlkioDeviceWriteBps: '[]*blkiodev.ThrottleDevice',
      BlkioDeviceReadIOps: '[]*blkiodev.ThrottleDevice', BlkioDeviceWriteIOps: '[]*blkiodev.ThrottleDevice',
      MemorySwappiness: '*int64', OomKillDisable: '*bool', PidsLimit: '*int64', Ulimits: '[]*units.Ulimit',
      IOMaximumIOps: 'uint64', IOMaximumBandwidth: 'uint64' },
    add: { KernelMemory: 'int64' },
    drop: ['Init'], // a HostConfig field in Go
  },
  'blkiodev.WeightDevice': { types: { Weight: 'uint16' } },
  'blkiodev.ThrottleDevice': { types: { Rate: 'uint64' } },
  'units.Ulimit': { types: { Soft: 'int64', Hard: 'int64' } },
  'container.RestartPolicy': { types: { Name: 'container.RestartPolicyMode' } },
  'mount.Mount': {
    inline: { BindOptions: 'mount.BindOptions', VolumeOptions: 'mount.VolumeOptions', ImageOptions: 'mount.ImageOptions', TmpfsOptions: 'mount.TmpfsOptions' },
    types: { Type: 'mount.Type', Consistency: 'mount.Consistency', BindOptions: '*mount.BindOptions', VolumeOptions: '*mount.VolumeOptions',
      ImageOptions: '*mount.ImageOptions', TmpfsOptions: '*mount.TmpfsOptions' },
    add: { ClusterOptions: '*mount.ClusterOptions' },
  },
  'mount.BindOptions': { types: { Propagation: 'mount.Propagation' } },
  'mount.VolumeOptions': { inline: { DriverConfig: 'mount.Driver' }, types: { DriverConfig: '*mount.Driver' } },
  'mount.TmpfsOptions': { types: { Mode: 'os.FileMode' } },
  'network.NetworkingConfig': { types: { EndpointsConfig: 'map[string]*network.EndpointSettings' } },
  'network.EndpointSettings': {
    types: { IPAMConfig: '*network.EndpointIPAMConfig', GwPriority: 'int', GlobalIPv6PrefixLen: 'int' },
  },
  'network.CreateRequest': {
    embed: { CreateOptions: ['Driver', 'Scope', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigOnly', 'ConfigFrom', 'Options', 'Labels'] },
    types: { EnableIPv4: '*bool', EnableIPv6: '*bool', IPAM: '*network.IPAM', ConfigFrom: '*network.ConfigReference' },
    add: { CheckDuplicate: '*bool' },
  },
  'network.ConnectOptions': { types: { EndpointConfig: '*network.EndpointSettings' } },
  'container.ExecOptions': { types: { ConsoleSize: '*[2]uint' }, add: { Detach: 'bool' } },
  'container.ExecStartOptions': { types: { ConsoleSize: '*[2]uint' } },
  'volume.CreateOptions': { types: { ClusterVolumeSpec: 'any' } }, // Swarm only: kept as raw JSON
  'registry.AuthConfig': { add: { auth: 'string', identitytoken: 'string', registrytoken: 'string' } },
};

/** Go's named non-struct types and their underlying types. */
const NAMED = {
  'time.Duration': 'int64',
  'os.FileMode': 'uint32',
  'nat.Port': 'string',
  'nat.PortSet': 'map[nat.Port]struct {}',
  'nat.PortMap': 'map[nat.Port][]nat.PortBinding',
  'strslice.StrSlice': 'strslice', // has its own UnmarshalJSON: a string or an array of strings
  'container.NetworkMode': 'string', 'container.CgroupnsMode': 'string', 'container.IpcMode': 'string',
  'container.CgroupSpec': 'string', 'container.PidMode': 'string', 'container.UTSMode': 'string',
  'container.UsernsMode': 'string', 'container.Isolation': 'string', 'container.RestartPolicyMode': 'string',
  'mount.Type': 'string', 'mount.Consistency': 'string', 'mount.Propagation': 'string',
};

/** Go struct types the swagger does not describe at all. */
const EXTRA_STRUCTS = {
  'mount.ClusterOptions': [],
};

function goScalar(schema) {
  switch (schema.type) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
    case 'integer': return ['int64', 'uint16', 'uint32', 'uint64', 'int32'].includes(schema.format) ? schema.format : 'int';
    default: return undefined;
  }
}

export function generate(swaggerText = fs.readFileSync(SWAGGER, 'utf8')) {
  const doc = YAML.parse(swaggerText);
  const structs = {};
  const refName = (ref) => ref.replace('#/definitions/', '');

  const bodySchema = (operationId) => {
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        if (op?.operationId !== operationId) continue;
        const body = op.parameters?.find((p) => p.in === 'body');
        if (!body) throw new Error(`${operationId} has no body parameter`);
        return body.schema;
      }
    }
    throw new Error(`no operation ${operationId} in the swagger`);
  };

  /** The Go type of one property schema; inline objects get the name `inlineName` and are emitted. */
  function goType(schema, inlineName, where) {
    if (schema.$ref) {
      const def = refName(schema.$ref);
      const go = DEFINITIONS[def];
      if (!go) throw new Error(`${where}: no Go type for definition ${def}`);
      if (NAMED[go]) goType(doc.definitions[def], undefined, def); // a named map: emit what it holds
      else emit(go, doc.definitions[def]);
      return go;
    }
    if (schema.type === 'array') return `[]${goType(schema.items, inlineName, `${where}[]`)}`;
    if (schema.type === 'object' && schema.additionalProperties) {
      return `map[string]${goType(schema.additionalProperties, inlineName, `${where}{}`)}`;
    }
    if (schema.type === 'object' && !schema.properties && !schema.allOf) return 'struct {}';
    if (schema.type === 'object' || schema.allOf) {
      if (!inlineName) throw new Error(`${where}: inline object needs a Go name`);
      emit(inlineName, schema);
      return inlineName;
    }
    const t = goScalar(schema);
    if (!t) throw new Error(`${where}: cannot map ${JSON.stringify(schema)}`);
    return t;
  }

  /** Emit a Go struct from its swagger schema plus the GO table. */
  function emit(go, schema) {
    if (go in structs || NAMED[go]) return;
    structs[go] = null; // in progress: breaks cycles
    const g = GO[go] ?? {};
    const fields = []; // [json, type, embed?]
    const embedOf = {}; // field → embedded path
    const embeddedDefs = [];
    for (const [name, target] of Object.entries(g.embed ?? {})) {
      if (Array.isArray(target)) for (const f of target) embedOf[f] = name;
      else embeddedDefs.push([name, target]);
    }
    const members = schema.allOf ?? [schema];
    for (const m of members) {
      if (m.$ref) {
        // allOf of a definition: Go embeds that struct; its fields are promoted.
        const defGo = DEFINITIONS[refName(m.$ref)];
        const emb = embeddedDefs.find(([, t]) => t === defGo);
        if (!emb) throw new Error(`${go}: allOf ${m.$ref} without an embed entry`);
        emit(defGo, doc.definitions[refName(m.$ref)]);
        for (const [json, type, inner] of structs[defGo]) fields.push([json, type, inner ? `${emb[0]}.${inner}` : emb[0]]);
        continue;
      }
      for (const [name, prop] of Object.entries(m.properties ?? {})) {
        if (g.drop?.includes(name)) continue;
        let t = g.types?.[name];
        if (t === undefined) t = goType(prop, g.inline?.[name], `${go}.${name}`);
        else if (t !== 'any') goType(prop, g.inline?.[name], `${go}.${name}`); // still emit the structs it names
        fields.push(embedOf[name] ? [name, t, embedOf[name]] : [name, t]);
      }
    }
    // Embedded definitions the swagger spells as properties of their own (CreateRequest's *Config).
    for (const [name, target] of embeddedDefs) {
      if (fields.some((f) => f[2] === name || f[2]?.startsWith(`${name}.`))) continue;
      const def = Object.keys(DEFINITIONS).find((d) => DEFINITIONS[d] === target);
      emit(target, doc.definitions[def]);
      for (const [json, type, inner] of structs[target]) fields.push([json, type, inner ? `${name}.${inner}` : name]);
    }
    for (const [name, t] of Object.entries(g.add ?? {})) fields.push(embedOf[name] ? [name, t, embedOf[name]] : [name, t]);
    structs[go] = fields;
    // Types named in fields that the swagger did not lead us to (units.Ulimit via an override, …).
    for (const [, t] of fields) for (const n of t.match(/[a-z]+\.[A-Za-z]+/g) ?? []) if (!structs[n] && !NAMED[n] && EXTRA_STRUCTS[n]) structs[n] = EXTRA_STRUCTS[n];
  }

  for (const [op, go] of Object.entries(BODIES)) {
    if (op === 'ImageCommit') continue; // same Go type as ContainerCreate
    const schema = bodySchema(op);
    emit(go, schema.$ref ? doc.definitions[refName(schema.$ref)] : schema);
  }
  const named = {};
  const seen = new Set();
  const visit = (t) => {
    for (const n of t.match(/[a-z]+\.[A-Za-z]+/g) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (NAMED[n]) { named[n] = NAMED[n]; visit(NAMED[n]); }
      else if (!structs[n]) throw new Error(`type ${n} is neither a struct nor a named type`);
    }
  };
  for (const fields of Object.values(structs)) for (const [, t] of fields) visit(t);

  const sorted = Object.fromEntries(Object.entries(structs).sort(([a], [b]) => a.localeCompare(b)));
  const body = {
    bodies: BODIES,
    named: Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b))),
    structs: sorted,
  };
  const lines = [
    '// Generated by packages/shared/scripts/gen-request-schema.mjs from spec/engine-api-swagger.yaml: do not edit.',
    '// The Go structs dockerd decodes each JSON request body into: [json name, Go type, embedded struct path].',
    'import type { RequestSchema } from \'./go-json.js\';',
    '',
    'export const requestSchema: RequestSchema = {',
    `  bodies: ${JSON.stringify(body.bodies)},`,
    `  named: ${JSON.stringify(body.named)},`,
    '  structs: {',
    ...Object.entries(body.structs).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    '  },',
    '};',
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, generate());
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}
