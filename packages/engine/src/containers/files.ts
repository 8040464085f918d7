/** The per-container files Docker bind-mounts: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
import fs from 'node:fs';
import { writeAtomicSync } from '../storage/atomic.js';
import { renderHosts } from '../network/etc-files.js';

/** The host's resolv.conf without loopback nameservers (unreachable from a container's netns). */
export function containerResolvConf(hostFile = '/etc/resolv.conf', keepLoopback = false): string {
  let text = '';
  try { text = fs.readFileSync(hostFile, 'utf8'); } catch { return ''; }
  const lines = text.split('\n').filter((l) => keepLoopback || !/^\s*nameserver\s+(127\.|::1\s*$)/.test(l));
  return lines.join('\n').replace(/\n*$/, '\n');
}

export function writeContainerFiles(p: { hostname: string; hosts: string; resolv: string }, hostname: string, hostNetwork: boolean, extraHosts: string[] = []): void {
  writeAtomicSync(p.hostname, `${hostname}\n`, { durable: false, mode: 0o644 });
  let hosts: string;
  if (hostNetwork) {
    try { hosts = fs.readFileSync('/etc/hosts', 'utf8'); } catch { hosts = renderHosts({ ips: [], hostname }); }
  } else {
    hosts = renderHosts({ ips: [], hostname, extraHosts });
  }
  writeAtomicSync(p.hosts, hosts, { durable: false, mode: 0o644 });
  writeAtomicSync(p.resolv, containerResolvConf('/etc/resolv.conf', hostNetwork), { durable: false, mode: 0o644 });
}
