/**
 * Legacy links (`--link name:alias` on the default bridge): parsing a link as dockerd's
 * opts.ParseLink does, and the environment variables a linked container gets (moby's
 * daemon/links/links.go): <ALIAS>_PORT, <ALIAS>_PORT_<n>_<PROTO>[_ADDR|_PORT|_PROTO], range
 * _START/_END variables for consecutive ports, <ALIAS>_NAME, <ALIAS>_ENV_<VAR>.
 */
import { InvalidArgument } from '@berth/shared';

/** "name:alias" or "name" (alias = name); a leading "/" on either is dropped; "/parent/alias" forms keep the last element. */
export function parseLink(link: string): { name: string; alias: string } {
  const parts = link.split(':');
  if (!link || parts.length > 2 || !parts[0]) throw new InvalidArgument(`bad format for links: ${link}`);
  const name = parts[0].replace(/^\//, '');
  const alias = (parts[1] ?? name).split('/').filter(Boolean).pop() ?? name;
  return { name, alias };
}

/**
 * HostConfig.Links as inspect shows them (dockerd's getInspectData): the legacy links only, as
 * "/child:/parent/alias"; on a user-defined network (where a link is an endpoint alias) none.
 */
export function inspectLinks(links: string[] | null | undefined, parentName: string, networkMode: string): string[] | null {
  if (!links?.length || (networkMode !== 'default' && networkMode !== 'bridge' && networkMode !== '')) return null;
  const parent = `/${parentName.replace(/^\//, '')}`;
  return links.map((l) => { const { name, alias } = parseLink(l); return `/${name}:${parent}/${alias}`; });
}

interface Port { num: number; proto: string }

/** TCP first, then by number, then by protocol (moby's withTCPPriority). */
function compare(a: Port, b: Port): number {
  if (a.proto === b.proto) return a.num - b.num;
  if (a.proto === 'tcp') return -1;
  if (b.proto === 'tcp') return 1;
  return a.proto < b.proto ? -1 : 1;
}

/**
 * The variables for the link named `linkName` (its full name, "/parent/alias") to a child at
 * `childIp` with `childEnv` and `exposedPorts` ("80/tcp" keys).
 */
export function linkEnv(linkName: string, childIp: string, childEnv: string[] | null | undefined, exposedPorts: Record<string, unknown> | null | undefined): string[] {
  const alias = linkName.split('/').pop()!.toUpperCase().replaceAll('-', '_');
  const ports: Port[] = Object.keys(exposedPorts ?? {}).map((k) => {
    const [n, proto = 'tcp'] = k.split('/');
    return { num: Number(n), proto: proto! };
  }).sort(compare);
  const env: string[] = [];
  let start: Port | undefined;
  let end: Port | undefined;
  ports.forEach((p, i) => {
    if (i === 0) {
      start = end = p;
      env.push(`${alias}_PORT=${p.proto}://${childIp}:${p.num}`);
    }
    const prefix = `${alias}_PORT_${p.num}_${p.proto.toUpperCase()}`;
    env.push(`${prefix}=${p.proto}://${childIp}:${p.num}`, `${prefix}_ADDR=${childIp}`, `${prefix}_PORT=${p.num}`, `${prefix}_PROTO=${p.proto}`);
    if (p.num === end!.num + 1 && p.proto === end!.proto) {
      end = p;
      if (i < ports.length - 1) return;
    }
    if (end !== start) {
      const rp = `${alias}_PORT_${start!.num}_${start!.proto.toUpperCase()}`;
      env.push(`${rp}_START=${start!.proto}://${childIp}:${start!.num}`, `${rp}_PORT_START=${start!.num}`,
        `${rp}_END=${end!.proto}://${childIp}:${end!.num}`, `${rp}_PORT_END=${end!.num}`);
    }
    start = end = p;
  });
  env.push(`${alias}_NAME=${linkName}`);
  for (const kv of childEnv ?? []) {
    const i = kv.indexOf('=');
    if (i < 0) continue;
    const name = kv.slice(0, i);
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${alias}_ENV_${name}=${kv.slice(i + 1)}`);
  }
  return env;
}
