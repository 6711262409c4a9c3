// Python flow extraction of statements (code intelligence): assignments, imports, control flow (branches joined,
// loops iterated), `with` and `for` protocols, returns and raises, and the definitions they hold.
import type { Node } from 'web-tree-sitter';
import { assign, elements, expr, implicitCall, literalElements } from './expressions.js';
import { classDefinition, functionDefinition, returnValue } from './functions.js';
import { targets } from './scan.js';
import type { PyWalker } from './walker.js';

/** Walks the statements of a block (or a module). */
export function statements(w: PyWalker, block: Node | null): void {
  for (const child of block?.namedChildren ?? []) if (child) statement(w, child);
}

export function statement(w: PyWalker, node: Node): void {
  switch (node.type) {
    case 'expression_statement':
      for (const child of node.namedChildren) if (child) expressionStatement(w, child);
      return;
    case 'function_definition':
      functionDefinition(w, node, []);
      return;
    case 'class_definition':
      classDefinition(w, node, []);
      return;
    case 'decorated_definition': {
      const definition = node.childForFieldName('definition');
      const decorators = node.namedChildren.filter((c): c is Node => c?.type === 'decorator');
      if (definition?.type === 'function_definition') functionDefinition(w, definition, decorators);
      else if (definition?.type === 'class_definition') classDefinition(w, definition, decorators);
      return;
    }
    case 'return_statement':
      returnValue(w, node.firstNamedChild);
      return;
    case 'import_statement':
    case 'import_from_statement':
      importStatement(w, node);
      return;
    case 'if_statement':
      ifStatement(w, node);
      return;
    case 'for_statement':
      forStatement(w, node);
      return;
    case 'while_statement': {
      expr(w, node.childForFieldName('condition'));
      const body = node.childForFieldName('body');
      w.scope.names.loop(assignedIn(body), () => {
        statements(w, body);
        expr(w, node.childForFieldName('condition'));
      });
      statements(w, node.childForFieldName('alternative')?.childForFieldName('body') ?? null);
      return;
    }
    case 'try_statement':
      tryStatement(w, node);
      return;
    case 'with_statement':
      withStatement(w, node);
      return;
    case 'raise_statement':
      raiseStatement(w, node);
      return;
    case 'match_statement':
      matchStatement(w, node);
      return;
    case 'block':
    case 'module':
      statements(w, node);
      return;
    case 'global_statement':
    case 'nonlocal_statement':
    case 'pass_statement':
    case 'break_statement':
    case 'continue_statement':
    case 'future_import_statement':
    case 'comment':
    case 'type_alias_statement':
      return;
    default:
      for (const child of node.namedChildren) if (child) expressionStatement(w, child);
  }
}

function expressionStatement(w: PyWalker, node: Node): void {
  switch (node.type) {
    case 'assignment':
      assignment(w, node);
      return;
    case 'augmented_assignment': {
      const left = node.childForFieldName('left');
      const before = expr(w, left);
      const right = expr(w, node.childForFieldName('right'));
      const op = node.childForFieldName('operator')?.text ?? '';
      const result = implicitCall(w, node, before, `__i${inPlaceName(op)}__`, [right]);
      // `xs += [f]` extends the same list: the result is still the old value, plus what the operator returns.
      assign(w, left, w.b.merge([before, result]));
      return;
    }
    default:
      if (node.type.endsWith('_statement') || node.type.endsWith('_definition')) statement(w, node);
      else expr(w, node);
  }
}

const IN_PLACE: Record<string, string> = {
  '+=': 'add',
  '-=': 'sub',
  '*=': 'mul',
  '/=': 'truediv',
  '//=': 'floordiv',
  '%=': 'mod',
  '**=': 'pow',
  '@=': 'matmul',
  '&=': 'and',
  '|=': 'or',
  '^=': 'xor',
  '<<=': 'lshift',
  '>>=': 'rshift',
};

function inPlaceName(op: string): string {
  return IN_PLACE[op] ?? 'add';
}

/** `a = b = value`, `x: T = value`, `a, b = b, a`: the value is computed once, then each target receives it. */
function assignment(w: PyWalker, node: Node): void {
  const chain: Node[] = [];
  let current: Node | null = node;
  while (current?.type === 'assignment') {
    const left = current.childForFieldName('left');
    if (left) chain.push(left);
    current = current.childForFieldName('right');
  }
  if (!current) {
    // `x: T` alone declares a type.
    const left = node.childForFieldName('left');
    const type = node.childForFieldName('type');
    if (left?.type === 'identifier' && type) {
      const declared = w.b.newVar();
      w.b.emit({ o: 'is', d: declared, s: expr(w, type.firstNamedChild) });
      w.assign(left.text, declared);
    }
    return;
  }
  const value = expr(w, current);
  if (chain.length === 1 && storeParameter(w, chain[0]!, current)) return;
  const literal = literalElements(current) ? current : null;
  for (const target of chain) assign(w, target, value, literal);
}

/**
 * `self.key = param` in a method, with neither reassigned: recorded on the function (`pf`), so that each call stores
 * its own argument on its own instance. True when recorded (the store is then the solver's).
 */
function storeParameter(w: PyWalker, target: Node, value: Node): boolean {
  const scope = w.functionScope();
  const fn = scope?.fn;
  if (!fn || scope.self === undefined || target.type !== 'attribute' || value.type !== 'identifier')
    return false;
  const object = target.childForFieldName('object');
  const attr = target.childForFieldName('attribute');
  const unchanged = (name: string) => {
    const param = scope.params?.get(name);
    const reaching = scope.names.reaching(name);
    return param && reaching?.length === 1 && reaching[0] === param.v && !scope.names.unstable.has(name)
      ? param
      : undefined;
  };
  const self = object?.type === 'identifier' ? unchanged(object.text) : undefined;
  const param = unchanged(value.text);
  if (!attr || self?.index !== 0 || !param || param.index === 0) return false;
  fn.pf ??= [];
  fn.pf.push([param.index, attr.text]);
  // Where no argument of the tree reaches the parameter, its annotation says what the field holds.
  const type = scope.types?.get(value.text);
  if (type !== undefined) {
    const declared = w.b.into((d) => ({ o: 'is', d, s: type, c: param.v }));
    w.b.emit({ o: 'st', b: self.v, p: attr.text, s: declared });
  }
  return true;
}

function importStatement(w: PyWalker, node: Node): void {
  const { b } = w;
  if (node.type === 'import_statement') {
    for (const item of node.childrenForFieldName('name')) {
      if (item.type === 'dotted_name') {
        // `import a.b.c` binds `a`; its submodules are its members.
        const first = item.firstNamedChild?.text;
        if (first)
          w.assign(
            first,
            b.into((d) => ({ o: 'imp', d, m: first })),
          );
      } else if (item.type === 'aliased_import') {
        const module = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (module && alias)
          w.assign(
            alias,
            b.into((d) => ({ o: 'imp', d, m: module })),
          );
      }
    }
    return;
  }
  const moduleNode = node.childForFieldName('module_name');
  let module = '';
  let level = 0;
  if (moduleNode?.type === 'relative_import') {
    for (const c of moduleNode.namedChildren) {
      if (c?.type === 'import_prefix') level = c.text.length;
      else if (c?.type === 'dotted_name') module = c.text;
    }
  } else if (moduleNode) module = moduleNode.text;
  const lv = level > 0 ? { lv: level } : {};
  if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
    const source = b.into((d) => ({ o: 'imp', d, m: module, ...lv }));
    b.emit({ o: 'star', d: b.module, s: source, x: 1 });
    return;
  }
  for (const item of node.childrenForFieldName('name')) {
    const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text;
    const alias = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : name;
    if (name && alias)
      w.assign(
        alias,
        b.into((d) => ({ o: 'imp', d, m: module, n: name, ...lv })),
      );
  }
}

function ifStatement(w: PyWalker, node: Node): void {
  const names = w.scope.names;
  expr(w, node.childForFieldName('condition'));
  const before = names.snapshot();
  statements(w, node.childForFieldName('consequence'));
  const ends = [names.snapshot()];
  let hasElse = false;
  for (const alternative of node.childrenForFieldName('alternative')) {
    names.restore(before);
    if (alternative.type === 'elif_clause') {
      expr(w, alternative.childForFieldName('condition'));
      statements(w, alternative.childForFieldName('consequence'));
    } else {
      hasElse = true;
      statements(w, alternative.childForFieldName('body'));
    }
    ends.push(names.snapshot());
  }
  if (!hasElse) ends.push(before);
  names.join(ends);
}

function forStatement(w: PyWalker, node: Node): void {
  const left = node.childForFieldName('left');
  const source = expr(w, node.childForFieldName('right'));
  const element = elements(w, source, node.childForFieldName('right') ?? node);
  const body = node.childForFieldName('body');
  const assigned = assignedIn(body);
  targets(left, assigned);
  w.scope.names.loop(assigned, () => {
    assign(w, left, element);
    statements(w, body);
  });
  statements(w, node.childForFieldName('alternative')?.childForFieldName('body') ?? null);
}

function tryStatement(w: PyWalker, node: Node): void {
  const names = w.scope.names;
  const before = names.snapshot();
  statements(w, node.childForFieldName('body'));
  const afterBody = names.snapshot();
  const ends = [afterBody];
  let finallyBody: Node | null = null;
  for (const clause of node.namedChildren) {
    if (!clause) continue;
    if (clause.type === 'except_clause' || clause.type === 'except_group_clause') {
      // The body may have stopped anywhere: a handler sees what reached its start or its end.
      names.join([before, afterBody]);
      for (const part of clause.namedChildren) {
        if (!part) continue;
        if (part.type === 'block') statements(w, part);
        else if (part.type === 'as_pattern') {
          const type = expr(w, part.firstNamedChild);
          const alias = part.namedChildren.find((c) => c?.type === 'as_pattern_target')?.firstNamedChild;
          if (alias)
            assign(
              w,
              alias,
              w.b.into((d) => ({ o: 'is', d, s: type })),
            );
        } else expr(w, part);
      }
      ends.push(names.snapshot());
    } else if (clause.type === 'else_clause') {
      names.restore(afterBody);
      statements(w, clause.childForFieldName('body'));
      ends[0] = names.snapshot();
    } else if (clause.type === 'finally_clause') finallyBody = clause;
  }
  names.join(ends);
  if (finallyBody) statements(w, finallyBody.namedChildren.find((c) => c?.type === 'block') ?? null);
}

function withStatement(w: PyWalker, node: Node): void {
  const isAsync = node.children.some((c) => c?.type === 'async');
  const clause = node.namedChildren.find((c) => c?.type === 'with_clause');
  const exits: Array<{ manager: number; at: Node }> = [];
  for (const item of clause?.namedChildren ?? []) {
    if (item?.type !== 'with_item') continue;
    const value = item.childForFieldName('value');
    const [managerNode, target] =
      value?.type === 'as_pattern'
        ? [
            value.firstNamedChild,
            value.namedChildren.find((c) => c?.type === 'as_pattern_target')?.firstNamedChild,
          ]
        : [value, undefined];
    const manager = expr(w, managerNode ?? null);
    const entered = implicitCall(w, item, manager, isAsync ? '__aenter__' : '__enter__', []);
    if (target) assign(w, target, entered);
    exits.push({ manager, at: item });
  }
  statements(w, node.childForFieldName('body'));
  for (const { manager, at } of exits.reverse()) {
    const none = w.b.nothing();
    implicitCall(w, at, manager, isAsync ? '__aexit__' : '__exit__', [none, none, none]);
  }
}

/** `raise E` constructs E when E is a class; `raise E(...)` is a call already. */
function raiseStatement(w: PyWalker, node: Node): void {
  const [raised, cause] = node.namedChildren;
  if (raised && (raised.type === 'identifier' || raised.type === 'attribute')) {
    const cls = expr(w, raised);
    w.b.emit({ o: 'call', f: cls, a: [], i: 1, x: raised.text, ...w.site(raised) });
  } else if (raised) expr(w, raised);
  if (cause) expr(w, cause);
}

function matchStatement(w: PyWalker, node: Node): void {
  const names = w.scope.names;
  const subject = expr(w, node.childForFieldName('subject'));
  const before = names.snapshot();
  const ends = [before];
  for (const clause of node.childForFieldName('body')?.namedChildren ?? []) {
    if (clause?.type !== 'case_clause') continue;
    names.restore(before);
    for (const pattern of clause.namedChildren) {
      if (pattern?.type !== 'case_pattern') continue;
      const bound = new Set<string>();
      for (const id of pattern.descendantsOfType('identifier'))
        if (
          id?.parent?.type === 'dotted_name' &&
          id.parent.parent?.type === 'case_pattern' &&
          !id.parent.text.includes('.')
        )
          bound.add(id.text);
      for (const name of bound) w.assign(name, subject);
    }
    statements(w, clause.childForFieldName('consequence'));
    ends.push(names.snapshot());
  }
  names.join(ends);
}

/** Names a block assigns (not in nested definitions): what a loop carries from one iteration to the next. */
function assignedIn(block: Node | null): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node): void => {
    switch (node.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = node.childForFieldName('name');
        if (name) names.add(name.text);
        return;
      }
      case 'lambda':
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        return;
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement':
        targets(node.childForFieldName('left'), names);
        break;
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name) names.add(name.text);
        break;
      }
      case 'as_pattern_target':
        targets(node.firstNamedChild, names);
        return;
      default:
        break;
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };
  if (block) visit(block);
  return names;
}
