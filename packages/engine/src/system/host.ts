/** Facts about the host that /info and /version report: kernel, OS, cgroups, CPUs, memory. */
import os from 'node:os';
import fs from 'node:fs';

export function osRelease(): { prettyName: string; versionId: string } {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => (text.match(new RegExp(`^${k}=(.*)$`, 'm'))?.[1] ?? '').replace(/^"|"$/g, '');
    return { prettyName: get('PRETTY_NAME') || 'Linux', versionId: get('VERSION_ID') };
  } catch {
    return { prettyName: 'Linux', versionId: '' };
  }
}

export type CgroupVersion = '1' | '2';

/** cgroup v2 when /sys/fs/cgroup is itself the unified hierarchy; v1 (incl. hybrid) otherwise. */
export function cgroupVersion(): CgroupVersion {
  return fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1';
}

export function goArch(): string {
  const map: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i386' };
  return map[process.arch] ?? process.arch;
}

export function platformArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
  return map[process.arch] ?? process.arch;
}

export const kernelVersion = () => os.release();
