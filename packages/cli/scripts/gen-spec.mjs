// Generates src/spec/commands.json from the docker CLI reference (packages/shared/spec/docker-cli-commands.md):
// every command's description, aliases, subcommands and flags, so `berth` accepts exactly Docker's flags.
// Run by hand when the reference changes; the output is committed.
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const src = process.argv[2] ?? path.resolve(here, '../../shared/spec/docker-cli-commands.md');
const lines = fs.readFileSync(src, 'utf8').split('\n');
const out = {};
let cur = null;
for (const line of lines) {
  let m;
  if ((m = /^## docker (.+)$/.exec(line))) {
    cur = { path: m[1], description: '', aliases: [], subcommands: [], flags: [] };
    out[m[1]] = cur;
  } else if (!cur) {
    continue;
  } else if ((m = /^Aliases: (.*)$/.exec(line))) {
    cur.aliases = [...m[1].matchAll(/`docker ([^`]+)`/g)].map((x) => x[1]);
  } else if ((m = /^Subcommands: (.*)$/.exec(line))) {
    cur.subcommands = m[1].split(',').map((s) => s.trim()).filter(Boolean);
  } else if ((m = /^\| (-\w, )?(--[\w-]+) \| ([\w]*) \| (.*?) \| (.*) \|$/.exec(line))) {
    cur.flags.push({
      short: m[1] ? m[1].slice(1, 2) : undefined,
      long: m[2].slice(2),
      type: m[3],
      default: m[4].trim(),
      description: m[5].replace(/<br>/g, '\n').replace(/`/g, '').trim(),
    });
  } else if (line && !line.startsWith('|') && !cur.description) {
    cur.description = line.trim();
  }
}
delete out['docker'];
fs.writeFileSync(path.join(here, '../src/spec/commands.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`${Object.keys(out).length} commands`);
