/**
 * Build arguments as the classic builder keeps them: `--build-arg` values, the ARGs declared
 * before the first FROM (meta args, visible to FROM and re-declarable in a stage), the ARGs a
 * stage declares, and the predefined proxy args usable without a declaration (and kept out of
 * the history unless declared).
 */
import { envKey } from './lex.js';

export const builtinArgs = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

export class BuildArgs {
  /** Names `--build-arg` gave (value null: declared without a value on the client). */
  readonly referenced = new Set<string>();
  private readonly meta = new Map<string, string | undefined>();
  private allowed = new Map<string, string | undefined>();

  constructor(readonly given: Record<string, string | null>) {}

  /** A new stage: only meta args stay known (they still need `ARG NAME` to be used). */
  forStage(): BuildArgs {
    const b = new BuildArgs(this.given);
    for (const [k, v] of this.meta) b.meta.set(k, v);
    b.parentRefs = this.referenced;
    return b;
  }
  private parentRefs?: Set<string>;

  addMeta(key: string, value: string | undefined): void {
    this.meta.set(key, this.valueOf(key, value));
    this.referenced.add(key);
  }

  /** `ARG key[=default]` in a stage. */
  add(key: string, value: string | undefined): void {
    const def = value ?? this.meta.get(key);
    this.allowed.set(key, def);
    this.referenced.add(key);
    this.parentRefs?.add(key);
  }

  private valueOf(key: string, def: string | undefined): string | undefined {
    const g = this.given[key];
    return g !== undefined && g !== null ? g : def;
  }

  /** Meta args with values, for expanding FROM. */
  metaEnv(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.meta) if (v !== undefined) out.push(`${k}=${v}`);
    return out;
  }

  /** The args in effect for the stage ("K=V"), those ENV overrides left out. */
  filterAllowed(env: string[]): string[] {
    const envKeys = new Set(env.map(envKey));
    const out: string[] = [];
    for (const [k, def] of this.allowed) {
      const v = this.valueOf(k, def);
      if (v !== undefined && !envKeys.has(k)) out.push(`${k}=${v}`);
    }
    for (const k of builtinArgs) {
      if (this.allowed.has(k)) continue;
      const g = this.given[k];
      if (g !== undefined && g !== null && !envKeys.has(k)) out.push(`${k}=${g}`);
    }
    return out;
  }

  /** Shown in history (`|N K=V … cmd`): declared args, and builtins only when declared. */
  isShown(key: string): boolean {
    return !builtinArgs.has(key) || this.allowed.has(key);
  }

  /** `--build-arg` names no ARG consumed (Docker's warning). */
  unused(): string[] {
    return Object.keys(this.given).filter((k) => !builtinArgs.has(k) && !this.referenced.has(k)).sort();
  }
}
