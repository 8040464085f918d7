// Template execution: walks parse trees against plain JS data following Go's
// text/template/exec.go semantics, including its runtime error messages.

import { TemplateError } from './errors.js';
import { formatValue, sprintf } from './fmt.js';
import { FuncError, goTypeOfParam, toFuncDef, type FuncDef, type FuncMap, type ParamType } from './funcs.js';
import { goQuote } from './lexer.js';
import { nodeString } from './nodes.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import type { Tree } from './parser.js';
import {
  Complex128,
  Float64,
  isStringContainer,
  isTrue,
  kindOf,
  mapIndex,
  mapKeys,
  sliceElems,
  structField,
  typeName,
} from './value.js';

export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

/** Template depth limit (Go uses 100000, or 1000 on wasm; JS stacks are shallow). */
const MAX_EXEC_DEPTH = 1000;

/** Everything execution needs: the template set, functions and options. */
export interface ExecContext {
  text: string;
  trees: Map<string, Tree>;
  funcs: Map<string, FuncDef>;
  builtins: Map<string, FuncDef>;
  missingKey: MissingKey;
}

const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

interface Variable {
  name: string;
  value: unknown;
  /** The variable holds an interface{} element (affects Go type names in errors). */
  iface: boolean;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Go's Tree.ErrorContext: "name:line:byteColumn" and the node's text. */
export function errorContext(text: string, parseName: string, n: Node): [string, string] {
  const pos = Math.min(n.pos, text.length);
  const before = text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  const col = utf8Length(nl === -1 ? before : before.slice(nl + 1));
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 0x0a) line++;
  return [`${parseName}:${line}:${col}`, nodeString(n)];
}

function errMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return sprintf('%v', [e]);
}

class State {
  node: Node | null = null;
  vars: Variable[];
  constructor(
    readonly ctx: ExecContext,
    readonly tree: Tree,
    readonly out: string[],
    dot: unknown,
    readonly depth: number,
  ) {
    this.vars = [{ name: '$', value: dot, iface: false }];
  }

  at(node: Node): void {
    this.node = node;
  }

  errorf(msg: string): never {
    const name = this.tree.name;
    if (this.node === null) throw new TemplateError(`template: ${name}: ${msg}`);
    const [location, context] = errorContext(this.ctx.text, this.tree.parseName, this.node);
    throw new TemplateError(`template: ${location}: executing ${goQuote(name)} at <${context}>: ${msg}`);
  }

  // ---- variables ----

  push(name: string, value: unknown, iface: boolean): void {
    this.vars.push({ name, value, iface });
  }
  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  setVar(name: string, value: unknown, iface: boolean): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i] = { name, value, iface };
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: unknown, iface: boolean): void {
    const v = this.vars[this.vars.length - n];
    this.vars[this.vars.length - n] = { name: v.name, value, iface };
  }
  varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i];
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  walk(dot: unknown, dotIface: boolean, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(node, dot, dotIface);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, dotIface, n);
        return;
      case 'range':
        this.walkRange(dot, dotIface, node);
        return;
      case 'template':
        this.walkTemplate(dot, dotIface, node);
        return;
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(node: BranchNode, dot: unknown, dotIface: boolean): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, dotIface, node.pipe);
      if (isTrue(val)) {
        if (node.type === 'with') this.walk(val, false, node.list);
        else this.walk(dot, dotIface, node.list);
      } else if (node.elseList) {
        this.walk(dot, dotIface, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, dotIface: boolean, r: BranchNode): void {
    this.at(r);
    const outerMark = this.mark();
    try {
      const val = this.evalPipeline(dot, dotIface, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: unknown, elem: unknown, elemIface: boolean): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0].ident[0], index, false);
            else this.setVar(decl[0].ident[0], elem, elemIface);
          } else {
            this.setTopVar(1, elem, elemIface);
          }
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem, elemIface);
          else this.setTopVar(2, index, false);
        }
        try {
          this.walk(elem, elemIface, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      switch (kindOf(val)) {
        case 'slice': {
          const elems = sliceElems(val);
          const iface = !isStringContainer(val);
          for (let i = 0; i < elems.length; i++) {
            ran = true;
            oneIteration(i, elems[i] === undefined ? null : elems[i], iface);
          }
          break;
        }
        case 'map': {
          const iface = !isStringContainer(val);
          for (const key of mapKeys(val)) {
            ran = true;
            const v = mapIndex(val, key).value;
            oneIteration(key, v === undefined ? null : v, iface);
          }
          break;
        }
        case 'int': {
          if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
          const n = Number(val);
          for (let i = 0; i < n; i++) {
            ran = true;
            oneIteration(i, i, false);
          }
          break;
        }
        case 'invalid':
        case 'nil':
          break;
        default:
          this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && r.elseList) this.walk(dot, dotIface, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: unknown, dotIface: boolean, t: TemplateNode): void {
    this.at(t);
    const tree = this.ctx.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, dotIface, t.pipe);
    const child = new State(this.ctx, tree, this.out, newDot, this.depth + 1);
    child.walk(newDot, false, tree.root);
  }

  // ---- evaluation ----

  evalPipeline(dot: unknown, dotIface: boolean, pipe: PipeNode | null): unknown {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotIface, cmd, value);
      // An interface{} holding nil is the invalid value once unwrapped.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value, false);
      else this.push(v.ident[0], value, false);
    }
    return value;
  }

  private notAFunction(args: ArgNode[] | null, final: Final): void {
    if (args !== null && (args.length > 1 || final !== MISSING)) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(dot: unknown, dotIface: boolean, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotIface, first);
      case 'variable':
        return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (unreachable)
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): unknown {
    this.at(c);
    const isHexInt = c.text.length > 2 && c.text[0] === '0' && (c.text[1] === 'x' || c.text[1] === 'X') && !/[pP]/.test(c.text);
    const isRuneInt = c.text.length > 0 && c.text[0] === "'";
    if (c.isComplex) return new Complex128(c.complex[0], c.complex[1]);
    if (c.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(c.text)) return new Float64(c.float);
    if (c.isInt) return c.int;
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, dotIface: boolean, field: FieldNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, dotIface: boolean, chain: ChainNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, dotIface, null, chain.node);
    return this.evalFieldChain(dot, dotIface, pipe, false, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, dotIface: boolean, variable: VariableNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(variable);
    const v = this.varValue(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return v.value;
    }
    return this.evalFieldChain(dot, dotIface, v.value, v.iface, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    dotIface: boolean,
    receiver: unknown,
    recvIface: boolean,
    node: Node,
    ident: string[],
    args: ArgNode[] | null,
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      [receiver, recvIface] = this.evalField(dot, dotIface, ident[i], node, null, MISSING, receiver, recvIface);
    }
    return this.evalField(dot, dotIface, ident[n - 1], node, args, final, receiver, recvIface)[0];
  }

  private evalFunction(
    dot: unknown,
    dotIface: boolean,
    node: IdentifierNode,
    cmd: Node,
    args: ArgNode[] | null,
    final: Final,
  ): unknown {
    this.at(node);
    const name = node.ident;
    let def = this.ctx.funcs.get(name);
    let isBuiltin = false;
    if (def === undefined) {
      def = this.ctx.builtins.get(name);
      isBuiltin = true;
    }
    if (def === undefined) this.errorf(`${goQuote(name)} is not a defined function`);
    return this.evalCall(dot, dotIface, def, isBuiltin, cmd, name, args, final);
  }

  /** Looks up a field or method on receiver. Returns [value, valueIsInterfaceTyped]. */
  private evalField(
    dot: unknown,
    dotIface: boolean,
    fieldName: string,
    node: Node,
    args: ArgNode[] | null,
    final: Final,
    receiver: unknown,
    recvIface: boolean,
  ): [unknown, boolean] {
    if (receiver === undefined) {
      if (this.ctx.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return [undefined, false];
    }
    const typ = recvIface || receiver === null ? 'interface {}' : typeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const kind = kindOf(receiver);
    let prop: { found: boolean; value: unknown } = { found: false, value: undefined };
    if (kind === 'struct') prop = structField(receiver as object, fieldName);
    else if (kind === 'map' && !(receiver instanceof Map)) prop = mapIndex(receiver, fieldName);
    if (prop.found && typeof prop.value === 'function') {
      const fn = prop.value as (...a: unknown[]) => unknown;
      const method: FuncDef = {
        params: Array<ParamType>(fn.length).fill('raw'),
        variadic: 'raw',
        fn: ((...a: unknown[]) => fn.apply(receiver, a)) as FuncDef['fn'],
      };
      return [this.evalCall(dot, dotIface, method, false, node, fieldName, args, final, fn.length), false];
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (kind === 'struct' && prop.found) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return [prop.value, false];
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const elemIface = !isStringContainer(receiver);
      const r = receiver instanceof Map ? mapIndex(receiver, fieldName) : prop;
      if (!r.found || r.value === undefined) {
        switch (this.ctx.missingKey) {
          case 'zero':
            return [elemIface ? null : '', elemIface];
          case 'error':
            this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
          // falls through (unreachable)
          default:
            return [undefined, false];
        }
      }
      return [r.value, elemIface];
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalCall(
    dot: unknown,
    dotIface: boolean,
    fun: FuncDef,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args: ArgNode[] | null,
    final: Final,
    methodArity?: number,
  ): unknown {
    const argNodes = args !== null ? args.slice(1) : [];
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    const numFixed = fun.params.length;
    if (methodArity !== undefined) {
      if (numIn < methodArity) this.errorf(`wrong number of args for ${name}: want ${methodArity} got ${numIn}`);
    } else if (fun.variadic !== undefined) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== numFixed) {
      this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }

    if (isBuiltin && (fun.special === 'and' || fun.special === 'or')) {
      let v: unknown = undefined;
      for (const arg of argNodes) {
        v = this.evalArg(dot, dotIface, 'value', arg);
        if (isTrue(v) === (fun.special === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }

    const argv: unknown[] = [];
    let i = 0;
    let calleeName = '';
    if (isBuiltin && fun.special === 'call' && argNodes.length > 0) {
      calleeName = nodeString(argNodes[0]);
      argv.push(this.evalFuncRef(dot, dotIface, argNodes[0]));
      i = 1;
    }
    for (; i < numFixed && i < argNodes.length; i++) argv.push(this.evalArg(dot, dotIface, fun.params[i], argNodes[i]));
    if (fun.variadic !== undefined) {
      for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, dotIface, fun.variadic, argNodes[i]));
    }
    if (final !== MISSING) {
      let t: ParamType;
      if (fun.variadic !== undefined) t = numIn - 1 < numFixed ? fun.params[numIn - 1] : fun.variadic;
      else t = fun.params[numFixed - 1];
      argv.push(this.validateType(final, t));
    }
    try {
      if (isBuiltin && fun.special === 'call') return this.callBuiltin(calleeName, argv);
      return (fun.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${errMessage(e)}`);
    }
  }

  /** The `call` builtin: invokes a function value with the remaining arguments. */
  private callBuiltin(calleeName: string, argv: unknown[]): unknown {
    let fn = argv[0];
    if (fn === null) fn = undefined;
    if (fn === undefined) throw new FuncError('call of nil');
    if (typeof fn !== 'function') throw new FuncError(`non-function ${calleeName} of type ${typeName(fn)}`);
    const args = argv.slice(1).map(unwrapForJS);
    if (args.length < fn.length) {
      throw new FuncError(`wrong number of args for ${calleeName}: got ${args.length} want ${fn.length}`);
    }
    return (fn as (...a: unknown[]) => unknown)(...args);
  }

  /** Evaluates the function operand of `call` without invoking it. */
  private evalFuncRef(dot: unknown, dotIface: boolean, n: ArgNode): unknown {
    let receiver: unknown;
    let iface: boolean;
    let ident: string[];
    switch (n.type) {
      case 'field':
        receiver = dot;
        iface = dotIface;
        ident = n.ident;
        break;
      case 'variable': {
        if (n.ident.length === 1) return this.evalArg(dot, dotIface, 'value', n);
        const v = this.varValue(n.ident[0]);
        receiver = v.value;
        iface = v.iface;
        ident = n.ident.slice(1);
        break;
      }
      case 'chain':
        receiver = this.evalArg(dot, dotIface, null, n.node);
        iface = false;
        ident = n.field;
        break;
      default:
        return this.evalArg(dot, dotIface, 'value', n);
    }
    this.at(n);
    for (let i = 0; i < ident.length - 1; i++) {
      [receiver, iface] = this.evalField(dot, dotIface, ident[i], n, null, MISSING, receiver, iface);
    }
    const last = ident[ident.length - 1];
    const k = kindOf(receiver);
    if (k === 'struct' || (k === 'map' && !(receiver instanceof Map))) {
      const p = k === 'struct' ? structField(receiver as object, last) : mapIndex(receiver, last);
      if (p.found && typeof p.value === 'function') {
        const f = p.value as (...a: unknown[]) => unknown;
        const bound = (...a: unknown[]): unknown => f.apply(receiver, a);
        Object.defineProperty(bound, 'length', { value: f.length });
        return bound;
      }
    }
    return this.evalField(dot, dotIface, last, n, null, MISSING, receiver, iface)[0];
  }

  private validateType(value: unknown, typ: ParamType | null): unknown {
    if (typ === null || typ === 'value') return value;
    if (typ === 'raw') return unwrapForJS(value);
    if (value === undefined) {
      switch (typ) {
        case 'any':
          return null;
        case 'stringSlice':
          return [];
        default:
          this.errorf(`invalid value; expected ${goTypeOfParam(typ)}`);
      }
    }
    const got = (): string => (value === null ? 'interface {}' : typeName(value));
    switch (typ) {
      case 'any':
        return value;
      case 'string':
        if (typeof value !== 'string') this.errorf(`wrong type for value; expected string; got ${got()}`);
        return value;
      case 'int':
        if (kindOf(value) !== 'int' || value instanceof Float64) this.errorf(`wrong type for value; expected int; got ${got()}`);
        return Number(value);
      case 'stringSlice':
        if (kindOf(value) !== 'slice' || !sliceElems(value).every((e) => typeof e === 'string')) {
          this.errorf(`wrong type for value; expected []string; got ${got()}`);
        }
        return sliceElems(value);
    }
  }

  private evalArg(dot: unknown, dotIface: boolean, typ: ParamType | null, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        switch (typ) {
          case null:
          case 'value':
            return undefined;
          case 'any':
          case 'raw':
            return null;
          case 'stringSlice':
            return [];
          default:
            this.errorf(`cannot assign nil to ${goTypeOfParam(typ)}`);
        }
      // falls through (unreachable)
      case 'field':
        return this.validateType(this.evalFieldNode(dot, dotIface, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, dotIface, n, null, MISSING), typ);
      case 'pipe': {
        const v = this.evalPipeline(dot, dotIface, n);
        return this.validateType(v, typ);
      }
      case 'identifier':
        return this.validateType(this.evalFunction(dot, dotIface, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, dotIface, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'int':
        if (n.type === 'number' && n.isInt) return Number(n.int);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'stringSlice':
        this.errorf(`can't handle ${nodeString(n)} for arg of type []string`);
      // falls through (unreachable)
      default: {
        let v: unknown;
        switch (n.type) {
          case 'bool':
            v = n.value;
            break;
          case 'number':
            v = this.idealConstant(n);
            break;
          case 'string':
            v = n.text;
            break;
        }
        return typ === 'raw' ? unwrapForJS(v) : v;
      }
    }
  }

  private printValue(n: Node, v: unknown): void {
    this.at(n);
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(n)} of type ${typeName(v)}`);
    if (v === undefined) {
      this.out.push('<no value>');
      return;
    }
    this.out.push(formatValue(v));
  }
}

/** Unwraps template constants for user JS functions. */
function unwrapForJS(v: unknown): unknown {
  if (v instanceof Float64) return v.value;
  return v;
}

/** Executes the named tree of ctx against data. Throws TemplateError. */
export function executeTree(ctx: ExecContext, tree: Tree, data: unknown, out: string[] = []): string {
  const dot = data === null ? undefined : data;
  const s = new State(ctx, tree, out, dot, 0);
  try {
    s.walk(dot, false, tree.root);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      s.errorf('exceeded maximum template depth');
    }
    throw e;
  }
  return out.join('');
}

export function makeFuncMap(funcs: FuncMap | undefined): Map<string, FuncDef> {
  const m = new Map<string, FuncDef>();
  if (funcs) for (const [k, v] of Object.entries(funcs)) m.set(k, toFuncDef(v));
  return m;
}

export type { ListNode };
