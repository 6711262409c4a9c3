// JS/TS flow extraction of definitions (code intelligence): functions (parameters, defaults, `this`, returns),
// classes (prototype and static members, accessors, field initialisers, constructors) and object literals, each
// as the value it makes; and `eval` of a constant string, walked where it is called.
import type {
  Decorator,
  CallExpression,
  ClassDeclaration,
  ClassExpression,
  Node,
  ObjectExpression,
  OptionalCallExpression,
} from '@babel/types';
import { VersionedScope } from '../flow/builder.js';
import { assignTo, expr, memberKey } from './flow-expressions.js';
import { statements } from './flow-statements.js';
import type { ClassContext, FunctionContext, JsWalker } from './flow-walker.js';
import { parseSource } from './parse.js';

type FunctionNode = Extract<Node, { params: unknown[]; body: unknown }>;

/** The value of a function node: its symbol, with parameters bound and body walked. */
export function functionValue(w: JsWalker, node: Node, classContext?: ClassContext): number {
  const { b } = w;
  const fnNode = node as FunctionNode;
  const s = w.symbolOf(node);
  if (s === undefined) return b.unknown();
  const arrow = node.type === 'ArrowFunctionExpression';
  const draft = b.fn({ s, p: [], r: b.newVar() });
  if ('async' in fnNode && fnNode.async) draft.as = 1;
  if ('generator' in fnNode && fnNode.generator) {
    draft.g = 1;
    draft.y = b.newVar();
  }
  if (!arrow) draft.th = b.newVar();
  const ctx: FunctionContext = {
    node,
    owner: s,
    names: new VersionedScope(b, w.scan.unstable),
    fn: draft,
    thisVar: draft.th ?? w.ctx.thisVar,
    parent: w.ctx,
    params: new Map(),
    ...(classContext ? { classContext } : {}),
  };
  w.inFunction(ctx, () => {
    bindParameters(w, ctx, fnNode.params as Node[]);
    const body = fnNode.body as Node;
    if (body.type === 'BlockStatement') statements(w, body.body);
    else returnValue(w, body);
  });
  return b.into((d) => ({ o: 'fn', d, s }));
}

function bindParameters(w: JsWalker, ctx: FunctionContext, params: readonly Node[]): void {
  const { b } = w;
  const draft = ctx.fn!;
  for (const param of params) {
    const inner = param.type === 'TSParameterProperty' ? param.parameter : param;
    if (inner.type === 'Identifier' && inner.name === 'this') continue;
    if (inner.type === 'RestElement') {
      const v = b.newVar();
      draft.rs = v;
      assignTo(w, inner.argument, v);
      continue;
    }
    const target = inner.type === 'AssignmentPattern' ? inner.left : inner;
    const index = draft.p.length;
    const binding = target.type === 'Identifier' ? w.resolve(target.name) : undefined;
    const v = binding ? ctx.names.define(binding.key) : b.newVar();
    draft.p.push(v);
    if (binding) ctx.params.set(binding.key, { index, v });
    else assignTo(w, target, v);
    if (inner.type === 'AssignmentPattern') {
      draft.d ??= [];
      draft.d.push([index, expr(w, inner.right)]);
    }
    // `constructor(private repo: Repo)` stores each call's argument on its instance.
    if (param.type === 'TSParameterProperty' && target.type === 'Identifier') {
      draft.pf ??= [];
      draft.pf.push([index, target.name]);
    }
  }
}

/** `return value` in the current function: a parameter returned unchanged is passed through per call. */
export function returnValue(w: JsWalker, value: Node | null | undefined): void {
  const ctx = w.ctx;
  const fn = ctx.fn;
  if (!fn) {
    expr(w, value);
    return;
  }
  if (value?.type === 'Identifier' && !fn.g && !fn.as) {
    const binding = w.resolve(value.name);
    const param = binding ? ctx.params.get(binding.key) : undefined;
    const reaching = binding ? ctx.names.reaching(binding.key) : undefined;
    if (
      binding &&
      param &&
      reaching?.length === 1 &&
      reaching[0] === param.v &&
      !w.scan.unstable.has(binding.key)
    ) {
      fn.rp ??= [];
      if (!fn.rp.includes(param.index)) fn.rp.push(param.index);
      return;
    }
  }
  w.b.copy(fn.r, expr(w, value));
}

/** The value of a class: its constructor, prototype and static members, accessors and field initialisers. */
export function classValue(w: JsWalker, node: ClassDeclaration | ClassExpression): number {
  const { b } = w;
  const fact = w.st.classOf.get(node);
  const symbol = fact === undefined ? undefined : w.st.cls[fact]?.s;
  if (symbol === undefined) return b.unknown();
  const bases = node.superClass ? [expr(w, node.superClass)] : [];
  const instanceThis = b.newVar();
  const index = b.cls({ s: symbol, b: bases, dn: [], th: instanceThis });
  const classVar = b.into((d) => ({ o: 'cls', d, c: index }));
  const protoVar = b.into((d) => ({ o: 'ld', d, b: classVar, p: 'prototype' }));
  const context: ClassContext = { index, classVar, protoVar, instanceThis };
  const draft = b.classes[index]!;
  w.inScope(node, () => {
    if (node.type === 'ClassExpression' && node.id) w.assign(node.id.name, classVar);
    const ctor = node.body.body.find((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
    const ctorSymbol = ctor ? w.symbolOf(ctor) : undefined;
    if (ctorSymbol !== undefined) draft.ct = ctorSymbol;
    for (const member of node.body.body) classMember(w, member, context, ctorSymbol ?? symbol, draft.dn);
  });
  return decorated(w, node.decorators, classVar);
}

/**
 * A class or method as its decorators leave it: each decorator is called with what the ones below it gave (run
 * where the class is defined), and the binding holds what it returns — or the original, when it returns nothing
 * (a decorator that only registers or mutates).
 */
function decorated(
  w: JsWalker,
  decorators: readonly Decorator[] | null | undefined,
  original: number,
): number {
  const { b } = w;
  let value = original;
  for (const decorator of [...(decorators ?? [])].reverse()) {
    const fn = expr(w, decorator.expression);
    const given = value;
    const result = b.into((d) => ({
      o: 'call',
      d,
      f: fn,
      a: [given],
      dc: 1,
      x: w.calleeText(decorator.expression),
      ...w.site(decorator),
    }));
    value = b.merge([value, result]);
  }
  return value;
}

function classMember(
  w: JsWalker,
  member: Node,
  cls: ClassContext,
  fieldOwner: number,
  declared: string[],
): void {
  const { b } = w;
  switch (member.type) {
    case 'ClassMethod':
    case 'ClassPrivateMethod': {
      const key =
        member.type === 'ClassMethod' ? memberKey(member.key, member.computed) : `#${member.key.id.name}`;
      const target = member.static ? cls.classVar : cls.protoVar;
      const value = functionValue(w, member, cls);
      const s = w.symbolOf(member);
      if (member.kind === 'constructor') return;
      if (key === undefined) {
        b.emit({ o: 'stk', b: target, k: expr(w, (member as { key: Node }).key), s: value });
        return;
      }
      declared.push(key);
      if ((member.kind === 'get' || member.kind === 'set') && s !== undefined)
        b.emit({ o: 'acc', b: target, p: key, ...(member.kind === 'get' ? { g: s } : { t: s }) });
      else b.emit({ o: 'st', b: target, p: key, s: decorated(w, member.decorators, value) });
      return;
    }
    case 'ClassProperty':
    case 'ClassPrivateProperty':
    case 'ClassAccessorProperty': {
      const key =
        member.type === 'ClassPrivateProperty'
          ? `#${member.key.id.name}`
          : memberKey(member.key, 'computed' in member && member.computed === true);
      if (key !== undefined) declared.push(key);
      if (!member.value) return;
      const target = member.static ? cls.classVar : cls.instanceThis;
      // Initialisers run later (instance ones in the constructor): code of their own, reading outer names whole.
      const ctx = fieldContext(w, member, member.static ? cls.classVar : cls.instanceThis, fieldOwner, cls);
      const value = w.inFunction(ctx, () => expr(w, member.value));
      if (key !== undefined) b.emit({ o: 'st', b: target, p: key, s: value });
      return;
    }
    case 'StaticBlock': {
      const ctx = fieldContext(w, member, cls.classVar, fieldOwner, cls);
      w.inFunction(ctx, () => statements(w, member.body));
      return;
    }
    default:
      return;
  }
}

function fieldContext(
  w: JsWalker,
  node: Node,
  thisVar: number,
  owner: number,
  cls: ClassContext,
): FunctionContext {
  return {
    node,
    owner,
    names: new VersionedScope(w.b, w.scan.unstable),
    thisVar,
    parent: w.ctx,
    params: new Map(),
    classContext: cls,
  };
}

/** The value of an object literal: its properties, methods, accessors, spreads and `__proto__`. */
export function objectValue(w: JsWalker, node: ObjectExpression): number {
  const { b } = w;
  const object = b.into((d) => ({ o: 'new', d, a: b.alloc('o') }));
  const accessor = (prop: Node) =>
    prop.type === 'ObjectMethod' && (prop.kind === 'get' || prop.kind === 'set');
  // A later property of the same key replaces an earlier one (`{1: f, '1': g}` is `{1: g}`).
  const winner = new Map<string, Node>();
  for (const prop of node.properties) {
    if (prop.type === 'SpreadElement' || accessor(prop)) continue;
    const key = memberKey(prop.key, prop.computed);
    if (key !== undefined) winner.set(key, prop);
  }
  // Known field by field while it stays a plain literal (no spread, accessor, computed key or `__proto__`).
  let fields: Map<string, number> | undefined = new Map();
  for (const prop of node.properties) {
    if (prop.type === 'SpreadElement') {
      b.emit({ o: 'star', d: object, s: expr(w, prop.argument) });
      fields = undefined;
      continue;
    }
    const key = memberKey(prop.key, prop.computed);
    const value = prop.type === 'ObjectMethod' ? functionValue(w, prop) : expr(w, prop.value);
    if (key === undefined) {
      b.emit({ o: 'stk', b: object, k: expr(w, prop.key), s: value });
      fields = undefined;
    } else if (accessor(prop)) {
      const s = w.symbolOf(prop);
      const kind = (prop as { kind?: string }).kind;
      if (s !== undefined) b.emit({ o: 'acc', b: object, p: key, ...(kind === 'get' ? { g: s } : { t: s }) });
      fields = undefined;
    } else if (winner.get(key) !== prop) {
      // Replaced by a later property of the same key.
    } else if (key === '__proto__' && !prop.computed && prop.type === 'ObjectProperty') {
      b.emit({ o: 'proto', d: object, s: value });
      fields = undefined;
    } else {
      b.emit({ o: 'st', b: object, p: key, s: value });
      fields?.set(key, value);
    }
  }
  if (fields) w.ctx.names.track(object, fields);
  return object;
}

/** `eval("…")` of a constant string: its code is walked as if written at the call. */
export function evalLiteral(w: JsWalker, node: CallExpression | OptionalCallExpression): boolean {
  const first = node.arguments[0];
  if (first?.type !== 'StringLiteral' || first.value.length > 2_000) return false;
  const parsed = parseSource(first.value, 'js');
  if (!('ast' in parsed)) return false;
  const start = node.callee.loc?.start;
  const outer = w.siteOverride;
  w.siteOverride ??= { l: start?.line ?? 1, c: (start?.column ?? 0) + 1 };
  try {
    statements(w, parsed.ast.program.body);
  } finally {
    w.siteOverride = outer;
  }
  return true;
}
