// Python flow extraction of definitions (code intelligence): functions, lambdas, classes and comprehensions — each
// a symbol or a scope of its own — with parameters, defaults, annotations (declared types) and decorators, which
// run where the definition stands.
import type { Node } from 'web-tree-sitter';
import type { FnDraft } from '../../flow/builder.js';
import { VersionedScope } from '../../flow/builder.js';
import { ANY_KEY } from '../../flow/ir.js';
import { withTree } from '../runtime.js';
import { spanOf } from '../syntax.js';
import { assign, defSpan, elements, expr, stringValue } from './expressions.js';
import { parameterName } from './scan.js';
import { statements } from './statements.js';
import type { PyScope, PyWalker } from './walker.js';

/** Decorators that say how a function in a class body is bound or read (no call is made for them). */
const BINDING_DECORATORS = new Set(['staticmethod', 'classmethod']);
const GETTERS = new Set(['property', 'cached_property', 'functools.cached_property']);

interface Param {
  readonly name: string;
  readonly kind: 'positional' | 'keyword' | 'rest' | 'kwargs';
  readonly dflt?: Node;
  readonly type?: Node;
}

function paramsOf(node: Node | null): Param[] {
  const params: Param[] = [];
  let keywordOnly = false;
  for (const p of node?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'keyword_separator') {
      keywordOnly = true;
      continue;
    }
    const name = parameterName(p);
    if (!name) continue;
    const inner = p.type === 'typed_parameter' ? p.firstNamedChild : p;
    const type = p.childForFieldName('type') ?? undefined;
    if (inner?.type === 'list_splat_pattern') {
      params.push({ name, kind: 'rest' });
      keywordOnly = true;
    } else if (inner?.type === 'dictionary_splat_pattern') params.push({ name, kind: 'kwargs' });
    else {
      const dflt = p.childForFieldName('value') ?? undefined;
      params.push({
        name,
        kind: keywordOnly ? 'keyword' : 'positional',
        ...(dflt ? { dflt } : {}),
        ...(type ? { type } : {}),
      });
    }
  }
  return params;
}

/** The variable of the classes an annotation names (`X`, `"X"`, `Optional[X]`, `X | None`), if any. */
function annotation(w: PyWalker, node: Node | null | undefined): number | undefined {
  if (!node) return undefined;
  const found: number[] = [];
  const visit = (n: Node | null): void => {
    if (!n || found.length > 4) return;
    switch (n.type) {
      case 'type':
      case 'parenthesized_expression':
        for (const c of n.namedChildren) visit(c);
        return;
      case 'identifier':
      case 'attribute':
        if (n.text !== 'None') found.push(expr(w, n));
        return;
      case 'string': {
        const text = stringValue(n)?.trim();
        if (text && /^[A-Za-z_][\w.]*$/.test(text)) found.push(dotted(w, text));
        return;
      }
      case 'binary_operator':
        visit(n.childForFieldName('left'));
        visit(n.childForFieldName('right'));
        return;
      case 'generic_type':
      case 'subscript': {
        const head = n.type === 'subscript' ? n.childForFieldName('value') : n.firstNamedChild;
        const name = head?.text.split('.').pop() ?? '';
        if (['Optional', 'Union', 'Annotated', 'Final', 'ClassVar'].includes(name)) {
          const args =
            n.type === 'subscript' ? n.childrenForFieldName('subscript') : n.namedChildren.slice(1);
          for (const a of name === 'Annotated' ? args.slice(0, 1) : args) visit(a);
        }
        return;
      }
      default:
        return;
    }
  };
  visit(node);
  return found.length === 0 ? undefined : w.b.merge(found);
}

/** A dotted name read from here (`pkg.mod.Class` in a string annotation). */
function dotted(w: PyWalker, text: string): number {
  const [first, ...rest] = text.split('.');
  let v = w.read(first!);
  for (const part of rest) {
    const object = v;
    v = w.b.into((d) => ({ o: 'ld', d, b: object, p: part }));
  }
  return v;
}

/** Sets up parameters in a new function scope (defaults and annotations already evaluated outside). */
function bindParams(
  w: PyWalker,
  draft: FnDraft,
  params: Param[],
  outside: Map<Param, { dflt?: number; type?: number }>,
): Map<string, { index: number; v: number }> {
  const byName = new Map<string, { index: number; v: number }>();
  const ordered = [
    ...params.filter((p) => p.kind === 'positional'),
    ...params.filter((p) => p.kind === 'keyword'),
  ];
  draft.np = params.filter((p) => p.kind === 'positional').length;
  for (const param of ordered) {
    const v = w.scope.names.define(param.name);
    const index = draft.p.length;
    draft.p.push(v);
    draft.pn ??= [];
    draft.pn.push(param.name);
    byName.set(param.name, { index, v });
    const evaluated = outside.get(param);
    if (evaluated?.type !== undefined) w.scope.types?.set(param.name, evaluated.type);
    if (evaluated?.dflt !== undefined) {
      draft.d ??= [];
      draft.d.push([index, evaluated.dflt]);
    }
    if (evaluated?.type !== undefined) w.b.emit({ o: 'is', d: v, s: evaluated.type });
  }
  const rest = params.find((p) => p.kind === 'rest');
  if (rest) draft.rs = w.scope.names.define(rest.name);
  const kwargs = params.find((p) => p.kind === 'kwargs');
  if (kwargs) draft.kw = w.scope.names.define(kwargs.name);
  if (draft.np === draft.p.length) delete draft.np;
  return byName;
}

function evaluateOutside(w: PyWalker, params: Param[]): Map<Param, { dflt?: number; type?: number }> {
  const out = new Map<Param, { dflt?: number; type?: number }>();
  for (const p of params) {
    const dflt = p.dflt ? expr(w, p.dflt) : undefined;
    const type = annotation(w, p.type);
    out.set(p, { ...(dflt === undefined ? {} : { dflt }), ...(type === undefined ? {} : { type }) });
  }
  return out;
}

/** How a decorator is written, without its call arguments (`app.route`, `staticmethod`). */
function decoratorName(decorator: Node): string {
  let e = decorator.firstNamedChild;
  if (e?.type === 'call') e = e.childForFieldName('function');
  return e?.text ?? '';
}

type Role = 'method' | 'static' | 'classmethod' | 'getter' | 'setter' | 'ctor';

function roleOf(name: string, decorators: readonly string[]): Role {
  if (decorators.includes('staticmethod')) return 'static';
  if (decorators.includes('classmethod')) return 'classmethod';
  if (decorators.some((d) => d.endsWith('.setter'))) return 'setter';
  if (decorators.some((d) => GETTERS.has(d) || d.endsWith('.getter'))) return 'getter';
  return name === '__init__' ? 'ctor' : 'method';
}

export function functionDefinition(w: PyWalker, node: Node, decorators: readonly Node[]): void {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  const name = nameNode.text;
  const outer = w.scope;
  const inClass = outer.kind === 'class';
  const names = decorators.map(decoratorName);
  const role = inClass ? roleOf(name, names) : undefined;
  const s = w.addDef({
    kind: 'function',
    name,
    qn: outer.prefix + name,
    ...defSpan(node),
    ...(role ? { role } : {}),
  });
  const params = paramsOf(node.childForFieldName('parameters'));
  const outside = evaluateOutside(w, params);
  const returnType = annotation(w, node.childForFieldName('return_type'));
  const draft = w.b.fn({ s, p: [], r: w.b.newVar() });
  if (inClass && outer.classIndex !== undefined) {
    draft.cl = outer.classIndex;
    draft.m = role === 'static' ? 's' : role === 'classmethod' ? 'c' : 'i';
  }
  if (node.children.some((c) => c?.type === 'async')) draft.as = 1;
  const facts = w.factsOf(node);
  if (facts.yields) {
    draft.g = 1;
    draft.y = w.b.newVar();
  }
  if (returnType !== undefined) w.b.emit({ o: 'is', d: draft.r, s: returnType });
  const scope: PyScope = {
    kind: 'function',
    names: new VersionedScope(w.b, facts.unstable),
    facts,
    parent: outer,
    owner: s,
    prefix: `${outer.prefix}${name}.`,
    fn: draft,
    types: new Map(),
    ...(inClass && outer.classIndex !== undefined ? { classIndex: outer.classIndex } : {}),
  };
  w.within(scope, () => {
    scope.params = bindParams(w, draft, params, outside);
    if (draft.m !== undefined && draft.m !== 's' && draft.p[0] !== undefined) scope.self = draft.p[0];
    statements(w, node.childForFieldName('body'));
  });
  let value = w.b.into((d) => ({ o: 'fn', d, s }));
  [...decorators].reverse().forEach((decorator, i) => {
    const text = names[names.length - 1 - i]!;
    if (inClass && BINDING_DECORATORS.has(text)) return;
    if (
      inClass &&
      outer.classVar !== undefined &&
      (GETTERS.has(text) || /\.(setter|getter|deleter)$/.test(text))
    ) {
      if (!text.endsWith('.deleter'))
        w.b.emit({
          o: 'acc',
          b: outer.classVar,
          p: name,
          ...(text.endsWith('.setter') ? { t: s } : { g: s }),
        });
      outer.accessors?.add(name);
      value = -1;
      return;
    }
    if (value < 0) return;
    const fn = expr(w, decorator.firstNamedChild);
    const argument = value;
    value = w.b.into((d) => ({ o: 'call', d, f: fn, a: [argument], dc: 1, x: text, ...w.site(decorator) }));
  });
  if (value >= 0) w.assign(name, value);
}

export function classDefinition(w: PyWalker, node: Node, decorators: readonly Node[]): void {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  const name = nameNode.text;
  const outer = w.scope;
  const s = w.addDef({ kind: 'class', name, qn: outer.prefix + name, ...defSpan(node) });
  const bases: number[] = [];
  for (const arg of node.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!arg || arg.type === 'keyword_argument' || arg.type === 'comment') continue;
    bases.push(expr(w, arg.type === 'list_splat' ? arg.firstNamedChild : arg));
  }
  const classIndex = w.b.cls({ s, b: bases, dn: [], py: 1 });
  const classVar = w.b.into((d) => ({ o: 'cls', d, c: classIndex }));
  const facts = w.factsOf(node);
  const accessors = new Set<string>();
  const scope: PyScope = {
    kind: 'class',
    names: new VersionedScope(w.b, facts.unstable),
    facts,
    parent: outer,
    owner: outer.owner,
    prefix: `${outer.prefix}${name}.`,
    classIndex,
    classVar,
    accessors,
  };
  w.within(scope, () => {
    statements(w, node.childForFieldName('body'));
    const declared = [...scope.names.names()];
    for (const member of declared) {
      const final = scope.names.read(member);
      if (final !== undefined) w.b.emit({ o: 'st', b: classVar, p: member, s: final });
    }
    w.b.classes[classIndex]!.dn = [...new Set([...declared, ...accessors])];
  });
  let value = classVar;
  for (const decorator of [...decorators].reverse()) {
    const fn = expr(w, decorator.firstNamedChild);
    const argument = value;
    value = w.b.into((d) => ({
      o: 'call',
      d,
      f: fn,
      a: [argument],
      dc: 1,
      x: decoratorName(decorator),
      ...w.site(decorator),
    }));
  }
  w.assign(name, value);
}

export function lambda(w: PyWalker, node: Node): number {
  const outer = w.scope;
  const span = spanOf(node);
  const s = w.addDef({ kind: 'function', name: '<lambda>', qn: `${outer.prefix}<lambda>`, ...span });
  const params = paramsOf(node.childForFieldName('parameters'));
  const outside = evaluateOutside(w, params);
  const draft = w.b.fn({ s, p: [], r: w.b.newVar() });
  const facts = w.factsOf(node);
  const scope: PyScope = {
    kind: 'function',
    names: new VersionedScope(w.b, facts.unstable),
    facts,
    parent: outer,
    owner: s,
    prefix: `${outer.prefix}<lambda>.`,
    fn: draft,
  };
  w.within(scope, () => {
    scope.params = bindParams(w, draft, params, outside);
    returnValue(w, node.childForFieldName('body'));
  });
  return w.b.into((d) => ({ o: 'fn', d, s }));
}

/** `return value` in the current function: a parameter returned unchanged is passed through per call. */
export function returnValue(w: PyWalker, value: Node | null): void {
  const scope = w.functionScope();
  const fn = scope?.fn;
  if (!fn) {
    expr(w, value);
    return;
  }
  if (value?.type === 'identifier' && !fn.g && !fn.as) {
    const param = scope.params?.get(value.text);
    const reaching = scope.names.reaching(value.text);
    if (param && reaching?.length === 1 && reaching[0] === param.v && !scope.names.unstable.has(value.text)) {
      fn.rp ??= [];
      if (!fn.rp.includes(param.index)) fn.rp.push(param.index);
      return;
    }
  }
  w.b.copy(fn.r, expr(w, value));
}

export function comprehension(w: PyWalker, node: Node): number {
  const { b } = w;
  const kind = node.type === 'set_comprehension' ? 's' : node.type === 'dictionary_comprehension' ? 'd' : 'l';
  const container = b.into((d) => ({ o: 'new', d, a: b.alloc(kind) }));
  const outer = w.scope;
  const scope: PyScope = {
    kind: 'comprehension',
    names: new VersionedScope(b),
    facts: w.factsOf(node),
    parent: outer,
    owner: outer.owner,
    prefix: outer.prefix,
  };
  w.within(scope, () => {
    for (const clause of node.namedChildren) {
      if (clause?.type === 'for_in_clause') {
        const source = expr(w, clause.childForFieldName('right'));
        assign(w, clause.childForFieldName('left'), elements(w, source, clause));
      } else if (clause?.type === 'if_clause') expr(w, clause.firstNamedChild);
    }
    const body = node.childForFieldName('body');
    if (body?.type === 'pair') {
      const key = expr(w, body.childForFieldName('key'));
      b.emit({ o: 'stk', b: container, k: key, s: expr(w, body.childForFieldName('value')) });
    } else b.emit({ o: 'st', b: container, p: ANY_KEY, s: expr(w, body) });
  });
  return container;
}

/** `eval("…")` / `exec("…")` of a constant string: its code is walked as if written here. */
export function evalLiteral(w: PyWalker, callee: Node, args: Node | null): boolean {
  if (callee.type !== 'identifier' || (callee.text !== 'eval' && callee.text !== 'exec')) return false;
  if (w.scope.facts.locals.has(callee.text)) return false;
  const first = args?.namedChildren[0];
  const code = first ? stringValue(first) : undefined;
  if (code === undefined || code.length > 2_000) return false;
  const { line, column } = spanOf(callee);
  const outerOverride = w.siteOverride;
  w.siteOverride ??= { l: line, c: column };
  try {
    withTree('python', code, (tree) => statements(w, tree.rootNode));
  } finally {
    w.siteOverride = outerOverride;
  }
  for (const extra of args?.namedChildren.slice(1) ?? []) if (extra) expr(w, extra);
  return true;
}
