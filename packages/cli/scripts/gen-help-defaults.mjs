// Generates src/spec/help-defaults.json from the real docker CLI's --help: for each command, the
// "(default …)" text docker prints after each flag's description (pflag decides it from Go types
// the reference does not carry) and the flags docker hides. Run by hand: node scripts/gen-help-defaults.mjs
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const here = path.dirname(new URL(import.meta.url).pathname);
// commands.ts is one JSON literal between `export const commands = ` and ` as const;`.
const source = fs.readFileSync(path.join(here, '../src/spec/commands.ts'), 'utf8');
const specs = JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf(' as const')));
const docker = process.env.DOCKER ?? '/usr/local/bin/docker';
const out = {};
for (const [p, spec] of Object.entries(specs)) {
  if (!spec.flags.length) continue;
  const r = spawnSync(docker, [...p.split(' '), '--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100000' } });
  if (r.status !== 0) continue;
  // One flag per entry: lines starting with "  -x, --name" or "      --name"; continuation lines are indented.
  const entries = [];
  for (const line of r.stdout.split('\n')) {
    if (/^\s{2}(-\w, |    )--[\w-]+/.test(line)) entries.push(line);
    else if (entries.length && /^\s{6,}\S/.test(line)) entries[entries.length - 1] += ' ' + line.trim();
  }
  const shown = new Map();
  for (const e of entries) {
    const name = /--([\w-]+)/.exec(e)[1];
    const m = /\(default (.*)\)$/.exec(e);
    shown.set(name, m ? m[1] : null);
  }
  const rec = {};
  for (const f of spec.flags) {
    if (!shown.has(f.long)) rec[f.long] = false; // hidden by docker
    else if (shown.get(f.long) !== null && !f.description.replace(/\s+/g, ' ').endsWith(`(default ${shown.get(f.long)})`)) rec[f.long] = shown.get(f.long);
  }
  if (Object.keys(rec).length) out[p] = rec;
}
fs.writeFileSync(path.join(here, '../src/spec/help-defaults.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`${Object.keys(out).length} commands with defaults or hidden flags`);
