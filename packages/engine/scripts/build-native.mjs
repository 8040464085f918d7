// Builds the native parts: the berth-monitor launcher (make) and, when present, the N-API addon (node-gyp).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

if (existsSync(path.join(root, 'native/monitor/Makefile'))) run('make', ['-s', '-C', 'native/monitor'], root);
if (existsSync(path.join(root, 'native/addon/binding.gyp'))) {
  const nodedir = path.resolve(process.execPath, '../..');
  const gyp = path.join(root, 'node_modules/.bin/node-gyp');
  run(existsSync(gyp) ? gyp : 'node-gyp', ['rebuild', '--silent', `--nodedir=${nodedir}`], path.join(root, 'native/addon'));
}
// The rtnetlink addon (network/netlink.ts loads native/netlink/build/Release/berth_netlink.node).
if (existsSync(path.join(root, 'native/netlink/binding.gyp'))) {
  const nodedir = path.resolve(process.execPath, '../..');
  const gyp = path.join(root, 'node_modules/.bin/node-gyp');
  run(existsSync(gyp) ? gyp : 'node-gyp', ['rebuild', '--silent', `--nodedir=${nodedir}`], path.join(root, 'native/netlink'));
}
