// Bundles the CLI with esbuild: one ESM entry plus lazily loaded chunks per command, so
// `berth ps` loads only what it runs (Ink/React never load for commands without live views).
import { build } from 'esbuild';
import path from 'node:path';
import { readdirSync, rmSync } from 'node:fs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  alias: { 'react-devtools-core': path.join(root, 'scripts/devtools-stub.mjs') },
  plugins: [{
    // undici loads node:http2 (7 ms here) for HTTP/2, which a unix-socket Engine API never
    // speaks; its own fallback for a missing http2 is this same empty shape.
    name: 'undici-without-http2',
    setup(b) {
      b.onResolve({ filter: /^node:http2$/ }, (args) => (args.importer.includes('undici') ? { path: 'http2', namespace: 'berth-stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'berth-stub' }, () => ({ contents: 'module.exports = { constants: {} };', loader: 'js' }));
    },
  }],
  // CJS dependencies bundled into ESM need a require().
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
};

const result = await build({
  ...common,
  entryPoints: { berth: 'src/main.ts', client: 'src/client/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
});

// Chunks are named by content hash, so old ones would pile up. Remove them only after the new
// build is written: a berth started meanwhile still finds the chunks its entry imports.
const fresh = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
const chunks = path.join(root, 'dist/chunks');
for (const name of readdirSync(chunks)) {
  const file = path.join(chunks, name);
  if (!fresh.has(file)) rmSync(file, { force: true });
}
