// JS/TS flow extraction of expressions (code intelligence): each expression becomes the variable holding its value —
// identifiers, members, calls and `new`, literals, arrays and objects, functions and classes, `await`/`yield`, JSX —
// and each assignment target receives a value (destructuring by key and position).
import type { CallExpression, JSXElement, Node, NewExpression, OptionalCallExpression } from '@babel/types';
import { ANY_KEY, type CallOp } from '../flow/ir.js';
import { keyName } from './annotations.js';
import { children } from './flow-scan.js';
import { classValue, evalLiteral, functionValue, objectValue } from './flow-definitions.js';
import type { JsWalker } from './flow-walker.js';

const MAX_LITERAL = 100;

/** The constant key a computed member spells: a string or number literal, or `Symbol.x` (`@@x`). */
export function constantKey(node: Node): string | undefined {
  switch (node.type) {
    case 'StringLiteral':
      return node.value.length <= MAX_LITERAL ? node.value : undefined;
    case 'NumericLiteral':
      return Number.isInteger(node.value) ? String(node.value) : undefined;
    case 'TemplateLiteral':
      return node.expressions.length === 0 ? (node.quasis[0]?.value.cooked ?? undefined) : undefined;
    case 'MemberExpression':
      return !node.computed &&
        node.object.type === 'Identifier' &&
        node.object.name === 'Symbol' &&
        node.property.type === 'Identifier'
        ? `@@${node.property.name}`
        : undefined;
    default:
      return undefined;
  }
}

/** The key of a member access or a property: its name, or the constant a computed key spells. */
export function memberKey(key: Node, computed: boolean): string | undefined {
  return computed ? constantKey(key) : keyName(key);
}

function walkChildren(w: JsWalker, node: Node): number {
  for (const child of children(node)) expr(w, child);
  return w.b.unknown();
}

/** The variable holding an expression's value. */
export function expr(w: JsWalker, node: Node | null | undefined): number {
  const { b } = w;
  if (!node) return b.nothing();
  switch (node.type) {
    case 'Identifier':
      return node.name === 'undefined' ? b.nothing() : w.read(node.name);
    case 'ThisExpression':
      return w.ctx.thisVar;
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const value = member(w, node);
      w.ctx.names.escape(value);
      return value;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      return call(w, node);
    case 'NewExpression':
      return newCall(w, node);
    case 'TaggedTemplateExpression': {
      const f = expr(w, node.tag);
      walkChildren(w, node.quasi);
      return emitCall(w, node, { f }, [], node.tag);
    }
    case 'AssignmentExpression':
      return assignment(w, node);
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return functionValue(w, node);
    case 'ClassExpression':
      return classValue(w, node);
    case 'ObjectExpression':
      return objectValue(w, node);
    case 'ArrayExpression':
      return arrayValue(w, node.elements);
    case 'ConditionalExpression':
      expr(w, node.test);
      return b.merge([expr(w, node.consequent), expr(w, node.alternate)]);
    case 'LogicalExpression':
      return b.merge([expr(w, node.left), expr(w, node.right)]);
    case 'SequenceExpression': {
      let last = b.nothing();
      for (const item of node.expressions) last = expr(w, item);
      return last;
    }
    case 'AwaitExpression': {
      const s = expr(w, node.argument);
      return b.into((d) => ({ o: 'aw', d, s }));
    }
    case 'YieldExpression':
      yieldValue(w, node.argument, node.delegate, node);
      return b.unknown();
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'TSInstantiationExpression':
    case 'ParenthesizedExpression':
      return expr(w, node.expression);
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'TemplateLiteral': {
      const key = constantKey(node);
      if (key !== undefined) return b.lit(key);
      return walkChildren(w, node);
    }
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'RegExpLiteral':
    case 'BigIntLiteral':
      return b.nothing();
    case 'UpdateExpression':
      expr(w, node.argument);
      if (node.argument.type === 'Identifier') w.assign(node.argument.name, b.unknown());
      return b.unknown();
    case 'ImportExpression': {
      const source = node.source;
      if (source.type === 'StringLiteral') return b.into((d) => ({ o: 'imp', d, m: source.value, n: '*' }));
      return walkChildren(w, node);
    }
    case 'JSXElement':
      return jsxElement(w, node);
    case 'JSXFragment':
      for (const child of node.children) expr(w, child);
      return b.nothing();
    case 'JSXExpressionContainer':
      return node.expression.type === 'JSXEmptyExpression' ? b.nothing() : expr(w, node.expression);
    case 'JSXSpreadChild':
      return expr(w, node.expression);
    case 'JSXText':
      return b.nothing();
    case 'SpreadElement':
      return expr(w, node.argument);
    default:
      return walkChildren(w, node);
  }
}

function member(
  w: JsWalker,
  node: Extract<Node, { type: 'MemberExpression' | 'OptionalMemberExpression' }>,
): number {
  const { b } = w;
  if (node.object.type === 'Super') {
    const cls = w.classContext();
    const name = memberKey(node.property, node.computed);
    if (!cls || name === undefined) return b.unknown();
    return b.into((d) => ({
      o: 'ld',
      d,
      b: superPrototype(w, cls.index),
      p: name,
      ...w.site(node.property),
    }));
  }
  const object = memberBase(w, node.object);
  const name = memberKey(node.property, node.computed);
  if (name !== undefined) {
    const field = w.ctx.names.field(object, name);
    if (field !== undefined) return field;
    return b.into((d) => ({ o: 'ld', d, b: object, p: name, ...w.site(node.property) }));
  }
  w.ctx.names.escape(object);
  const k = expr(w, node.property);
  return b.into((d) => ({ o: 'ldk', d, b: object, k, ...w.site(node.property) }));
}

/** The object of a member access: read without escaping (only its member is used). */
export function memberBase(w: JsWalker, node: Node): number {
  if (node.type === 'Identifier' && node.name !== 'undefined') return w.readForMember(node.name);
  if (
    (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') &&
    node.object.type !== 'Super'
  )
    return member(w, node);
  if (node.type === 'ParenthesizedExpression' || node.type === 'TSNonNullExpression')
    return memberBase(w, node.expression);
  return expr(w, node);
}

/** The prototypes of class `index`'s bases (what `super.x` reads). */
function superPrototype(w: JsWalker, index: number): number {
  const bases = w.b.classes[index]?.b ?? [];
  const protos = bases.map((base) => w.b.into((d) => ({ o: 'ld', d, b: base, p: 'prototype' })));
  return w.b.merge(protos);
}

function arrayValue(w: JsWalker, elements: ReadonlyArray<Node | null>): number {
  const { b } = w;
  const array = b.into((d) => ({ o: 'new', d, a: b.alloc('a') }));
  let known = true;
  elements.forEach((element, i) => {
    if (!element) return;
    if (element.type === 'SpreadElement') {
      known = false;
      const source = expr(w, element.argument);
      b.emit({
        o: 'st',
        b: array,
        p: ANY_KEY,
        s: b.into((d) => ({ o: 'iter', d, s: source, ...w.site(element) })),
      });
      return;
    }
    b.emit({ o: 'st', b: array, p: known ? String(i) : ANY_KEY, s: expr(w, element) });
  });
  return array;
}

function yieldValue(w: JsWalker, argument: Node | null | undefined, delegate: boolean, at: Node): void {
  const value = expr(w, argument);
  let ctx = w.ctx;
  while (ctx.node.type === 'ArrowFunctionExpression' && ctx.parent) ctx = ctx.parent;
  const y = ctx.fn?.y;
  if (y === undefined) return;
  if (delegate) w.b.emit({ o: 'iter', d: y, s: value, ...w.site(at) });
  else w.b.copy(y, value);
}

/** Emits a call op for `node` (and remembers which op the extraction's call fact became). */
export function emitCall(
  w: JsWalker,
  node: Node,
  callee: { -readonly [K in keyof CallOp]?: CallOp[K] },
  args: ReadonlyArray<Node>,
  nameNode: Node,
): number {
  const { b } = w;
  const a: number[] = [];
  let sp: number | undefined;
  for (const arg of args) {
    if (arg.type === 'SpreadElement') {
      sp ??= a.length;
      a.push(expr(w, arg.argument));
    } else if (arg.type !== 'ArgumentPlaceholder') a.push(expr(w, arg));
  }
  const d = b.newVar();
  const fact = w.st.callOf.get(node);
  if (fact !== undefined) w.callOps[fact] = b.ops.length;
  b.emit({
    o: 'call',
    d,
    ...callee,
    a,
    ...(sp === undefined ? {} : { sp }),
    x: callee.x ?? w.calleeText(nameNode),
    ...w.site(nameToken(nameNode)),
  } as CallOp);
  return d;
}

/** Where a call is reported: the called name (`save` in `this.repo.save()`), else the callee. */
function nameToken(callee: Node): Node {
  if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')
    return callee.property;
  if (callee.type === 'TSNonNullExpression' || callee.type === 'TSInstantiationExpression')
    return nameToken(callee.expression);
  return callee;
}

function call(w: JsWalker, node: CallExpression | OptionalCallExpression): number {
  const { b } = w;
  const callee = node.callee;
  const first = node.arguments[0];
  if (callee.type === 'Identifier' && !w.resolve(callee.name)) {
    if (callee.name === 'require' && node.arguments.length === 1 && first?.type === 'StringLiteral')
      return b.into((d) => ({ o: 'imp', d, m: first.value }));
    if (callee.name === 'eval' && evalLiteral(w, node)) return b.unknown();
  }
  if (callee.type === 'Super') {
    const cls = w.classContext();
    if (!cls) return walkChildren(w, node);
    return emitCall(w, node, { r: w.ctx.thisVar, sup: cls.index, x: 'super' }, node.arguments, callee);
  }
  const target = unwrap(callee);
  if (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') {
    const key = memberKey(target.property, target.computed);
    if (target.object.type === 'Super') {
      const cls = w.classContext();
      if (cls && key !== undefined)
        return emitCall(w, node, { r: w.ctx.thisVar, sup: cls.index, m: key }, node.arguments, target);
    }
    const r = memberBase(w, target.object);
    const field = key === undefined ? undefined : w.ctx.names.field(r, key);
    // The method may change its object: it escapes.
    w.ctx.names.escape(r);
    if (field !== undefined) return emitCall(w, node, { f: field, r }, node.arguments, target);
    if (key !== undefined) return emitCall(w, node, { r, m: key }, node.arguments, target);
    return emitCall(w, node, { r, mk: expr(w, target.property) }, node.arguments, target);
  }
  return emitCall(w, node, { f: expr(w, callee) }, node.arguments, callee);
}

function unwrap(node: Node): Node {
  while (
    node.type === 'TSNonNullExpression' ||
    node.type === 'ParenthesizedExpression' ||
    node.type === 'TSInstantiationExpression' ||
    node.type === 'TSAsExpression'
  )
    node = node.expression;
  return node;
}

function newCall(w: JsWalker, node: NewExpression): number {
  return emitCall(w, node, { f: expr(w, node.callee), n: 1 }, node.arguments, node.callee);
}

/**
 * `<Comp a={x} />` is a call of the component with its props. A host element (`<button onClick={run}>`) hands its
 * attributes to the UI library, which may call them back: a call of library code with each attribute.
 */
function jsxElement(w: JsWalker, node: JSXElement): number {
  const { b } = w;
  const opening = node.openingElement;
  const props = b.into((d) => ({ o: 'new', d, a: b.alloc('o') }));
  const values: number[] = [];
  for (const attribute of opening.attributes) {
    if (attribute.type === 'JSXSpreadAttribute') {
      const spread = expr(w, attribute.argument);
      b.emit({ o: 'star', d: props, s: spread });
      values.push(spread);
      continue;
    }
    const name = attribute.name.type === 'JSXIdentifier' ? attribute.name.name : attribute.name.name.name;
    const value = attribute.value ? expr(w, attribute.value) : b.nothing();
    b.emit({ o: 'st', b: props, p: name, s: value });
    values.push(value);
  }
  for (const child of node.children) expr(w, child);
  const component = jsxName(w, opening.name);
  return component === undefined
    ? emitJsx(w, node, b.unknown(), values)
    : emitJsx(w, node, component, [props]);
}

function emitJsx(w: JsWalker, node: JSXElement, component: number, args: number[]): number {
  const fact = w.st.callOf.get(node);
  if (fact !== undefined) w.callOps[fact] = w.b.ops.length;
  const d = w.b.newVar();
  const name = node.openingElement.name;
  w.b.emit({ o: 'call', d, f: component, a: args, x: `<${w.calleeText(name)}>`, ...w.site(name) });
  return d;
}

function jsxName(w: JsWalker, name: Node): number | undefined {
  if (name.type === 'JSXIdentifier') return /^[A-Z_$]/.test(name.name) ? w.read(name.name) : undefined;
  if (name.type === 'JSXMemberExpression') {
    const object = name.object.type === 'JSXIdentifier' ? w.read(name.object.name) : jsxName(w, name.object);
    if (object === undefined) return undefined;
    const p = name.property.name;
    return w.b.into((d) => ({ o: 'ld', d, b: object, p }));
  }
  return undefined;
}

function assignment(w: JsWalker, node: Extract<Node, { type: 'AssignmentExpression' }>): number {
  const { b } = w;
  const op = node.operator;
  if (op === '=') {
    const value = expr(w, node.right);
    if (!storeParameter(w, node.left, node.right)) assignTo(w, node.left, value, node.right);
    return value;
  }
  const before = expr(w, node.left);
  const right = expr(w, node.right);
  const value = op === '||=' || op === '??=' || op === '&&=' ? b.merge([before, right]) : b.unknown();
  assignTo(w, node.left, value);
  return value;
}

/**
 * `this.key = param` with a parameter not reassigned: recorded on the function (`pf`), so that each call stores its
 * own argument on its own receiver. True when recorded (the store is then the solver's).
 */
function storeParameter(w: JsWalker, target: Node, value: Node): boolean {
  const ctx = w.ctx;
  const fn = ctx.fn;
  if (!fn || ctx.node.type === 'ArrowFunctionExpression' || value.type !== 'Identifier') return false;
  if (target.type !== 'MemberExpression' || target.object.type !== 'ThisExpression') return false;
  const key = memberKey(target.property, target.computed);
  const binding = w.resolve(value.name);
  const param = binding ? ctx.params.get(binding.key) : undefined;
  if (key === undefined || !binding || !param || w.scan.unstable.has(binding.key)) return false;
  const reaching = ctx.names.reaching(binding.key);
  if (reaching?.length !== 1 || reaching[0] !== param.v) return false;
  fn.pf ??= [];
  fn.pf.push([param.index, key]);
  return true;
}

/** Assigns `value` to a target: an identifier, a member, or a pattern destructured by key and position. */
export function assignTo(w: JsWalker, target: Node | null | undefined, value: number, source?: Node): void {
  const { b } = w;
  if (!target) return;
  switch (target.type) {
    case 'Identifier':
      w.assign(target.name, value);
      return;
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const object = target.object.type === 'Super' ? w.ctx.thisVar : memberBase(w, target.object);
      const key = memberKey(target.property, target.computed);
      if (key !== undefined) {
        w.ctx.names.setField(object, key, value);
        b.emit({ o: 'st', b: object, p: key, s: value, ...w.site(target.property) });
      } else {
        w.ctx.names.escape(object);
        b.emit({ o: 'stk', b: object, k: expr(w, target.property), s: value });
      }
      return;
    }
    case 'ObjectPattern':
      for (const prop of target.properties) {
        if (prop.type === 'RestElement') {
          assignTo(w, prop.argument, value);
          continue;
        }
        const key = memberKey(prop.key, prop.computed);
        const part =
          key !== undefined
            ? b.into((d) => ({ o: 'ld', d, b: value, p: key }))
            : b.into((d) => ({ o: 'ldk', d, b: value, k: expr(w, prop.key) }));
        assignTo(w, prop.value, part);
      }
      return;
    case 'ArrayPattern': {
      const elements = source?.type === 'ArrayExpression' ? source.elements : undefined;
      target.elements.forEach((element, i) => {
        if (!element) return;
        if (element.type === 'RestElement') {
          const rest = b.into((d) => ({ o: 'new', d, a: b.alloc('a') }));
          b.emit({ o: 'st', b: rest, p: ANY_KEY, s: b.into((d) => ({ o: 'ld', d, b: value, p: ANY_KEY })) });
          assignTo(w, element.argument, rest);
          return;
        }
        const part = b.into((d) => ({ o: 'ld', d, b: value, p: String(i) }));
        assignTo(w, element, part, elements?.[i] ?? undefined);
      });
      return;
    }
    case 'AssignmentPattern': {
      const fallback = expr(w, target.right);
      assignTo(w, target.left, b.merge([value, fallback]));
      return;
    }
    case 'RestElement':
      assignTo(w, target.argument, value);
      return;
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'ParenthesizedExpression':
      assignTo(w, target.expression, value, source);
      return;
    default:
      return;
  }
}
