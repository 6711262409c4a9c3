// Python scope scan (code intelligence): before a file is walked, which names each function, class and
// comprehension makes local, which are assigned where the order is unknown (`global`/`nonlocal` from a nested
// function), and which functions are generators. Python decides locality for a whole body at once, so the walk
// that follows needs this to know whether a read before an assignment is the local or an outer name.
import type { Node } from 'web-tree-sitter';

export interface ScopeFacts {
  readonly locals: Set<string>;
  readonly globals: Set<string>;
  readonly nonlocals: Set<string>;
  /** Names a nested function rebinds (`nonlocal`, or `global` for the module). */
  readonly unstable: Set<string>;
  yields: boolean;
}

const SCOPE_TYPES = new Set([
  'function_definition',
  'class_definition',
  'lambda',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

/** Scope facts by the id of the scope's node (the module is `root`). */
export function scanScopes(root: Node): Map<number, ScopeFacts> {
  const scopes = new Map<number, ScopeFacts>();
  const make = (node: Node): ScopeFacts => {
    const facts: ScopeFacts = {
      locals: new Set(),
      globals: new Set(),
      nonlocals: new Set(),
      unstable: new Set(),
      yields: false,
    };
    scopes.set(node.id, facts);
    return facts;
  };
  const moduleFacts = make(root);
  const functions: ScopeFacts[] = [];
  const visit = (node: Node, scope: ScopeFacts): void => {
    if (SCOPE_TYPES.has(node.type) && node !== root) {
      enterScope(node, scope);
      return;
    }
    switch (node.type) {
      case 'global_statement':
        for (const name of identifiers(node)) {
          scope.globals.add(name);
          moduleFacts.unstable.add(name);
          moduleFacts.locals.add(name);
        }
        return;
      case 'nonlocal_statement':
        for (const name of identifiers(node)) {
          scope.nonlocals.add(name);
          for (const outer of functions.slice(0, -1)) outer.unstable.add(name);
        }
        return;
      case 'assignment':
      case 'augmented_assignment':
        targets(node.childForFieldName('left'), scope.locals);
        break;
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name) scope.locals.add(name.text);
        break;
      }
      case 'for_statement':
        targets(node.childForFieldName('left'), scope.locals);
        break;
      case 'as_pattern_target':
        targets(node.firstNamedChild, scope.locals);
        return;
      case 'as_pattern':
        // `except E as e`: the alias is local.
        for (const child of node.namedChildren)
          if (child?.type === 'as_pattern_target') targets(child.firstNamedChild, scope.locals);
        break;
      case 'import_statement':
      case 'import_from_statement':
        for (const name of importedNames(node)) scope.locals.add(name);
        return;
      case 'yield':
        scope.yields = true;
        break;
      case 'case_pattern':
        for (const id of node.descendantsOfType('identifier'))
          if (id && id.parent?.type === 'dotted_name' && id.parent.parent === node) scope.locals.add(id.text);
        break;
      default:
        break;
    }
    for (const child of node.namedChildren) if (child) visit(child, scope);
  };
  const enterScope = (node: Node, outer: ScopeFacts): void => {
    const name = node.childForFieldName('name');
    if (name && (node.type === 'function_definition' || node.type === 'class_definition'))
      outer.locals.add(name.text);
    const facts = make(node);
    // Decorators, defaults, bases and the first iterable of a comprehension run in the outer scope.
    const isFunction = node.type === 'function_definition' || node.type === 'lambda';
    if (isFunction) {
      for (const p of parameterNames(node.childForFieldName('parameters'))) facts.locals.add(p);
      for (const dflt of defaults(node.childForFieldName('parameters'))) visit(dflt, outer);
      functions.push(facts);
    }
    for (const child of node.namedChildren) {
      if (!child || child.type === 'parameters' || child.type === 'lambda_parameters') continue;
      if (child.type === 'argument_list' && node.type === 'class_definition') visit(child, outer);
      else if (child.type === 'for_in_clause') {
        targets(child.childForFieldName('left'), facts.locals);
        const right = child.childForFieldName('right');
        if (right) visit(right, outer);
      } else if (child !== name) visit(child, facts);
    }
    if (isFunction) functions.pop();
    for (const g of [...facts.globals, ...facts.nonlocals]) facts.locals.delete(g);
  };
  for (const child of root.namedChildren) if (child) visit(child, moduleFacts);
  return scopes;
}

function identifiers(node: Node): string[] {
  return node.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text);
}

/** Names bound by an assignment target (`a`, `a, (b, *c)`, `[a, b]`); attributes and subscripts bind none. */
export function targets(node: Node | null, out: Set<string>): void {
  if (!node) return;
  switch (node.type) {
    case 'identifier':
      out.add(node.text);
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'parenthesized_expression':
    case 'list_splat_pattern':
    case 'list_splat':
      for (const child of node.namedChildren) targets(child, out);
      return;
    default:
      return;
  }
}

function importedNames(node: Node): string[] {
  const names: string[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (node.type === 'import_from_statement' && child === node.childForFieldName('module_name')) continue;
    if (child.type === 'aliased_import') {
      const alias = child.childForFieldName('alias');
      if (alias) names.push(alias.text);
    } else if (child.type === 'dotted_name') {
      const first = child.firstNamedChild?.text;
      // `import a.b` binds `a`; `from m import n` binds `n`.
      if (first) names.push(node.type === 'import_statement' ? first : child.text);
    }
  }
  return names;
}

/** Parameter names of a `parameters` or `lambda_parameters` node, in order. */
export function parameterNames(params: Node | null): string[] {
  const names: string[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const name = parameterName(p);
    if (name) names.push(name);
  }
  return names;
}

export function parameterName(p: Node): string | undefined {
  switch (p.type) {
    case 'identifier':
      return p.text;
    case 'typed_parameter': {
      const inner = p.firstNamedChild;
      return inner?.type === 'identifier' ? inner.text : (inner?.firstNamedChild?.text ?? undefined);
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return p.childForFieldName('name')?.text;
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return p.firstNamedChild?.text;
    default:
      return undefined;
  }
}

function defaults(params: Node | null): Node[] {
  const values: Node[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (p?.type !== 'default_parameter' && p?.type !== 'typed_default_parameter') continue;
    const value = p.childForFieldName('value');
    if (value) values.push(value);
  }
  return values;
}
