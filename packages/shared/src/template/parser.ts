// Recursive-descent parser producing Go text/template parse trees, including
// {{define}}/{{block}} template sets and Go's parse-error messages
// ("template: NAME:LINE: ...").

import { Lexer, itemString, type Item, type ItemType } from './lexer.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  ElseNode,
  EndNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { nodeString } from './nodes.js';
import { parseGoFloat, parseGoInt, unquote, unquoteChar } from './strconv.js';
import { TemplateError } from './errors.js';

export interface Tree {
  name: string;
  parseName: string;
  root: ListNode;
  text: string;
}

export interface ParseOptions {
  /** Returns true when a function of this name is defined. */
  hasFunction: (name: string) => boolean;
  /** Keep comments in the tree (Go's parse.ParseComments). */
  parseComments?: boolean;
}

const MAX_STACK_DEPTH = 10000;

function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '';
    default:
      return false;
  }
}

function toIntValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function isSafeIntegral(f: number): boolean {
  return Number.isInteger(f) && f >= -9223372036854775808 && f < 9223372036854775808;
}

/** Go's parse.newNumber. Throws an Error with Go's message on failure. */
export function newNumber(pos: number, text: string, typ: ItemType): NumberNode {
  const n: NumberNode = {
    type: 'number',
    pos,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int: 0,
    uint: 0,
    float: 0,
    complex: [0, 0],
    text,
  };
  const simplifyComplex = (): void => {
    n.isFloat = n.complex[1] === 0;
    if (n.isFloat) {
      n.float = n.complex[0];
      n.isInt = isSafeIntegral(n.float);
      if (n.isInt) n.int = n.float;
      n.isUint = n.isInt && n.float >= 0;
      if (n.isUint) n.uint = n.float;
    }
  };
  if (typ === 'charConstant') {
    const { value, tail } = unquoteChar(text.slice(1), text[0]);
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
    const r = value.codePointAt(0) as number;
    n.int = r;
    n.isInt = true;
    n.uint = r;
    n.isUint = true;
    n.float = r;
    n.isFloat = true;
    return n;
  }
  if (typ === 'complex') {
    const m = /^([+-]?[^+-]*(?:[eEpP][+-][^+-]*)?)([+-].*)i$/.exec(text);
    const re = m ? parseGoFloat(m[1]) : null;
    const im = m ? parseGoFloat(m[2]) : null;
    if (re === null || im === null) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
    n.isComplex = true;
    n.complex = [re, im];
    simplifyComplex();
    return n;
  }
  if (text.length > 0 && text[text.length - 1] === 'i') {
    const f = parseGoFloat(text.slice(0, -1));
    if (f !== null) {
      n.isComplex = true;
      n.complex = [0, f];
      simplifyComplex();
      return n;
    }
  }
  const u = parseGoInt(text, true);
  if (u !== null) {
    n.isUint = true;
    n.uint = toIntValue(u);
  }
  const i = parseGoInt(text, false);
  if (i !== null) {
    n.isInt = true;
    n.int = toIntValue(i);
    if (i === 0n) {
      n.isUint = true;
      n.uint = 0;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float = Number(n.int);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float = Number(n.uint);
  } else {
    const f = parseGoFloat(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
      n.isFloat = true;
      n.float = f;
      if (!n.isInt && isSafeIntegral(f)) {
        n.isInt = true;
        n.int = f;
      }
      if (!n.isUint && isSafeIntegral(f) && f >= 0) {
        n.isUint = true;
        n.uint = f;
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}

class TreeParser {
  name: string;
  parseName: string;
  root: ListNode | null = null;
  readonly text: string;
  private lex!: Lexer;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private treeSet!: Map<string, Tree>;
  private opts!: ParseOptions;
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(name: string, text: string, parseName: string) {
    this.name = name;
    this.text = text;
    this.parseName = parseName;
  }

  startParse(opts: ParseOptions, lex: Lexer, treeSet: Map<string, Tree>): void {
    this.root = null;
    this.lex = lex;
    this.vars = ['$'];
    this.opts = opts;
    this.treeSet = treeSet;
    this.stackDepth = 0;
  }

  // ---- token stream with 3-token lookahead (as Go's parser) ----

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount];
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.typ === 'space');
    return token;
  }
  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors ----

  errorf(msg: string): never {
    this.root = null;
    const line = this.token[0] ? this.token[0].line : 1;
    throw new TemplateError(`template: ${this.parseName}:${line}: ${msg}`);
  }
  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }
  private expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }
  private unexpected(token: Item, context: string): never {
    if (token.typ === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- grammar ----

  parse(): void {
    this.root = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'EOF') {
      if (this.peek().typ === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().typ === 'define') {
          const newT = new TreeParser('definition', this.text, this.parseName);
          newT.startParse(this.opts, this.lex, this.treeSet);
          newT.token = this.token;
          newT.peekCount = 0;
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      else this.root.nodes.push(n);
    }
  }

  add(): void {
    const tree = this.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, parseName: this.parseName, root: this.root as ListNode, text: this.text });
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${JSON.stringify(this.name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf('string', 'rawString', context);
    try {
      this.name = unquote(name.val);
    } catch (e) {
      this.errorf((e as Error).message);
    }
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'EOF') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'text':
        return { type: 'text', pos: token.pos, text: token.val };
      case 'leftDelim': {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case 'comment':
        return { type: 'comment', pos: token.pos, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'block':
        return this.blockControl();
      case 'break':
        return this.breakControl(token.pos, token.line);
      case 'continue':
        return this.continueControl(token.pos, token.line);
      case 'else':
        return this.elseControl();
      case 'end':
        return this.endControl();
      case 'if':
        return this.ifControl();
      case 'range':
        return this.rangeControl();
      case 'template':
        return this.templateControl();
      case 'with':
        return this.withControl();
    }
    this.backup();
    const t = this.peek();
    return { type: 'action', pos: t.pos, line: t.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== 'rightDelim') this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos, line };
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== 'rightDelim') this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos, line };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, line: token.line, isAssign: false, decl: [], cmds: [] };
    // Declarations or assignments?
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === 'variable') {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === 'assign' || next.typ === 'declare') {
          pipe.isAssign = next.typ === 'assign';
          this.nextNonSpace();
          pipe.decl.push(newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === 'char' && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.peekNonSpace().typ;
            if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === 'space') {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const tok = this.nextNonSpace();
      switch (tok.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(tok, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      switch (pipe.cmds[i].args[0].type) {
        case 'bool':
        case 'dot':
        case 'nil':
        case 'number':
        case 'string':
          this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private parseControl(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      let list: ListNode;
      let next: EndNode | ElseNode;
      try {
        [list, next] = this.itemList();
      } finally {
        if (context === 'range') this.rangeDepth--;
      }
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (context === 'if' && this.peek().typ === 'if') {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.ifControl()] };
        } else if (context === 'with' && this.peek().typ === 'with') {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.withControl()] };
        } else {
          let end: EndNode | ElseNode;
          [elseList, end] = this.itemList();
          if (end.type !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private ifControl(): BranchNode {
    return this.parseControl('if');
  }
  private rangeControl(): BranchNode {
    return this.parseControl('range');
  }
  private withControl(): BranchNode {
    return this.parseControl('with');
  }

  private endControl(): EndNode {
    return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    if (peek.typ === 'if' || peek.typ === 'with') return { type: 'else', pos: peek.pos, line: peek.line };
    const token = this.expect('rightDelim', 'else');
    return { type: 'else', pos: token.pos, line: token.line };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const block = new TreeParser(name, this.text, this.parseName);
    block.startParse(this.opts, this.lex, this.treeSet);
    block.token = this.token;
    block.peekCount = this.peekCount;
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    this.token = block.token;
    this.peekCount = block.peekCount;
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: token.pos, line: token.line, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === 'string' || token.typ === 'rawString') {
      try {
        return unquote(token.val);
      } catch (e) {
        this.errorf((e as Error).message);
      }
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === 'space') continue;
      if (token.typ === 'rightDelim' || token.typ === 'rightParen') this.backup();
      else if (token.typ !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === 'field') {
      const chain: ChainNode = { type: 'chain', pos: this.peek().pos, node, field: [] };
      while (this.peek().typ === 'field') chain.field.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos: chain.pos, ident: nodeString(chain).slice(1).split('.') };
          break;
        case 'variable':
          node = newVariable(chain.pos, nodeString(chain));
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case 'identifier':
        if (!this.opts.hasFunction(token.val)) this.errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case 'dot':
        return { type: 'dot', pos: token.pos };
      case 'nil':
        return { type: 'nil', pos: token.pos };
      case 'variable':
        return this.useVar(token.pos, token.val);
      case 'field':
        return { type: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case 'bool':
        return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        try {
          return newNumber(token.pos, token.val, token.typ);
        } catch (e) {
          this.errorf((e as Error).message);
        }
      // falls through (unreachable)
      case 'leftParen': {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', 'rightParen');
        } finally {
          this.stackDepth--;
        }
      }
      case 'string':
      case 'rawString':
        try {
          return { type: 'string', pos: token.pos, quoted: token.val, text: unquote(token.val) };
        } catch (e) {
          this.errorf((e as Error).message);
        }
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = newVariable(pos, name);
    if (!this.vars.includes(v.ident[0])) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`);
    return v;
  }
}

function newVariable(pos: number, ident: string): VariableNode {
  return { type: 'variable', pos, ident: ident.split('.') };
}

/**
 * Parses `text` as the template `name`, returning every template defined in
 * it ({{define}}/{{block}}) keyed by name. Throws TemplateError with Go's message.
 */
export function parseTemplates(name: string, text: string, opts: ParseOptions): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new TreeParser(name, text, name);
  const lex = new Lexer(text, {
    emitComment: opts.parseComments ?? false,
    breakOK: !opts.hasFunction('break'),
    continueOK: !opts.hasFunction('continue'),
  });
  t.startParse(opts, lex, treeSet);
  t.parse();
  t.add();
  return treeSet;
}
