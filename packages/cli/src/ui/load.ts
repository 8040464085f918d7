/**
 * The Ink views (React and Ink, ~1.5 MB) are bundled apart from the CLI, as ESM under
 * dist/views/; the CLI itself is one CommonJS bundle that bin/berth runs from a V8 code cache.
 * A view is loaded by name through the importer bin/berth provides (code run by vm cannot
 * import() by itself); from source (tests under tsx) it is the module beside this file.
 */
type Views = {
  'progress-view': typeof import('./progress-view.js');
  'build-view': typeof import('./build-view.js');
  'stats-view': typeof import('./stats-view.js');
};

export function loadView<K extends keyof Views>(name: K): Promise<Views[K]> {
  const host = (globalThis as { __berthView?: (name: string) => Promise<unknown> }).__berthView;
  if (host) return host(name) as Promise<Views[K]>;
  const spec = ['.', `${name}.js`].join('/'); // not a literal: the bundler must leave views out
  return import(spec) as Promise<Views[K]>;
}
