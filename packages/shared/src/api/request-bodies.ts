/** The Engine API's JSON request bodies, decoded as dockerd decodes them (see go-json.ts). */
import { decodeGoJson, GoTypes, type Decoded } from './go-json.js';
import { requestSchema } from './request-schema.generated.js';

const types = new GoTypes(requestSchema);

/** Bodies by the swagger's operationId. */
export type RequestBody =
  | 'ContainerCreate' | 'ContainerUpdate' | 'ImageCommit' | 'ContainerExec' | 'ExecStart'
  | 'NetworkCreate' | 'NetworkConnect' | 'NetworkDisconnect' | 'VolumeCreate' | 'SystemAuth';

export function decodeRequestBody<T = Record<string, unknown>>(body: RequestBody, input: Uint8Array | string): Decoded<T> {
  return decodeGoJson<T>(input, types.body(body));
}

/** json.Unmarshal of a query parameter's JSON into a plain Go type (`map[string]*string`, `[]string`, …). */
export function unmarshalGoJson<T = unknown>(input: string, goType: string): T {
  return decodeGoJson<T>(input, types.type(goType), { whole: true }).value;
}

/** json.NewDecoder(r).Decode into a named Go type of the API (`registry.AuthConfig` of a header). */
export function decodeAsGoType<T = unknown>(input: Uint8Array | string, goType: string): T {
  return decodeGoJson<T>(input, types.type(goType)).value;
}

/** A JSON body with no API type: Go's reader, plain values (numbers as float64). */
export function decodeAnyJson(input: Uint8Array | string): unknown {
  return decodeGoJson(input, types.type('any')).value;
}

export { GoJsonError } from './go-json.js';
