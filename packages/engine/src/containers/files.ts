/** The per-container files Docker bind-mounts: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
import fs from 'node:fs';
import { writeAtomic } from './store.js';

export const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::\tip6-localnet',
  'ff00::\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** The host's resolv.conf without loopback nameservers (unreachable from a container's netns). */
export function containerResolvConf(hostFile = '/etc/resolv.conf', keepLoopback = false): string {
  let text = '';
  try { text = fs.readFileSync(hostFile, 'utf8'); } catch { return ''; }
  const lines = text.split('\n').filter((l) => keepLoopback || !/^\s*nameserver\s+(127\.|::1\s*$)/.test(l));
  return lines.join('\n').replace(/\n*$/, '\n');
}

export function writeContainerFiles(p: { hostname: string; hosts: string; resolv: string }, hostname: string, hostNetwork: boolean, extraHosts: string[] = []): void {
  writeAtomic(p.hostname, `${hostname}\n`);
  let hosts: string;
  if (hostNetwork) {
    try { hosts = fs.readFileSync('/etc/hosts', 'utf8'); } catch { hosts = DEFAULT_HOSTS.join('\n') + '\n'; }
  } else {
    hosts = [...DEFAULT_HOSTS, ...extraHosts].join('\n') + '\n';
  }
  writeAtomic(p.hosts, hosts);
  writeAtomic(p.resolv, containerResolvConf('/etc/resolv.conf', hostNetwork));
}
