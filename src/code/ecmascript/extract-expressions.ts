// JS/TS extraction of expressions: value shapes, call sites (calls, `new`, `super`, JSX) and assignments.
import type {
  ArgumentPlaceholder,
  CallExpression,
  Expression,
  JSXElement,
  JSXFragment,
  MemberExpression,
  NewExpression,
  Node,
  OptionalCallExpression,
  OptionalMemberExpression,
  SpreadElement,
  TaggedTemplateExpression,
  TSType,
} from '@babel/types';
import { keyName, typeShape } from './annotations.js';
import { assignment } from './extract-bindings.js';
import { classNode } from './extract-classes.js';
import { inlineFunction, objectLiteral } from './extract-declarations.js';
import { type ExtractState, OPAQUE, positionOf, UNKNOWN } from './extract-state.js';
import { es5ClassCall } from './extract-prototypes.js';
import { visit, visitChildren } from './extract.js';
import type { CallFact, Shape } from './facts.js';

export function union(shapes: Shape[]): Shape {
  const useful = shapes.filter((shape) => shape.k !== 'x');
  if (useful.length === 0) return OPAQUE;
  if (useful.length === 1) return useful[0]!;
  return { k: 'u', of: useful };
}

export function expr(st: ExtractState, node: Node): Shape {
  switch (node.type) {
    case 'Identifier':
      return node.name === 'undefined' ? OPAQUE : st.reference(node.name);
    case 'ThisExpression':
      return st.thisShape ?? UNKNOWN;
    case 'Super':
      return st.classIndex === undefined ? UNKNOWN : { k: 'sup', c: st.classIndex };
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return member(st, node);
    case 'CallExpression':
    case 'OptionalCallExpression':
      return call(st, node);
    case 'NewExpression':
      return newExpression(st, node);
    case 'TaggedTemplateExpression':
      return taggedTemplate(st, node);
    case 'ImportExpression':
      if (node.source.type === 'StringLiteral') {
        st.deps.add(node.source.value);
        return { k: 'imp', p: node.source.value };
      }
      visitChildren(st, node);
      return UNKNOWN;
    case 'AwaitExpression':
      return node.argument ? { k: 'aw', o: expr(st, node.argument) } : UNKNOWN;
    case 'AssignmentExpression':
      return assignment(st, node);
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return { k: 'fn', s: inlineFunction(st, node) };
    case 'ClassExpression':
      return classNode(st, node, node.id?.name ?? 'anonymous');
    case 'ObjectExpression':
      return objectLiteral(st, node, undefined, false);
    case 'ArrayExpression': {
      const elements: Shape[] = [];
      for (const element of node.elements) if (element) elements.push(expr(st, element));
      return { k: 'arr', of: elements };
    }
    case 'ConditionalExpression':
      visit(st, node.test);
      return union([expr(st, node.consequent), expr(st, node.alternate)]);
    case 'LogicalExpression':
      return union([expr(st, node.left), expr(st, node.right)]);
    case 'SequenceExpression': {
      let last: Shape = OPAQUE;
      for (const item of node.expressions) last = expr(st, item);
      return last;
    }
    case 'TSAsExpression':
    case 'TSTypeAssertion': {
      const inner = expr(st, node.expression);
      const type = node.typeAnnotation;
      if (
        type.type === 'TSTypeReference' &&
        type.typeName.type === 'Identifier' &&
        type.typeName.name === 'const'
      )
        return inner;
      if (type.type === 'TSUnknownKeyword') return inner;
      return typeShape(type, st);
    }
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSInstantiationExpression':
    case 'ParenthesizedExpression':
      return expr(st, node.expression);
    case 'SpreadElement':
      return expr(st, node.argument);
    case 'JSXElement':
      jsxElement(st, node);
      return OPAQUE;
    case 'JSXFragment':
      jsxChildren(st, node);
      return OPAQUE;
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'RegExpLiteral':
    case 'BigIntLiteral':
      return OPAQUE;
    case 'TemplateLiteral':
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'UpdateExpression':
      visitChildren(st, node);
      return OPAQUE;
    default:
      visitChildren(st, node);
      return UNKNOWN;
  }
}

/** The static name of a member access (`a.b`, `a['b']`, `a.#b`), if it has one. */
export function memberName(node: MemberExpression | OptionalMemberExpression): string | undefined {
  if (!node.computed) return keyName(node.property);
  return node.property.type === 'StringLiteral' ? node.property.value : undefined;
}

function member(st: ExtractState, node: MemberExpression | OptionalMemberExpression): Shape {
  const object = expr(st, node.object);
  const name = memberName(node);
  if (name !== undefined) return { k: 'm', o: object, n: name };
  expr(st, node.property);
  return { k: 'el', o: object };
}

/** An argument: object literals passed to a call keep their functions inline (they belong to the caller). */
function argument(st: ExtractState, node: Node): Shape {
  if (node.type === 'ObjectExpression') return objectLiteral(st, node, undefined, true);
  return expr(st, node);
}

/** Arguments that may name a function: identifiers, member accesses and `f.bind(...)`. */
function callbackCandidate(node: Node): boolean {
  if (node.type === 'Identifier') return node.name !== 'undefined';
  if (node.type === 'MemberExpression') return memberName(node) !== undefined;
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression')
    return memberName(node.callee) === 'bind';
  return false;
}

function argumentsOf(
  st: ExtractState,
  args: ReadonlyArray<Expression | SpreadElement | ArgumentPlaceholder>,
): CallFact['a'] {
  const named: NonNullable<CallFact['a']> = [];
  for (const arg of args) {
    const shape = argument(st, arg);
    if (callbackCandidate(arg)) {
      const at = positionOf(arg);
      named.push({ v: shape, l: at.line, c: at.column });
    }
  }
  return named.length > 0 ? named : undefined;
}

/** The token a call is reported at: the called name (`save` in `this.repo.save()`), else the call itself. */
export function nameToken(callee: Node, fallback: Node): { node: Node; name: string } {
  if (callee.type === 'Identifier') return { node: callee, name: callee.name };
  if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')
    return { node: callee.property, name: memberName(callee) ?? '' };
  if (callee.type === 'Super') return { node: callee, name: 'super' };
  if (callee.type === 'TSNonNullExpression' || callee.type === 'TSInstantiationExpression')
    return nameToken(callee.expression, fallback);
  return { node: fallback, name: '' };
}

export function recordCall(
  st: ExtractState,
  kind: CallFact['t'],
  callee: Shape,
  token: { node: Node; name: string },
  args: CallFact['a'],
  callNode?: Node,
): number {
  const at = positionOf(token.node);
  const fact: CallFact = {
    o: st.owner,
    f: callee,
    t: kind,
    l: at.line,
    c: at.column,
    off: at.offset,
    nm: token.name,
  };
  if (args) fact.a = args;
  const index = st.addCall(fact);
  if (callNode) st.callOf.set(callNode, index);
  return index;
}

function call(st: ExtractState, node: CallExpression | OptionalCallExpression): Shape {
  const callee = node.callee;
  const first = node.arguments[0];
  if (
    callee.type === 'Identifier' &&
    callee.name === 'require' &&
    node.arguments.length === 1 &&
    first?.type === 'StringLiteral'
  ) {
    st.deps.add(first.value);
    return { k: 'req', p: first.value };
  }
  if (callee.type === 'Super') {
    const args = argumentsOf(st, node.arguments);
    if (st.classIndex === undefined) return UNKNOWN;
    const base: Shape = { k: 'sup', c: st.classIndex };
    recordCall(st, 's', base, nameToken(callee, node), args, node);
    return OPAQUE;
  }
  const es5 = es5ClassCall(st, node);
  if (es5) return es5;
  const f = expr(st, callee);
  const args = argumentsOf(st, node.arguments);
  return { k: 'r', i: recordCall(st, 'c', f, nameToken(callee, node), args, node) };
}

function newExpression(st: ExtractState, node: NewExpression): Shape {
  const f = expr(st, node.callee);
  const args = argumentsOf(st, node.arguments);
  const call: Shape = { k: 'r', i: recordCall(st, 'n', f, nameToken(node.callee, node), args, node) };
  // `new Map<string, Lane>()`: a library class constructed with type arguments is an instance of that type, as an
  // annotation would say (what its methods return is then known).
  const typeArgs = node.typeArguments?.params;
  if (
    node.callee.type === 'Identifier' &&
    typeArgs &&
    typeArgs.length > 0 &&
    !st.scope.lookup(node.callee.name)
  ) {
    const a = typeArgs.map((param) => (isTsType(param) ? typeShape(param, st) : OPAQUE));
    return { k: 't', o: st.reference(node.callee.name), a };
  }
  return call;
}

function taggedTemplate(st: ExtractState, node: TaggedTemplateExpression): Shape {
  const f = expr(st, node.tag);
  visitChildren(st, node.quasi);
  return { k: 'r', i: recordCall(st, 'c', f, nameToken(node.tag, node), undefined, node) };
}

function jsxName(st: ExtractState, name: Node): { shape: Shape; text: string } {
  if (name.type === 'JSXIdentifier') {
    // Lower-case names are host elements (`<div>`), not components.
    const component = /^[A-Z_$]/.test(name.name);
    return { shape: component ? st.reference(name.name) : OPAQUE, text: name.name };
  }
  if (name.type === 'JSXMemberExpression') {
    const object = jsxName(st, name.object);
    const base = object.shape.k === 'x' ? st.reference(object.text) : object.shape;
    return {
      shape: { k: 'm', o: base, n: name.property.name },
      text: `${object.text}.${name.property.name}`,
    };
  }
  return { shape: OPAQUE, text: '' };
}

/** `<Comp a={handler} />` is a call of Comp; functions passed as attributes are callbacks of the caller. */
function jsxElement(st: ExtractState, node: JSXElement): void {
  const opening = node.openingElement;
  const name = jsxName(st, opening.name);
  const named: NonNullable<CallFact['a']> = [];
  for (const attribute of opening.attributes) {
    if (attribute.type === 'JSXSpreadAttribute') {
      expr(st, attribute.argument);
      continue;
    }
    const value = attribute.value;
    if (!value) continue;
    if (value.type === 'JSXExpressionContainer') {
      if (value.expression.type === 'JSXEmptyExpression') continue;
      const shape = argument(st, value.expression);
      if (callbackCandidate(value.expression)) {
        const at = positionOf(value.expression);
        named.push({ v: shape, l: at.line, c: at.column });
      }
    } else if (value.type === 'JSXElement') {
      jsxElement(st, value);
    } else if (value.type === 'JSXFragment') {
      jsxChildren(st, value);
    }
  }
  if (name.shape.k !== 'x' || named.length > 0)
    recordCall(
      st,
      'j',
      name.shape,
      { node: opening.name, name: name.text },
      named.length > 0 ? named : undefined,
      node,
    );
  jsxChildren(st, node);
}

function jsxChildren(st: ExtractState, node: JSXElement | JSXFragment): void {
  for (const child of node.children) {
    if (child.type === 'JSXElement') jsxElement(st, child);
    else if (child.type === 'JSXFragment') jsxChildren(st, child);
    else if (child.type === 'JSXExpressionContainer') {
      if (child.expression.type !== 'JSXEmptyExpression') expr(st, child.expression);
    } else if (child.type === 'JSXSpreadChild') expr(st, child.expression);
  }
}

/** Type arguments are TypeScript types here (the parser never reads Flow): this narrows Babel's union. */
function isTsType(node: Node): node is TSType {
  return node.type.startsWith('TS');
}
