/**
 * Shell completion: `berth completion bash|zsh` prints a script; the script calls the hidden
 * `berth __complete WORD…` (the words typed so far, the last one being completed, maybe empty),
 * which prints one candidate per line: commands, subcommands, flags from Docker's flag table,
 * and container/image/network/volume/context names from the daemon and the config dir.
 */
import { canonical, isGroup, specs, unsupportedGroups, type FlagSpec } from './spec.js';
import { usageArgs } from '../spec/usage.js';
import type { GlobalOptions } from './context.js';

const globalValue = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const globalBool = ['--debug', '--tls', '--tlsverify', '--version', '--help'];

type Kind = 'container' | 'image' | 'network' | 'volume' | 'context';

/** What a usage-line placeholder names, e.g. CONTAINER or SOURCE_IMAGE[:TAG]. */
function kindOf(placeholder: string | undefined): Kind | undefined {
  if (!placeholder) return undefined;
  const p = placeholder.replace(/[[\].]/g, '');
  if (/^CONTAINER/.test(p)) return 'container';
  if (/IMAGE|^NAME:TAG|^REPOSITORY/.test(p)) return 'image';
  if (/^NETWORK/.test(p)) return 'network';
  if (/^VOLUME/.test(p)) return 'volume';
  if (/^CONTEXT/.test(p)) return 'context';
  if (/^NAME\|ID/.test(p)) return 'container';
  return undefined;
}

/** Value flags whose values are daemon objects. */
const flagKinds: Record<string, Kind> = { network: 'network', net: 'network', 'volumes-from': 'container', volume: 'volume', context: 'context', from: 'context' };

/** Candidates that need no daemon, and which kind of daemon object (if any) completes the word. */
export function staticCandidates(words: string[]): { candidates: string[]; kind?: Kind; globals: Partial<GlobalOptions> } {
  const cur = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  const globals: Partial<GlobalOptions> = {};
  let i = 0;
  for (; i < before.length; i++) {
    const w = before[i]!;
    if (!w.startsWith('-')) break;
    if (globalValue.has(w)) {
      const v = before[++i];
      if (w === '-H' || w === '--host') globals.host = v;
      if (w === '-c' || w === '--context') globals.context = v;
      if (w === '--config') globals.config = v;
    }
  }
  const prevAll = before[before.length - 1];
  if (i === before.length) {
    // Completing a global flag's value, a global flag, or the command.
    if (prevAll && globalValue.has(prevAll)) return { candidates: [], kind: prevAll === '-c' || prevAll === '--context' ? 'context' : undefined, globals };
    if (cur.startsWith('-')) return { candidates: [...globalValue].filter((f) => f.startsWith('--')).concat(globalBool).sort(), globals };
    const tops = Object.keys(specs).filter((p) => !p.includes(' ') && !unsupportedGroups[p]);
    return { candidates: [...tops, 'completion'].sort(), globals };
  }
  const rest = before.slice(i);
  let path = rest[0]!;
  let args = rest.slice(1);
  if (path === 'completion') return { candidates: rest.length === 1 ? ['bash', 'zsh'] : [], globals };
  if (!specs[path]) return { candidates: [], globals };
  if (isGroup(path)) {
    if (args.length === 0) return { candidates: specs[path]!.subcommands.filter((s) => specs[`${path} ${s}`]), globals };
    if (!specs[`${path} ${args[0]}`]) return { candidates: [], globals };
    path = `${path} ${args[0]}`;
    args = args.slice(1);
  }
  const flags = specs[path]!.flags;
  const byName = new Map<string, FlagSpec>();
  for (const f of flags) { byName.set(`--${f.long}`, f); if (f.short) byName.set(`-${f.short}`, f); }
  const prev = args[args.length - 1];
  const prevFlag = prev?.startsWith('-') && !prev.includes('=') ? byName.get(prev) : undefined;
  if (prevFlag && prevFlag.type !== 'bool') return { candidates: [], kind: flagKinds[prevFlag.long], globals };
  if (cur.startsWith('--') && cur.includes('=')) {
    const f = byName.get(cur.slice(0, cur.indexOf('=')));
    return { candidates: [], kind: f ? flagKinds[f.long] : undefined, globals };
  }
  if (cur.startsWith('-')) return { candidates: [...flags.map((f) => `--${f.long}`), '--help'].sort(), globals };
  // Which positional is this? Count earlier positionals, skipping flag values.
  let n = 0;
  for (let j = 0; j < args.length; j++) {
    const a = args[j]!;
    if (a.startsWith('-')) {
      const f = byName.get(a);
      if (f && f.type !== 'bool' && !a.includes('=')) j++;
      continue;
    }
    n++;
  }
  const usage = (usageArgs[canonical(path)] ?? usageArgs[path] ?? '').split('\n')[0]!.split(/\s+/).filter((t) => t && t !== '|');
  const variadicAt = usage.findIndex((t) => t.includes('...'));
  const slot = usage[n] ?? (variadicAt >= 0 ? usage[variadicAt] : undefined);
  // `berth run IMAGE COMMAND…`: only the image is ours to complete.
  if (n > 0 && (canonical(path) === 'container run' || canonical(path) === 'container create' || canonical(path) === 'container exec')) {
    return { candidates: [], globals };
  }
  return { candidates: [], kind: kindOf(slot), globals };
}

async function daemonNames(kind: Kind, globals: Partial<GlobalOptions>): Promise<string[]> {
  const full: GlobalOptions = { config: '', debug: false, logLevel: 'info', tls: false, tlsverify: false, ...globals };
  if (kind === 'context') {
    const { ContextStore } = await import('./contexts.js');
    const { configDir } = await import('./context.js');
    return ['default', ...new ContextStore(configDir(full)).list().map((m) => m.Name)];
  }
  const { resolveEndpoint } = await import('./context.js');
  const { Docker } = await import('../client/docker.js');
  const ep = resolveEndpoint(full);
  const docker = Docker.fromHost(ep.host, { tls: ep.tls, timeout: 2000 });
  try {
    switch (kind) {
      case 'container': {
        const list = await docker.listContainers({ all: true });
        return list.flatMap((c) => (c.Names ?? []).map((n) => n.replace(/^\//, '')));
      }
      case 'image': {
        const list = await docker.listImages();
        return list.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));
      }
      case 'network':
        return (await docker.listNetworks()).flatMap((n) => (n.Name ? [n.Name] : []));
      case 'volume':
        return ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name);
    }
  } finally {
    void docker.modem.close();
  }
}

/** `berth __complete WORD…`: the candidates for the last word, one per line. */
export async function complete(words: string[], out: NodeJS.WritableStream): Promise<number> {
  if (words.length === 0) words = [''];
  const cur = words[words.length - 1]!;
  const { candidates, kind, globals } = staticCandidates(words);
  let all = candidates;
  if (kind) {
    try { all = all.concat(await daemonNames(kind, globals)); } catch { /* no daemon: no names */ }
  }
  const value = cur.startsWith('--') && cur.includes('=') ? cur.slice(cur.indexOf('=') + 1) : cur;
  const prefix = cur.slice(0, cur.length - value.length);
  const seen = new Set<string>();
  for (const c of all) {
    if (!c.startsWith(value) || seen.has(c)) continue;
    seen.add(c);
    out.write(prefix + c + '\n');
  }
  return 0;
}

const bashScript = `# bash completion for berth                                  -*- shell-script -*-
# Load it with:  source <(berth completion bash)
# or save it as /etc/bash_completion.d/berth

_berth_complete() {
  local line="\${COMP_LINE:0:\$COMP_POINT}"
  local -a words
  read -ra words <<< "\$line"
  [[ "\$line" =~ [[:space:]]$ ]] && words+=("")
  local cur="\${words[\${#words[@]}-1]}"
  local IFS=$'\\n'
  local -a cands
  cands=(\$("\${words[0]}" __complete "\${words[@]:1}" 2>/dev/null))
  # bash splits words at ':' and '=': complete only the part after the last one.
  local brk="\${cur%[:=]*}"
  if [[ "\$brk" != "\$cur" && "\${COMP_WORDBREAKS}" == *:* ]]; then
    local i
    for i in "\${!cands[@]}"; do cands[\$i]="\${cands[\$i]#"\$brk"?}"; done
  fi
  COMPREPLY=("\${cands[@]}")
}
complete -o default -F _berth_complete berth
`;

const zshScript = `#compdef berth
# zsh completion for berth
# Load it with:  source <(berth completion zsh)
# or save it as _berth in a directory of your $fpath

_berth() {
  local -a cands
  cands=("\${(@f)\$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  cands=("\${(@)cands:#}")
  if (( \${#cands} )); then
    compadd -Q -- "\${cands[@]}"
  else
    _files
  fi
}

if [ "\$funcstack[1]" = "_berth" ]; then
  _berth "\$@"
else
  compdef _berth berth
fi
`;

/** `berth completion bash|zsh`. */
export function completionScript(shell: string | undefined): string | undefined {
  if (shell === 'bash') return bashScript;
  if (shell === 'zsh') return zshScript;
  return undefined;
}
