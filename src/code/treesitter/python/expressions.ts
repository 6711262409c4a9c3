// Python flow extraction of expressions (code intelligence): each expression becomes the variable holding its value
// — names, attributes, subscripts, calls, literals and containers, lambdas, comprehensions, operators — and each
// assignment target receives a value (unpacking tuples by position).
import type { Node } from 'web-tree-sitter';
import { ANY_KEY, type CallOp } from '../../flow/ir.js';
import { spanOf } from '../syntax.js';
import { comprehension, evalLiteral, lambda } from './functions.js';
import type { PyWalker } from './walker.js';

/** Dunder methods that Python operators call on their left operand. */
const BINARY: Record<string, string> = {
  '+': '__add__',
  '-': '__sub__',
  '*': '__mul__',
  '/': '__truediv__',
  '//': '__floordiv__',
  '%': '__mod__',
  '**': '__pow__',
  '@': '__matmul__',
  '&': '__and__',
  '|': '__or__',
  '^': '__xor__',
  '<<': '__lshift__',
  '>>': '__rshift__',
  '<': '__lt__',
  '>': '__gt__',
  '<=': '__le__',
  '>=': '__ge__',
  '==': '__eq__',
  '!=': '__ne__',
};
const UNARY: Record<string, string> = { '-': '__neg__', '+': '__pos__', '~': '__invert__' };
/** Strings that can be keys travel as constants; prose (messages, templates) is left out: it names no member. */
const KEY_LIKE = /^[^\s]{1,64}$/;
const MAX_CALLEE_TEXT = 60;

/** The value of a string literal without interpolation, else undefined. */
export function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  let value = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') value += child.text;
  }
  return value;
}

/** How a constant key is spelled: strings as they are, integers as `#n` (so `d[1]` and `d['1']` differ). */
export function keyOf(node: Node): string | undefined {
  if (node.type === 'integer' && /^\d+$/.test(node.text)) return `#${Number(node.text)}`;
  const text = stringValue(node);
  return text !== undefined && KEY_LIKE.test(text) ? text : undefined;
}

/** The variable holding an expression's value (the "nothing" variable for values that matter to no call). */
export function expr(w: PyWalker, node: Node | null): number {
  const { b } = w;
  if (!node) return b.nothing();
  switch (node.type) {
    case 'identifier':
      return w.read(node.text);
    case 'attribute': {
      const object = expr(w, node.childForFieldName('object'));
      const attr = node.childForFieldName('attribute');
      if (!attr) return b.unknown();
      return b.into((d) => ({ o: 'ld', d, b: object, p: attr.text, ...w.site(attr) }));
    }
    case 'subscript':
      return subscript(w, node);
    case 'call':
      return call(w, node);
    case 'string': {
      for (const child of node.namedChildren) if (child?.type === 'interpolation') interpolation(w, child);
      const key = keyOf(node);
      return key === undefined ? b.unknown() : b.lit(key);
    }
    case 'concatenated_string':
      for (const child of node.namedChildren) if (child) expr(w, child);
      return b.unknown();
    case 'integer': {
      const key = keyOf(node);
      return key === undefined ? b.unknown() : b.lit(key);
    }
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'ellipsis':
      return b.nothing();
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return sequence(w, node, node.type === 'list' ? 'l' : node.type === 'set' ? 's' : 't');
    case 'dictionary':
      return dictionary(w, node);
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression':
      return comprehension(w, node);
    case 'lambda':
      return lambda(w, node);
    case 'parenthesized_expression':
      return expr(w, node.firstNamedChild);
    case 'conditional_expression': {
      const [a, test, c] = node.namedChildren;
      expr(w, test ?? null);
      return b.merge([expr(w, a ?? null), expr(w, c ?? null)]);
    }
    case 'boolean_operator':
      return b.merge([expr(w, node.childForFieldName('left')), expr(w, node.childForFieldName('right'))]);
    case 'not_operator':
      expr(w, node.childForFieldName('argument'));
      return b.unknown();
    case 'binary_operator':
      return operator(w, node, node.childForFieldName('operator')?.text ?? '', [
        node.childForFieldName('left'),
        node.childForFieldName('right'),
      ]);
    case 'comparison_operator':
      return comparison(w, node);
    case 'unary_operator': {
      const argument = node.childForFieldName('argument');
      const name = UNARY[node.childForFieldName('operator')?.text ?? ''];
      if (argument?.type === 'integer' || !name) {
        expr(w, argument);
        return b.unknown();
      }
      return implicitCall(w, node, expr(w, argument), name, []);
    }
    case 'await':
      return b.into((d) => ({ o: 'aw', d, s: expr(w, node.firstNamedChild) }));
    case 'yield':
      yieldExpression(w, node);
      return b.unknown();
    case 'named_expression': {
      const value = expr(w, node.childForFieldName('value'));
      const name = node.childForFieldName('name');
      if (name) w.assign(name.text, value);
      return value;
    }
    case 'list_splat':
    case 'dictionary_splat':
      return expr(w, node.firstNamedChild);
    default:
      for (const child of node.namedChildren) if (child) expr(w, child);
      return b.unknown();
  }
}

function interpolation(w: PyWalker, node: Node): void {
  const value = node.childForFieldName('expression') ?? node.firstNamedChild;
  if (value) implicitCall(w, value, expr(w, value), '__str__', []);
}

function yieldExpression(w: PyWalker, node: Node): void {
  const fn = w.functionScope()?.fn;
  const value = node.firstNamedChild;
  const from = node.children.some((c) => c?.type === 'from');
  const v = expr(w, value);
  if (!fn?.y) return;
  if (from) w.b.emit({ o: 'iter', d: fn.y, s: v, ...w.site(node) });
  else w.b.copy(fn.y, v);
}

function subscript(w: PyWalker, node: Node): number {
  const { b } = w;
  const object = expr(w, node.childForFieldName('value'));
  const index = node.childForFieldName('subscript');
  if (!index) return b.unknown();
  if (index.type === 'slice') {
    const start = index.namedChildren[0];
    const from = start && index.text.trimStart().startsWith(':') === false ? expr(w, start) : w.b.lit('#0');
    for (const bound of index.namedChildren.slice(1)) if (bound) expr(w, bound);
    return b.into((d) => ({ o: 'call', d, f: w.global('$slice'), a: [object, from], i: 1, ...w.site(node) }));
  }
  const key = keyOf(index);
  if (key !== undefined) return b.into((d) => ({ o: 'ld', d, b: object, p: key }));
  const k = expr(w, index);
  return b.into((d) => ({ o: 'ldk', d, b: object, k }));
}

function sequence(w: PyWalker, node: Node, kind: 'l' | 't' | 's'): number {
  const { b } = w;
  const container = b.into((d) => ({ o: 'new', d, a: b.alloc(kind) }));
  let index = 0;
  let known = true;
  for (const element of node.namedChildren) {
    if (!element || element.type === 'comment') continue;
    if (element.type === 'list_splat') {
      known = false;
      const inner = expr(w, element.firstNamedChild);
      b.emit({ o: 'st', b: container, p: ANY_KEY, s: elements(w, inner, element) });
      continue;
    }
    const v = expr(w, element);
    b.emit({ o: 'st', b: container, p: known && kind !== 's' ? `#${index}` : ANY_KEY, s: v });
    index++;
  }
  return container;
}

/** A variable holding what iterating `v` yields. */
export function elements(w: PyWalker, v: number, at: Node): number {
  return w.b.into((d) => ({ o: 'iter', d, s: v, ...w.site(at) }));
}

function dictionary(w: PyWalker, node: Node): number {
  const { b } = w;
  const dict = b.into((d) => ({ o: 'new', d, a: b.alloc('d') }));
  // A key written twice keeps its last value.
  const last = new Map<string, Node>();
  for (const item of node.namedChildren) {
    const keyNode = item?.type === 'pair' ? item.childForFieldName('key') : null;
    const key = keyNode ? keyOf(keyNode) : undefined;
    if (key !== undefined && item) last.set(key, item);
  }
  for (const item of node.namedChildren) {
    if (!item) continue;
    if (item.type === 'dictionary_splat') {
      b.emit({ o: 'star', d: dict, s: expr(w, item.firstNamedChild) });
      continue;
    }
    if (item.type !== 'pair') continue;
    const keyNode = item.childForFieldName('key');
    const value = expr(w, item.childForFieldName('value'));
    const key = keyNode ? keyOf(keyNode) : undefined;
    if (key !== undefined && last.get(key) !== item) continue;
    if (key !== undefined) b.emit({ o: 'st', b: dict, p: key, s: value });
    else b.emit({ o: 'stk', b: dict, k: expr(w, keyNode), s: value });
  }
  return dict;
}

function operator(w: PyWalker, node: Node, op: string, operands: Array<Node | null>): number {
  const [left, right] = operands;
  const l = expr(w, left ?? null);
  const r = expr(w, right ?? null);
  const name = BINARY[op];
  if (!name || !left || left.type === 'integer' || left.type === 'string' || left.type === 'float')
    return w.b.unknown();
  return implicitCall(w, node, l, name, [r]);
}

function comparison(w: PyWalker, node: Node): number {
  const operands = node.namedChildren.filter((c): c is Node => c !== null);
  const operators = node.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
  const values = operands.map((o) => expr(w, o));
  operators.forEach((op, i) => {
    const [l, r] = [values[i], values[i + 1]];
    if (l === undefined || r === undefined) return;
    if (op === 'in' || op === 'not') implicitCall(w, node, r, '__contains__', [l]);
    else if (BINARY[op] && operands[i]?.type !== 'integer') implicitCall(w, node, l, BINARY[op]!, [r]);
  });
  return w.b.unknown();
}

/** A dunder method the language calls on `receiver` (quiet when the receiver has none). */
export function implicitCall(w: PyWalker, at: Node, receiver: number, name: string, args: number[]): number {
  const d = w.b.newVar();
  w.b.emit({ o: 'call', d, r: receiver, m: name, a: args, i: 1, ...w.site(at) });
  w.b.copy(d, w.b.unknown());
  return d;
}

/** `super().name` / `super(C, self).name` inside a method: the class to look above, and `self`. */
function superTarget(w: PyWalker, callee: Node): { sup: number; self: number } | undefined {
  if (callee.type !== 'attribute') return undefined;
  const object = callee.childForFieldName('object');
  if (object?.type !== 'call' || object.childForFieldName('function')?.text !== 'super') return undefined;
  const fn = w.functionScope();
  if (fn?.classIndex === undefined || fn.self === undefined) return undefined;
  return { sup: fn.classIndex, self: fn.self };
}

function call(w: PyWalker, node: Node): number {
  const { b } = w;
  const callee = node.childForFieldName('function');
  const argsNode = node.childForFieldName('arguments');
  if (!callee) return b.unknown();
  const literal = evalLiteral(w, callee, argsNode);
  if (literal) return b.unknown();
  const nameNode = callee.type === 'attribute' ? (callee.childForFieldName('attribute') ?? callee) : callee;
  const base: { -readonly [K in keyof CallOp]?: CallOp[K] } = {};
  const sup = superTarget(w, callee);
  if (sup) {
    base.r = sup.self;
    base.sup = sup.sup;
    base.m = nameNode.text;
  } else if (callee.type === 'attribute') {
    base.r = expr(w, callee.childForFieldName('object'));
    base.m = nameNode.text;
  } else base.f = expr(w, callee);
  const a: number[] = [];
  const k: Array<[string, number]> = [];
  let kw: number | undefined;
  if (argsNode?.type === 'generator_expression') a.push(expr(w, argsNode));
  for (const arg of argsNode?.type === 'argument_list' ? argsNode.namedChildren : []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = expr(w, arg.childForFieldName('value'));
      if (name) k.push([name, value]);
    } else if (arg.type === 'list_splat') {
      base.sp ??= a.length;
      a.push(expr(w, arg.firstNamedChild));
    } else if (arg.type === 'dictionary_splat') {
      const value = expr(w, arg.firstNamedChild);
      kw = kw === undefined ? value : b.merge([kw, value]);
    } else a.push(expr(w, arg));
  }
  const d = b.newVar();
  const text = callee.text.replace(/\s+/g, '');
  b.emit({
    o: 'call',
    d,
    ...base,
    a,
    ...(k.length > 0 ? { k } : {}),
    ...(kw === undefined ? {} : { kw }),
    x: text.length > MAX_CALLEE_TEXT ? `${text.slice(0, MAX_CALLEE_TEXT)}…` : text,
    ...w.site(nameNode),
  } as CallOp);
  return d;
}

/** Assigns the value in `value` to a target (`a`, `o.x`, `d[k]`, `a, (b, *c)`), unpacking by position. */
export function assign(w: PyWalker, target: Node | null, value: number, literal?: Node | null): void {
  const { b } = w;
  if (!target) return;
  switch (target.type) {
    case 'identifier':
      w.assign(target.text, value);
      return;
    case 'attribute': {
      const object = expr(w, target.childForFieldName('object'));
      const attr = target.childForFieldName('attribute');
      if (attr) b.emit({ o: 'st', b: object, p: attr.text, s: value, ...w.site(attr) });
      return;
    }
    case 'subscript': {
      const object = expr(w, target.childForFieldName('value'));
      const index = target.childForFieldName('subscript');
      const key = index ? keyOf(index) : undefined;
      if (key !== undefined) b.emit({ o: 'st', b: object, p: key, s: value });
      else b.emit({ o: 'stk', b: object, k: expr(w, index), s: value });
      return;
    }
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
      unpack(w, target, value, literal);
      return;
    case 'parenthesized_expression':
      assign(w, target.firstNamedChild, value, literal);
      return;
    default:
      return;
  }
}

const SEQUENCES = new Set(['tuple', 'list', 'expression_list', 'pattern_list', 'parenthesized_expression']);

/** The element nodes of a literal tuple or list (undefined when it is not one or has a starred element). */
export function literalElements(node: Node | null | undefined): Node[] | undefined {
  if (!node) return undefined;
  if (node.type === 'parenthesized_expression') return literalElements(node.firstNamedChild);
  if (!SEQUENCES.has(node.type)) return undefined;
  const items = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return items.some((c) => c.type === 'list_splat') ? undefined : items;
}

function unpack(w: PyWalker, target: Node, value: number, literal: Node | null | undefined): void {
  const { b } = w;
  const parts = target.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const star = parts.findIndex((p) => p.type === 'list_splat_pattern' || p.type === 'list_splat');
  const items = literalElements(literal);
  parts.forEach((part, i) => {
    const fromEnd = parts.length - i;
    if (i === star) {
      const rest = b.into((d) => ({ o: 'new', d, a: b.alloc('l') }));
      if (items) {
        // `a, *b, c = f1, f2, f3, f4`: b is [f2, f3].
        for (let j = 0; j < items.length - parts.length + 1; j++) {
          const element = b.into((d) => ({ o: 'ld', d, b: value, p: `#${star + j}` }));
          b.emit({ o: 'st', b: rest, p: `#${j}`, s: element });
        }
      } else
        b.emit({ o: 'st', b: rest, p: ANY_KEY, s: b.into((d) => ({ o: 'ld', d, b: value, p: ANY_KEY })) });
      assign(w, part.firstNamedChild, rest);
      return;
    }
    const index = star >= 0 && i > star && items ? items.length - fromEnd : i;
    const key = star >= 0 && i > star && !items ? ANY_KEY : `#${index}`;
    const element = b.into((d) => ({ o: 'ld', d, b: value, p: key }));
    assign(w, part, element, items?.[index]);
  });
}

/** Span of a node for symbols. */
export function defSpan(node: Node): { line: number; column: number; endLine: number } {
  const span = spanOf(node);
  const outer = node.parent?.type === 'decorated_definition' ? spanOf(node.parent) : span;
  return { line: span.line, column: span.column, endLine: outer.endLine };
}
