// Bundles the CLI with esbuild into three parts:
//   dist/berth.cjs   the CLI, one CommonJS file: bin/berth runs it from a V8 code cache
//                    (dist/berth.cjs.<size>-<mtime>.cache, made here), the fastest start Node 20 offers
//   dist/views/      the Ink/React live views as ESM, loaded only when a view is drawn
//   dist/client.js   the dockerode-shaped client as ESM, for e2e tests and scripts
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  alias: { 'react-devtools-core': path.join(root, 'scripts/devtools-stub.mjs') },
  // A native addon (termios for raw mode): loaded from node_modules, only by an interactive session.
  external: ['koffi'],
  plugins: [{
    // undici loads node:http2 (7 ms here) for HTTP/2, which a unix-socket Engine API never
    // speaks; its own fallback for a missing http2 is this same empty shape.
    name: 'undici-without-http2',
    setup(b) {
      b.onResolve({ filter: /^node:http2$/ }, (args) => (args.importer.includes('undici') ? { path: 'http2', namespace: 'berth-stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'berth-stub' }, () => ({ contents: 'module.exports = { constants: {} };', loader: 'js' }));
    },
  }],
};
// CJS dependencies bundled into ESM need a require().
const esmBanner = { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" };

// Code run by vm has no import(): every dynamic import in the CLI becomes a require().
await build({ ...common, entryPoints: { berth: 'src/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, format: 'cjs', supported: { 'dynamic-import': false } });
await build({ ...common, entryPoints: { client: 'src/client/index.ts' }, outdir: 'dist', format: 'esm', banner: esmBanner });
const views = await build({
  ...common,
  entryPoints: { 'progress-view': 'src/ui/progress-view.tsx', 'build-view': 'src/ui/build-view.tsx', 'stats-view': 'src/ui/stats-view.tsx' },
  outdir: 'dist/views',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: esmBanner,
  metafile: true,
});

// Chunks are named by content hash, so old ones would pile up. Remove them only after the new
// build is written: a berth started meanwhile still finds the chunks its entry imports.
const fresh = new Set(Object.keys(views.metafile.outputs).map((f) => path.resolve(root, f)));
const chunks = path.join(root, 'dist/views/chunks');
for (const name of readdirSync(chunks)) {
  const file = path.join(chunks, name);
  if (!fresh.has(file)) rmSync(file, { force: true });
}
// Left from the ESM-chunked layout of earlier builds.
rmSync(path.join(root, 'dist/berth.js'), { force: true });
rmSync(path.join(root, 'dist/berth.js.map'), { force: true });
rmSync(path.join(root, 'dist/chunks'), { recursive: true, force: true });

// The code cache: one run that parses flags, loads the client and fails to connect compiles
// the functions every command needs; bin/berth stores them.
for (const name of readdirSync(path.join(root, 'dist'))) {
  if (/^berth\.cjs\..*cache$/.test(name)) rmSync(path.join(root, 'dist', name), { force: true });
}
try {
  execFileSync(process.execPath, [path.join(root, 'bin/berth'), '-H', 'unix:///nonexistent/berth.sock', 'ps'], { stdio: 'ignore' });
} catch { /* exits 1: no daemon there, as intended */ }
