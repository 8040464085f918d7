// Public Template type: parse once, execute many times.

import { TemplateError } from './errors.js';
import { executeTree, makeFuncMap, type ExecContext, type MissingKey } from './exec.js';
import { builtinFuncs, dockerFuncs, type FuncDef, type FuncMap } from './funcs.js';
import { goQuote } from './lexer.js';
import type { Node } from './nodes.js';
import { parseTemplates, type Tree } from './parser.js';

export interface CompileOptions {
  /** Template name used in error messages (Go's template.New(name)); default "". */
  name?: string;
  /** Extra functions; they take precedence over builtins (Go's Funcs). */
  funcs?: FuncMap;
  /** Include docker/cli's template functions (json, split, join, ...). Default true. */
  dockerFuncs?: boolean;
  /** Go's Option("missingkey=..."): default|invalid print "<no value>", zero, error. */
  missingKey?: MissingKey;
}

export interface Template {
  /** Name of the top-level template. */
  readonly name: string;
  /** Executes the template; throws TemplateError with Go's message on failure. */
  execute(data: unknown): string;
  /** Executes the associated template with the given name ({{define "name"}}). */
  executeTemplate(name: string, data: unknown): string;
  /**
   * Executes the template, returning whatever output was produced before an
   * error (Go writes partial output to the writer) along with the error.
   */
  executePartial(data: unknown): { output: string; error?: TemplateError };
  /** Names of all templates defined in the source, sorted. */
  templateNames(): string[];
  /** A copy of the template with the given functions added/replaced (Go's Funcs). */
  withFuncs(funcs: FuncMap): Template;
  /** Field names referenced anywhere in the template (`.ID`, `$x.Name`, ...). */
  referencedFields(): string[];
}

class CompiledTemplate implements Template {
  constructor(
    readonly name: string,
    private readonly ctx: ExecContext,
  ) {}

  private tree(name: string): Tree {
    const t = this.ctx.trees.get(name);
    if (t === undefined) {
      throw new TemplateError(`template: no template ${goQuote(name)} associated with template ${goQuote(this.name)}`);
    }
    return t;
  }

  execute(data: unknown): string {
    return executeTree(this.ctx, this.tree(this.name), data);
  }

  executeTemplate(name: string, data: unknown): string {
    return executeTree(this.ctx, this.tree(name), data);
  }

  executePartial(data: unknown): { output: string; error?: TemplateError } {
    const sink: string[] = [];
    try {
      return { output: executeTree(this.ctx, this.tree(this.name), data, sink) };
    } catch (e) {
      if (e instanceof TemplateError) return { output: sink.join(''), error: e };
      throw e;
    }
  }

  templateNames(): string[] {
    return Array.from(this.ctx.trees.keys()).sort();
  }

  withFuncs(funcs: FuncMap): Template {
    const merged = new Map<string, FuncDef>(this.ctx.funcs);
    for (const [k, v] of makeFuncMap(funcs)) merged.set(k, v);
    return new CompiledTemplate(this.name, { ...this.ctx, funcs: merged });
  }

  referencedFields(): string[] {
    const seen = new Set<string>();
    const visit = (n: Node | null): void => {
      if (n === null) return;
      switch (n.type) {
        case 'list':
          n.nodes.forEach(visit);
          return;
        case 'action':
          visit(n.pipe);
          return;
        case 'pipe':
          n.cmds.forEach(visit);
          return;
        case 'command':
          n.args.forEach(visit);
          return;
        case 'field':
          n.ident.forEach((id) => seen.add(id));
          return;
        case 'variable':
          n.ident.slice(1).forEach((id) => seen.add(id));
          return;
        case 'chain':
          visit(n.node);
          n.field.forEach((id) => seen.add(id));
          return;
        case 'if':
        case 'range':
        case 'with':
          visit(n.pipe);
          visit(n.list);
          visit(n.elseList);
          return;
        case 'template':
          visit(n.pipe);
          return;
      }
    };
    for (const t of this.ctx.trees.values()) visit(t.root);
    return Array.from(seen);
  }
}

const BUILTINS = new Map<string, FuncDef>(Object.entries(builtinFuncs));

/**
 * Parses a Go text/template. docker/cli's template functions are available
 * unless `dockerFuncs: false`. Throws TemplateError with Go's parse error text,
 * e.g. `template: :1: function "foo" not defined`.
 */
export function compileTemplate(src: string, opts: CompileOptions = {}): Template {
  const name = opts.name ?? '';
  const funcs = new Map<string, FuncDef>();
  if (opts.dockerFuncs ?? true) for (const [k, v] of Object.entries(dockerFuncs)) funcs.set(k, v);
  for (const [k, v] of makeFuncMap(opts.funcs)) funcs.set(k, v);
  const trees = parseTemplates(name, src, {
    hasFunction: (fn) => funcs.has(fn) || BUILTINS.has(fn),
  });
  const ctx: ExecContext = {
    text: src,
    trees,
    funcs,
    builtins: BUILTINS,
    missingKey: opts.missingKey ?? 'default',
  };
  return new CompiledTemplate(name, ctx);
}
