/**
 * Go's encoding/json for the image types Docker marshals as structs: fields in declaration
 * order, `omitempty` honoured, a missing non-omitempty field as its zero value, and <, > and &
 * escaped in strings.
 */
export type Field = [name: string, omitEmpty: boolean, zero: unknown];

/** api/types/container.Config. Docker 20.10 wrote OnBuild even when empty. */
export const containerConfigFields = (onBuildAlways: boolean): Field[] => [
  ['Hostname', false, ''], ['Domainname', false, ''], ['User', false, ''],
  ['AttachStdin', false, false], ['AttachStdout', false, false], ['AttachStderr', false, false],
  ['ExposedPorts', true, null], ['Tty', false, false], ['OpenStdin', false, false], ['StdinOnce', false, false],
  ['Env', false, null], ['Cmd', false, null], ['Healthcheck', true, null], ['ArgsEscaped', true, false],
  ['Image', false, ''], ['Volumes', false, null], ['WorkingDir', false, ''], ['Entrypoint', false, null],
  ['NetworkDisabled', true, false], ['MacAddress', true, ''], ['OnBuild', !onBuildAlways, null], ['Labels', false, null],
  ['StopSignal', true, ''], ['StopTimeout', true, null], ['Shell', true, null],
];

export const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || v === false || v === 0
  || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

export function goStruct(obj: Record<string, unknown> | undefined, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, omit, zero] of fields) {
    const v = obj?.[name];
    if (omit && isEmpty(v)) continue;
    out[name] = v === undefined ? zero : v;
  }
  return out;
}

/** Go's json.Marshal output for plain data (HTML-sensitive characters escaped). */
export function goJSON(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

