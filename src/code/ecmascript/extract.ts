// JS/TS fact extraction: parses one file and walks it once, recording symbols, scopes, classes, exports and calls.
import type { Node, Statement } from '@babel/types';
import { typeShape } from './annotations.js';
import {
  declareTypeParameters,
  functionDeclaration,
  interfaceDeclaration,
  namespaceDeclaration,
  variableDeclaration,
} from './extract-declarations.js';
import { bindPattern } from './extract-bindings.js';
import { classNode } from './extract-classes.js';
import { expr } from './extract-expressions.js';
import { moduleDeclaration } from './extract-modules.js';
import { ExtractState, OPAQUE } from './extract-state.js';
import { type EcmascriptFacts, FACTS_VERSION, type Shape } from './facts.js';
import { walkFlow } from './flow.js';
import { dialectOf, parseSource } from './parse.js';
import { addTypeMeaning, addValue, Scope } from './scopes.js';
import { outermostBodies, surfaceDigest } from './surface.js';

/** Node keys that hold no code: positions, comments, and type annotations (types make no calls). */
const SKIPPED_KEYS = new Set([
  'type',
  'start',
  'end',
  'loc',
  'range',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'comments',
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeArguments',
  'predicate',
]);

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Walks every child of a node we do not model specially. */
export function visitChildren(st: ExtractState, node: Node): void {
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (SKIPPED_KEYS.has(key)) continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(st, item);
    } else if (isNode(value)) visit(st, value);
  }
}

export function statements(st: ExtractState, list: readonly Statement[]): void {
  for (const statement of list) visit(st, statement);
}

/** Visits a statement or an expression (whose value is not needed). */
export function visit(st: ExtractState, node: Node): void {
  switch (node.type) {
    // Values nobody reads: a name alone calls nothing, and a member access only through its object.
    case 'Identifier':
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
      return;
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      visit(st, node.object);
      if (node.computed) visit(st, node.property);
      return;
    case 'VariableDeclaration':
      variableDeclaration(st, node);
      return;
    case 'FunctionDeclaration':
      functionDeclaration(st, node, 'default');
      return;
    case 'ClassDeclaration': {
      const name = node.id?.name ?? 'default';
      const value = classNode(st, node, name);
      if (node.id) addValue(st.table.declare(st.scope, name, 'class'), value);
      return;
    }
    case 'TSInterfaceDeclaration':
      interfaceDeclaration(st, node);
      return;
    case 'TSTypeAliasDeclaration': {
      const binding = st.table.declare(st.scope, node.id.name, 'type');
      st.nested(() => {
        st.scope = new Scope(st.scope, false);
        declareTypeParameters(st, node.typeParameters);
        addTypeMeaning(binding, typeShape(node.typeAnnotation, st));
      });
      return;
    }
    case 'TSEnumDeclaration':
      addValue(st.table.declare(st.scope, node.id.name, 'enum'), OPAQUE);
      return;
    case 'TSModuleDeclaration':
      namespaceDeclaration(st, node);
      return;
    case 'TSDeclareFunction':
      return;
    case 'BlockStatement':
      st.inBlock(() => statements(st, node.body));
      return;
    case 'StaticBlock':
      st.inBlock(() => statements(st, node.body));
      return;
    case 'ForStatement':
      st.inBlock(() => visitChildren(st, node));
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      st.inBlock(() => {
        const source = expr(st, node.right);
        const element: Shape = node.type === 'ForOfStatement' ? { k: 'el', o: source } : OPAQUE;
        const left = node.left;
        if (left.type === 'VariableDeclaration') {
          const kind = left.kind === 'var' ? 'var' : left.kind === 'let' ? 'let' : 'const';
          for (const declarator of left.declarations) bindPattern(st, declarator.id, element, kind);
        } else expr(st, left);
        visit(st, node.body);
      });
      return;
    case 'CatchClause':
      st.inBlock(() => {
        if (node.param) bindPattern(st, node.param, undefined, 'catch');
        statements(st, node.body.body);
      });
      return;
    case 'SwitchStatement':
      expr(st, node.discriminant);
      st.inBlock(() => {
        for (const item of node.cases) {
          if (item.test) expr(st, item.test);
          statements(st, item.consequent);
        }
      });
      return;
    case 'ReturnStatement':
      if (node.argument) st.addReturn(expr(st, node.argument));
      return;
    case 'ExpressionStatement':
      expr(st, node.expression);
      return;
    case 'IfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'ThrowStatement':
    case 'TryStatement':
    case 'LabeledStatement':
    case 'WithStatement':
    case 'EmptyStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'DebuggerStatement':
      visitChildren(st, node);
      return;
    default:
      if (!moduleDeclaration(st, node)) expr(st, node);
  }
}

/**
 * Links what could only be known at the end of the file: name references, assignments to names, and
 * constructor functions given prototype methods (`F.prototype.m = ...` makes F a class) or a base class
 * (`util.inherits(F, Base)`).
 */
function finish(st: ExtractState): void {
  st.table.resolveReferences();
  const bindings = st.table.bindings;
  for (const { target, value } of st.assigns) if (target.k === 'b') addValue(bindings[target.b]!, value);
  const pseudoClassOf = new Map<number, number>();
  /** The class a constructor function becomes once it is given prototype members or a base. */
  const pseudoClass = (binding: (typeof bindings)[number], fn: Shape | undefined): number | undefined => {
    if (fn?.k !== 'fn') return undefined;
    let c = pseudoClassOf.get(fn.s);
    if (c === undefined) {
      const symbol = st.sym[fn.s]!;
      c = st.cls.length;
      st.cls.push({ n: symbol.n, s: fn.s, no: symbol.no, ctor: fn.s, fnc: true, mem: [] });
      pseudoClassOf.set(fn.s, c);
      addValue(binding, { k: 'cls', c });
    }
    return c;
  };
  for (const { target, name, value, proto } of st.memberAssigns) {
    if (target.k !== 'b') continue;
    const binding = bindings[target.b]!;
    const values = binding.v ?? [];
    const fn = values.find((shape) => shape.k === 'fn');
    const cls = values.find((shape) => shape.k === 'cls');
    const obj = values.find((shape) => shape.k === 'obj');
    let c = cls?.k === 'cls' ? cls.c : undefined;
    if (c === undefined && proto) c = pseudoClass(binding, fn);
    if (c !== undefined) {
      const member =
        value.k === 'fn'
          ? { n: name, k: 'm' as const, s: value.s }
          : { n: name, k: 'f' as const, v: [value] };
      st.cls[c]!.mem.push(proto ? member : { ...member, st: true });
    } else if (obj?.k === 'obj' && !proto) {
      st.obj[obj.o]!.p.push({ n: name, v: value });
    }
  }
  for (const { child, parent } of st.inherits) {
    if (child.k !== 'b') continue;
    const binding = bindings[child.b]!;
    const values = binding.v ?? [];
    const cls = values.find((shape) => shape.k === 'cls');
    const c =
      cls?.k === 'cls'
        ? cls.c
        : pseudoClass(
            binding,
            values.find((shape) => shape.k === 'fn'),
          );
    const fact = c === undefined ? undefined : st.cls[c]!;
    if (fact?.fnc && !fact.sup) fact.sup = parent;
  }
  for (const [s, fields] of st.thisAssigns) {
    const c = pseudoClassOf.get(s);
    if (c === undefined) continue;
    for (const field of fields) st.cls[c]!.mem.push({ n: field.n, k: 'f', v: [field.v] });
  }
}

/** Lines of the text, not counting the empty one after a final newline. */
function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Facts this process extracted: they need no checking when they come back to `link`. */
const extractedHere = new WeakSet<object>();

export function extractedInThisProcess(facts: unknown): facts is EcmascriptFacts {
  return typeof facts === 'object' && facts !== null && extractedHere.has(facts);
}

/** Extracts the facts of one file. Pure: the same text and extension give the same facts. */
export function extractFacts(text: string, path: string): EcmascriptFacts {
  const dialect = dialectOf(path);
  const lines = lineCount(text);
  const st = new ExtractState(dialect !== 'js', lines);
  const parsed = parseSource(text, dialect);
  if ('ast' in parsed) {
    statements(st, parsed.ast.program.body);
    finish(st);
  }
  const facts: EcmascriptFacts = {
    v: FACTS_VERSION,
    lang: dialect,
    lines,
    sym: st.sym,
    bind: st.table.bindings,
    cls: st.cls,
    ifc: st.ifc,
    obj: st.obj,
    calls: st.calls,
    ex: st.ex,
    rx: st.rx,
    star: st.star,
    deps: [...st.deps],
  };
  if (st.cjs.length > 0) facts.cjs = st.cjs;
  if ('ast' in parsed) {
    const flow = walkFlow(st, parsed.ast.program, text);
    facts.fl = flow.unit;
    facts.fc = flow.callOps;
    if (flow.esm) facts.esm = true;
  }
  if ('error' in parsed) facts.err = parsed.error;
  else if (dialect !== 'js') {
    const bodies = outermostBodies(st.sealedBodies);
    facts.sh = surfaceDigest(text, parsed.ast.comments ?? [], bodies);
    if (bodies.length > 0) facts.sb = bodies;
  }
  extractedHere.add(facts);
  return facts;
}
