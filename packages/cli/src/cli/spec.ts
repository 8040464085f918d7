/** The command tree: Docker's commands and flags (generated) with canonical paths and aliases. */
import { commands } from '../spec/commands.js';
import { usageArgs } from '../spec/usage.js';
import type { CommandPath } from './flags.js';

export interface FlagSpec {
  readonly short?: string; readonly long: string; readonly type: string; readonly default: string; readonly description: string;
  /** Accepted but left out of --help (cobra's MarkHidden). */
  readonly hidden?: boolean;
  /** Accepted with a notice on stdout when given: `Flag --time has been deprecated, <this>` (MarkDeprecated). */
  readonly deprecated?: string;
}
export interface CommandSpec { readonly path: string; readonly description: string; readonly aliases: readonly string[]; readonly subcommands: readonly string[]; readonly flags: readonly FlagSpec[] }

export const specs: Readonly<Record<string, CommandSpec>> = commands;

export const isCommandPath = (path: string): path is CommandPath => Object.hasOwn(commands, path);

/** Top-level commands that are only groups of subcommands (docker container, image, …). */
export const isGroup = (path: string) => (specs[path]?.subcommands.length ?? 0) > 0;

/**
 * The canonical path of a command: the management form (`container ls`) for Docker's
 * top-level shortcuts (`ps`), else the path itself.
 */
export function canonical(path: string): string {
  const spec = specs[path];
  if (!spec) return path;
  if (path.includes(' ')) {
    // `image build`, `builder build` and `build` are one command; prefer the image form.
    const preferred = spec.aliases.find((a) => a.includes(' ') && !a.startsWith('builder') && !a.startsWith('buildx'));
    return preferred && specs[preferred] ? preferred : path;
  }
  const managed = spec.aliases.find((a) => a.includes(' ') && specs[a] && !a.startsWith('buildx') && !a.startsWith('builder'));
  return managed ?? path;
}

export function usageLine(path: string): string {
  const canon = canonical(path);
  const args = usageArgs[canon] ?? usageArgs[path];
  if (isGroup(path)) return `berth ${path} COMMAND`;
  const opts = specs[path]?.flags.length ? ' [OPTIONS]' : '';
  return `berth ${path}${opts}${args ? ' ' + args.replace(/docker /g, 'berth ') : ''}`;
}

/** Commands whose flags stop at the first positional: what follows belongs to the container's command. */
export const haltsAtPositional = new Set(['container run', 'container create', 'container exec', 'container top']);

/** The swarm family and other Docker features Berth deliberately does not offer. */
export const unsupportedGroups: Record<string, string> = {
  swarm: 'Berth does not support swarm mode',
  node: 'Berth does not support swarm mode',
  service: 'Berth does not support swarm mode',
  stack: 'Berth does not support swarm mode',
  secret: 'Berth does not support swarm mode',
  config: 'Berth does not support swarm mode',
  plugin: 'Berth does not support plugins',
  trust: 'Berth does not support content trust',
  checkpoint: 'Berth does not support checkpoints',
  manifest: 'Berth does not support manifest lists yet',
  bake: 'Berth does not support buildx bake; use berth build',
};
