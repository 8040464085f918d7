// Builds the native parts: the berth-monitor launcher (make) and berthd's N-API addon (node-gyp).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

run('make', ['-s', '-C', 'native/monitor'], root);
// Under pnpm, node-gyp would download Node's headers: build against the running node's own.
const nodedir = path.resolve(process.execPath, '../..');
const gyp = path.join(root, 'node_modules/.bin/node-gyp');
run(existsSync(gyp) ? gyp : 'node-gyp', ['rebuild', '--silent', `--nodedir=${nodedir}`], path.join(root, 'native/berth'));
