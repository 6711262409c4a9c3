// JS/TS extraction of bindings: values bound to names, assignments (CommonJS exports, prototypes, `this.x`)
// and destructuring patterns.
import type { AssignmentExpression, LVal, MemberExpression, Node } from '@babel/types';
import { keyName } from './annotations.js';
import { classNode } from './extract-classes.js';
import { functionSymbol, objectLiteral } from './extract-declarations.js';
import { prototypeAssignment } from './extract-prototypes.js';
import { expr, memberName, union } from './extract-expressions.js';
import { ANY, type ExtractState, OPAQUE, UNKNOWN } from './extract-state.js';
import { visit, visitChildren } from './extract.js';
import type { Shape } from './facts.js';
import { addValue } from './scopes.js';

/**
 * The value bound to a name: a function or class expression becomes a symbol named after its target
 * (`const f = () => {}` → `f`), an object literal's functions become `name.method` symbols.
 */
export function boundValue(
  st: ExtractState,
  node: Node,
  name: string,
  options: { qualified?: string; thisShape?: Shape; nameNode?: Node; declNode?: Node } = {},
): Shape {
  switch (node.type) {
    case 'ArrowFunctionExpression':
    case 'FunctionExpression': {
      const kind = node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function_expression';
      const s = functionSymbol(st, node, {
        name,
        kind,
        declNode: options.declNode ?? node,
        nameNode: options.nameNode ?? node,
        ...(options.qualified !== undefined ? { qualified: options.qualified } : {}),
        ...(options.thisShape ? { thisShape: options.thisShape } : {}),
      });
      return { k: 'fn', s };
    }
    case 'ClassExpression':
      return classNode(st, node, node.id?.name ?? name);
    case 'ObjectExpression': {
      // Object literals name their methods relative to the current prefix.
      const qualified = options.qualified;
      const relative = qualified?.startsWith(st.prefix) ? qualified.slice(st.prefix.length) : name;
      return objectLiteral(st, node, relative, false);
    }
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'ParenthesizedExpression': {
      // `(() => {}) as Handler` still declares a function named after its target.
      const inner = node.expression.type;
      const declares =
        inner === 'ArrowFunctionExpression' ||
        inner === 'FunctionExpression' ||
        inner === 'ClassExpression' ||
        inner === 'ObjectExpression';
      return declares ? boundValue(st, node.expression, name, options) : expr(st, node);
    }
    default: {
      // `const handler = debounce(function () {...})`: the function handed to the call is known by the name.
      const outer = st.bindingName;
      st.bindingName = name;
      try {
        return expr(st, node);
      } finally {
        st.bindingName = outer;
      }
    }
  }
}

export function isIdentifier(node: Node, name: string): boolean {
  return node.type === 'Identifier' && node.name === name;
}

function isModuleExports(node: Node): boolean {
  return (
    node.type === 'MemberExpression' && isIdentifier(node.object, 'module') && memberName(node) === 'exports'
  );
}

export function assignment(st: ExtractState, node: AssignmentExpression): Shape {
  const left = node.left;
  if (node.operator !== '=' && node.operator !== '||=' && node.operator !== '??=') {
    visitChildren(st, node);
    return OPAQUE;
  }
  if (left.type === 'Identifier') {
    const target = st.reference(left.name);
    const value = boundValue(st, node.right, left.name, { declNode: node, nameNode: left });
    st.assigns.push({ target, value });
    return value;
  }
  if (left.type === 'MemberExpression') return memberAssignment(st, node, left);
  if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern') {
    const value = expr(st, node.right);
    assignPattern(st, left, value);
    return value;
  }
  visitChildren(st, node);
  return UNKNOWN;
}

function memberAssignment(st: ExtractState, node: AssignmentExpression, left: MemberExpression): Shape {
  const name = memberName(left);
  const object = left.object;
  const at = { declNode: node, nameNode: left.property };
  if (name === undefined) {
    expr(st, left);
    return expr(st, node.right);
  }
  if (isModuleExports(left)) {
    // `module.exports = function handler() {}` keeps its own name; an anonymous one is named for what it is.
    const right = node.right;
    const own =
      right.type === 'FunctionExpression' || right.type === 'ClassExpression' ? right.id?.name : undefined;
    const value = boundValue(st, right, own ?? 'module.exports', at);
    st.cjs.push(value);
    return value;
  }
  if ((isIdentifier(object, 'exports') && !st.scope.lookup('exports')) || isModuleExports(object)) {
    const value = boundValue(st, node.right, name, at);
    st.ex.push({ n: name, v: value });
    return value;
  }
  if (
    object.type === 'MemberExpression' &&
    memberName(object) === 'prototype' &&
    object.object.type === 'Identifier'
  ) {
    const owner = object.object.name;
    const target = st.reference(owner);
    const value = boundValue(st, node.right, name, {
      ...at,
      qualified: `${st.prefix}${owner}.${name}`,
      thisShape: { k: 't', o: st.reference(owner) },
    });
    st.memberAssigns.push({ target, name, value, proto: true });
    return value;
  }
  if (name === 'prototype' && object.type === 'Identifier') {
    const shaped = prototypeAssignment(st, object.name, node.right);
    if (shaped) return shaped;
  }
  if (object.type === 'ThisExpression') {
    const value = boundValue(st, node.right, name, at);
    thisAssignment(st, name, value);
    return value;
  }
  if (object.type === 'Identifier') {
    const target = st.reference(object.name);
    const value = boundValue(st, node.right, name, {
      ...at,
      qualified: `${st.prefix}${object.name}.${name}`,
    });
    st.memberAssigns.push({ target, name, value, proto: false });
    return value;
  }
  expr(st, left);
  return expr(st, node.right);
}

/** `this.x = value`: a field of the class (or object, or constructor function) `this` refers to. */
function thisAssignment(st: ExtractState, name: string, value: Shape): void {
  const self = st.thisShape;
  if (self?.k === 'this' && self.c !== undefined) {
    const fact = st.cls[self.c]!;
    const field = fact.mem.find((m) => m.n === name && m.k === 'f' && !m.st);
    if (field?.v) field.v.push(value);
    else if (field) field.v = [value];
    else fact.mem.push({ n: name, k: 'f', v: [value] });
  } else if (self?.k === 'this' && self.s !== undefined) {
    const list = st.thisAssigns.get(self.s) ?? [];
    list.push({ n: name, v: value });
    st.thisAssigns.set(self.s, list);
  } else if (self?.k === 'obj') {
    st.obj[self.o]!.p.push({ n: name, v: value });
  }
}

/** Destructuring assignment to existing names: `({ a, b: c } = value)`. */
function assignPattern(st: ExtractState, pattern: LVal | Node, source: Shape): void {
  switch (pattern.type) {
    case 'Identifier':
      st.assigns.push({ target: st.reference(pattern.name), value: source });
      return;
    case 'ObjectPattern':
      for (const prop of pattern.properties) {
        if (prop.type === 'RestElement') continue;
        const key = prop.computed ? undefined : keyName(prop.key);
        assignPattern(st, prop.value, key === undefined ? UNKNOWN : { k: 'm', o: source, n: key });
      }
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) assignPattern(st, element, { k: 'el', o: source });
      return;
    case 'AssignmentPattern':
      assignPattern(st, pattern.left, union([source, expr(st, pattern.right)]));
      return;
    default:
      visit(st, pattern);
  }
}

/** Declares the names of a binding pattern; `source` is the value being destructured. */
export function bindPattern(
  st: ExtractState,
  pattern: Node,
  source: Shape | undefined,
  kind: 'var' | 'let' | 'const' | 'param' | 'catch',
): void {
  switch (pattern.type) {
    case 'Identifier': {
      const scope = kind === 'var' ? st.scope.functionScope() : st.scope;
      const binding = st.table.declare(scope, pattern.name, kind);
      if (source) addValue(binding, source);
      return;
    }
    case 'ObjectPattern':
      for (const prop of pattern.properties) {
        if (prop.type === 'RestElement') {
          bindPattern(st, prop.argument, undefined, kind);
          continue;
        }
        if (prop.computed) expr(st, prop.key);
        const key = prop.computed ? undefined : keyName(prop.key);
        const sub: Shape | undefined =
          source && key !== undefined ? { k: 'm', o: source, n: key } : undefined;
        bindPattern(st, prop.value, sub, kind);
      }
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements)
        if (element) bindPattern(st, element, source ? { k: 'el', o: source } : undefined, kind);
      return;
    case 'AssignmentPattern': {
      const fallback = expr(st, pattern.right);
      bindPattern(st, pattern.left, source ? union([source, fallback]) : fallback, kind);
      return;
    }
    case 'RestElement':
      bindPattern(st, pattern.argument, undefined, kind);
      return;
    case 'TSParameterProperty':
      bindPattern(st, pattern.parameter, source, kind);
      return;
    default:
      visit(st, pattern);
  }
}

/** The value an unannotated parameter gets: `any` unless a TS callback's context types it. */
export function untypedParameter(st: ExtractState, contextual: boolean): Shape | undefined {
  return st.typescript && contextual ? undefined : ANY;
}
