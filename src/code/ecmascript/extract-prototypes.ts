// JS/TS fact extraction of ES5 classes: constructor functions given members through their prototype (an object
// literal, `Object.assign`, property descriptors) and a base class (`util.inherits`, `Object.create`,
// `Object.setPrototypeOf`, `C.prototype = new P()`). `F.prototype.m = ...` itself is an ordinary member assignment
// (extract-bindings.ts); `finish` in extract.ts turns all of it into class facts.
import type {
  CallExpression,
  Expression,
  Node,
  ObjectExpression,
  OptionalCallExpression,
} from '@babel/types';
import { keyName } from './annotations.js';
import { boundValue, isIdentifier } from './extract-bindings.js';
import { functionSymbol, inlineFunction, objectLiteral } from './extract-declarations.js';
import { expr, memberName, nameToken, recordCall } from './extract-expressions.js';
import { type ExtractState, OPAQUE } from './extract-state.js';
import type { Shape } from './facts.js';

/**
 * `C.prototype = <value>` when it shapes a class: an object literal of members, `Object.create(P.prototype,
 * descriptors)`, `new P()`. Returns the value's shape, or undefined for any other value (an ordinary assignment).
 */
export function prototypeAssignment(st: ExtractState, owner: string, right: Expression): Shape | undefined {
  if (right.type === 'ObjectExpression') return prototypeMembers(st, owner, right);
  if (isObjectMethodCall(right, 'create')) {
    // `C.prototype = Object.create(P.prototype, { m: { value: function () {} } })`
    const [base, descriptors] = right.arguments;
    const parent = prototypeOwner(base);
    if (parent !== undefined && parent !== 'Object') {
      st.inherits.push({ child: st.reference(owner), parent: st.reference(parent) });
    } else if (base && parent === undefined) expr(st, base);
    if (descriptors?.type === 'ObjectExpression') descriptorMembers(st, owner, descriptors);
    else if (descriptors) expr(st, descriptors);
    return OPAQUE;
  }
  if (right.type === 'NewExpression' && right.callee.type === 'Identifier') {
    // `C.prototype = new P()`
    st.inherits.push({ child: st.reference(owner), parent: st.reference(right.callee.name) });
    return expr(st, right);
  }
  return undefined;
}

/**
 * `F.prototype = { m() {} }` and `Object.assign(F.prototype, { m() {} })`: each property is a prototype member of
 * F (which makes F a class, as `F.prototype.m = ...` does), named `F.m`, with `this` an instance of F.
 */
export function prototypeMembers(st: ExtractState, owner: string, node: ObjectExpression): Shape {
  const target = st.reference(owner);
  const shape = objectLiteral(st, node, owner, false, { k: 't', o: target });
  if (shape.k === 'obj') {
    for (const prop of st.obj[shape.o]!.p) {
      st.memberAssigns.push({ target, name: prop.n, value: prop.v, proto: true });
    }
  }
  return shape;
}

/**
 * Property descriptors of `F.prototype`: `Object.create(P.prototype, {...})`, `Object.defineProperties(F.prototype,
 * {...})`. Each descriptor's `value` is a prototype member of F named `F.m`; its `get` and `set` functions are
 * symbols of F too (their calls are theirs, not the module's), though not methods.
 */
export function descriptorMembers(st: ExtractState, owner: string, descriptors: ObjectExpression): void {
  for (const prop of descriptors.properties) {
    const key = prop.type === 'SpreadElement' || prop.computed ? undefined : keyName(prop.key);
    if (prop.type === 'ObjectProperty' && key !== undefined && prop.value.type === 'ObjectExpression') {
      descriptorMember(st, owner, key, prop, prop.value);
    } else if (prop.type === 'SpreadElement') expr(st, prop.argument);
    else if (prop.type === 'ObjectMethod') inlineFunction(st, prop);
    else expr(st, prop.value);
  }
}

/** One descriptor of `F.prototype[key]` (also `Object.defineProperty(F.prototype, 'key', {...})`). */
export function descriptorMember(
  st: ExtractState,
  owner: string,
  key: string,
  declNode: Node,
  descriptor: ObjectExpression,
): void {
  const target = st.reference(owner);
  const options = { qualified: `${st.prefix}${owner}.${key}`, thisShape: { k: 't', o: target } as Shape };
  for (const field of descriptor.properties) {
    const which = field.type === 'SpreadElement' || field.computed ? undefined : keyName(field.key);
    const role = which === 'value' || which === 'get' || which === 'set' ? which : undefined;
    if (field.type === 'ObjectMethod' && role !== undefined) {
      const kind = role === 'get' ? 'getter' : role === 'set' ? 'setter' : 'object_method';
      const s = functionSymbol(st, field, {
        name: key,
        kind,
        declNode: field,
        nameNode: field.key,
        ...options,
      });
      if (role === 'value') st.memberAssigns.push({ target, name: key, value: { k: 'fn', s }, proto: true });
    } else if (field.type === 'ObjectProperty' && role !== undefined) {
      const at =
        role === 'value' ? { declNode, nameNode: declNode } : { declNode: field, nameNode: field.key };
      const value = boundValue(st, field.value, key, { ...options, ...at });
      if (role === 'value') st.memberAssigns.push({ target, name: key, value, proto: true });
    } else if (field.type === 'SpreadElement') expr(st, field.argument);
    else if (field.type === 'ObjectMethod') inlineFunction(st, field);
    else expr(st, field.value);
  }
}

/**
 * Calls that shape ES5 classes rather than run code of the tree: `Object.assign(F.prototype, { m() {} })` and
 * `Object.defineProperties(F.prototype, {...})` / `Object.defineProperty(F.prototype, 'm', {...})` add prototype
 * members; `util.inherits(C, P)` (or `inherits`, `require('util').inherits`) and
 * `Object.setPrototypeOf(C.prototype, P.prototype)` make C extend P. Recorded as such, not as calls (the
 * functions passed are not callbacks).
 */
export function es5ClassCall(
  st: ExtractState,
  node: CallExpression | OptionalCallExpression,
): Shape | undefined {
  const callee = node.callee;
  const args = node.arguments;
  const calledAs =
    callee.type === 'Identifier'
      ? callee.name
      : callee.type === 'MemberExpression' && !callee.computed
        ? memberName(callee)
        : undefined;
  const onObject =
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.object.name === 'Object';
  if (onObject && (calledAs === 'defineProperties' || calledAs === 'defineProperty')) {
    const owner = prototypeOwner(args[0]);
    const [, second, third] = args;
    if (owner === undefined) return undefined;
    if (calledAs === 'defineProperties' && second?.type === 'ObjectExpression') {
      descriptorMembers(st, owner, second);
      return OPAQUE;
    }
    if (
      calledAs === 'defineProperty' &&
      second?.type === 'StringLiteral' &&
      third?.type === 'ObjectExpression'
    ) {
      descriptorMember(st, owner, second.value, second, third);
      return OPAQUE;
    }
    return undefined;
  }
  if (onObject && calledAs === 'assign') {
    const owner = prototypeOwner(args[0]);
    if (owner === undefined) return undefined;
    for (const arg of args.slice(1)) {
      if (arg.type === 'ObjectExpression') prototypeMembers(st, owner, arg);
      else expr(st, arg);
    }
    return OPAQUE;
  }
  const inherits =
    (calledAs === 'inherits' && (callee.type === 'Identifier' || !onObject)) ||
    (onObject && calledAs === 'setPrototypeOf');
  if (!inherits || args.length !== 2) return undefined;
  const [first, second] = args;
  const child = calledAs === 'inherits' ? identifierName(first) : prototypeOwner(first);
  const parent = calledAs === 'inherits' ? identifierName(second) : prototypeOwner(second);
  if (child === undefined || parent === undefined) return undefined;
  st.inherits.push({ child: st.reference(child), parent: st.reference(parent) });
  if (callee.type === 'MemberExpression') expr(st, callee.object);
  // A bare `inherits` may be a function of the tree: its call stays a call (the constructors are not callbacks).
  else recordCall(st, 'c', expr(st, callee), nameToken(callee, node), undefined);
  return OPAQUE;
}

function identifierName(node: Node | undefined): string | undefined {
  return node?.type === 'Identifier' ? node.name : undefined;
}

/** Whether `node` is a call of `Object.<method>(...)`. */
export function isObjectMethodCall(node: Node, method: string): node is CallExpression {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    isIdentifier(node.callee.object, 'Object') &&
    memberName(node.callee) === method
  );
}

/** `P` when `node` is `P.prototype`. */
export function prototypeOwner(node: Node | undefined): string | undefined {
  if (node?.type !== 'MemberExpression' || memberName(node) !== 'prototype') return undefined;
  return node.object.type === 'Identifier' ? node.object.name : undefined;
}
