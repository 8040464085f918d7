/**
 * Docker's default seccomp profile (seccomp-default.json, Docker's profile form with
 * includes/excludes) rendered to the OCI `linux.seccomp` object for a capability set. The
 * rendering depends only on the caps, so it is computed once per distinct set and cached.
 */
import fs from 'node:fs';
import os from 'node:os';

interface ProfileRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: { index: number; value: number; valueTwo?: number; op: string }[];
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[] };
}

interface Profile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap: { architecture: string; subArchitectures: string[] | null }[];
  syscalls: ProfileRule[];
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: ProfileRule['args'] }[];
}

let profile: Profile | undefined;
const cache = new Map<string, OciSeccomp>();

function loadProfile(): Profile {
  if (profile) return profile;
  const candidates = [new URL('./seccomp-default.json', import.meta.url), new URL('../../src/runtime/seccomp-default.json', import.meta.url)];
  for (const c of candidates) {
    try { return (profile = JSON.parse(fs.readFileSync(c, 'utf8')) as Profile); } catch { /* next */ }
  }
  throw new Error('seccomp-default.json not found');
}

/** Go's runtime.GOARCH for this machine, as the profile's "arches" name them. */
function goArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;
}

const seccompArch: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64' };

function kernelAtLeast(min: string): boolean {
  const [a = 0, b = 0] = os.release().split(/[.-]/).map(Number);
  const [x = 0, y = 0] = min.split('.').map(Number);
  return a > x || (a === x && b >= y);
}

/** The OCI seccomp object for a container with these capabilities (cached per set). */
export function defaultSeccomp(caps: string[]): OciSeccomp {
  const key = [...caps].sort().join(',');
  const hit = cache.get(key);
  if (hit) return hit;
  const p = loadProfile();
  const arch = goArch();
  const main = seccompArch[arch];
  const archs: string[] = [];
  for (const a of p.archMap) if (a.architecture === main) archs.push(a.architecture, ...(a.subArchitectures ?? []));
  const syscalls: OciSeccomp['syscalls'] = [];
  for (const r of p.syscalls) {
    const inc = r.includes ?? {};
    const exc = r.excludes ?? {};
    if (inc.arches && !inc.arches.includes(arch)) continue;
    if (inc.caps && !inc.caps.every((c) => caps.includes(c))) continue;
    if (inc.minKernel && !kernelAtLeast(inc.minKernel)) continue;
    if (exc.arches && exc.arches.includes(arch)) continue;
    if (exc.caps && exc.caps.some((c) => caps.includes(c))) continue;
    const rule: OciSeccomp['syscalls'][number] = { names: r.names, action: r.action };
    if (r.errnoRet !== undefined) rule.errnoRet = r.errnoRet;
    if (r.args) rule.args = r.args;
    syscalls.push(rule);
  }
  const out: OciSeccomp = { defaultAction: p.defaultAction, defaultErrnoRet: p.defaultErrnoRet, architectures: archs, syscalls };
  cache.set(key, out);
  return out;
}
