// JS/TS scope scan (code intelligence, value flow): before a file is walked for value flow, which names each scope
// declares (with JavaScript's hoisting: `var` and function declarations belong to the function, `let`, `const`
// and classes to the block), which bindings a nested function assigns (their reads must see every assignment), and
// which bindings each loop assigns (what one iteration hands to the next).
import { type Node, type Program, VISITOR_KEYS } from '@babel/types';

export interface JsBinding {
  /** Unique in the file: the variable names of the flow unit are keyed by it. */
  readonly key: string;
  readonly name: string;
  /** The function (or Program) whose body holds the declaring scope. */
  readonly owner: Node;
}

export interface JsScope {
  readonly parent: JsScope | undefined;
  /** The function (or Program) this scope belongs to. */
  readonly fn: Node;
  readonly names: Map<string, JsBinding>;
}

export interface JsScan {
  readonly scopes: Map<Node, JsScope>;
  /** Bindings assigned from a function other than their owner. */
  readonly unstable: Set<string>;
  /** Loop node → bindings assigned inside it (not in nested functions). */
  readonly loops: Map<Node, Set<string>>;
}

const FUNCTIONS = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);
const LOOPS = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);

/** Keys of a node that hold types, not code: nothing there can declare, assign or call. */
const TYPE_KEYS = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeArguments',
  'superTypeParameters',
  'predicate',
  'variance',
  'implements',
]);

/** Per node type, the keys that may hold code (Babel's own visitor keys, less the types). */
const CODE_KEYS = new Map<string, readonly string[]>();

function codeKeys(type: string): readonly string[] {
  let keys = CODE_KEYS.get(type);
  if (keys === undefined) {
    keys = (VISITOR_KEYS[type] ?? []).filter((key) => !TYPE_KEYS.has(key));
    CODE_KEYS.set(type, keys);
  }
  return keys;
}

/** Children of a node that may hold code. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key of codeKeys(node.type)) {
    const value = record[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Identifiers a binding pattern declares. */
export function patternNames(pattern: Node | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const prop of pattern.properties)
        patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) patternNames(element, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument, out);
      break;
    case 'TSParameterProperty':
      patternNames(pattern.parameter, out);
      break;
    default:
      break;
  }
  return out;
}

export function scanScopes(program: Program): JsScan {
  const scopes = new Map<Node, JsScope>();
  let counter = 0;
  const open = (node: Node, parent: JsScope | undefined, fn: Node): JsScope => {
    const scope: JsScope = { parent, fn, names: new Map() };
    scopes.set(node, scope);
    return scope;
  };
  const declare = (scope: JsScope, name: string): void => {
    if (!scope.names.has(name)) scope.names.set(name, { key: `${name}@${counter++}`, name, owner: scope.fn });
  };
  const functionScope = (scope: JsScope): JsScope => scopes.get(scope.fn) ?? scope;

  const declarations = (node: Node, scope: JsScope): void => {
    if (FUNCTIONS.has(node.type)) {
      if (node.type === 'FunctionDeclaration' && node.id) declare(scope, node.id.name);
      const inner = open(node, scope, node);
      if (node.type === 'FunctionExpression' && node.id) declare(inner, node.id.name);
      const fn = node as Extract<Node, { params: unknown[] }>;
      for (const param of fn.params as Node[]) for (const name of patternNames(param)) declare(inner, name);
      const body = (node as { body?: Node }).body;
      if (body) {
        // A function's body block is its own scope, not a block inside it.
        if (body.type === 'BlockStatement') {
          scopes.set(body, inner);
          for (const statement of body.body) declarations(statement, inner);
        } else declarations(body, inner);
      }
      for (const param of fn.params as Node[])
        for (const child of children(param)) declarations(child, inner);
      return;
    }
    switch (node.type) {
      case 'VariableDeclaration': {
        const target = node.kind === 'var' ? functionScope(scope) : scope;
        for (const declarator of node.declarations)
          for (const name of patternNames(declarator.id)) declare(target, name);
        break;
      }
      case 'ClassDeclaration':
        if (node.id) declare(scope, node.id.name);
        break;
      case 'ClassExpression':
        if (node.id) {
          const inner = open(node, scope, scope.fn);
          declare(inner, node.id.name);
          for (const child of children(node)) declarations(child, inner);
          return;
        }
        break;
      case 'ImportDeclaration':
        if (node.importKind !== 'type')
          for (const specifier of node.specifiers) declare(scope, specifier.local.name);
        return;
      case 'TSImportEqualsDeclaration':
        declare(scope, node.id.name);
        return;
      case 'TSEnumDeclaration':
        declare(scope, node.id.name);
        return;
      case 'TSModuleDeclaration':
        if (node.id.type === 'Identifier' && !node.declare) declare(scope, node.id.name);
        break;
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSDeclareFunction':
        return;
      case 'BlockStatement':
      case 'StaticBlock':
      case 'SwitchStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = open(node, scope, scope.fn);
        for (const child of children(node)) declarations(child, inner);
        return;
      }
      case 'CatchClause': {
        const inner = open(node, scope, scope.fn);
        if (node.param) for (const name of patternNames(node.param)) declare(inner, name);
        scopes.set(node.body, inner);
        for (const statement of node.body.body) declarations(statement, inner);
        return;
      }
      default:
        break;
    }
    for (const child of children(node)) declarations(child, scope);
  };

  const root = open(program, undefined, program);
  for (const statement of program.body) declarations(statement, root);

  const unstable = new Set<string>();
  const loops = new Map<Node, Set<string>>();
  const resolve = (name: string, scope: JsScope | undefined): JsBinding | undefined => {
    for (let s = scope; s; s = s.parent) {
      const binding = s.names.get(name);
      if (binding) return binding;
    }
    return undefined;
  };
  const assignments = (node: Node, scope: JsScope, openLoops: Node[]): void => {
    const here = scopes.get(node) ?? scope;
    const inLoops = FUNCTIONS.has(node.type) ? [] : openLoops;
    const assigned = (names: string[]) => {
      for (const name of names) {
        // Assigning a name nobody declares makes a global (sloppy mode): a binding of the module here.
        if (!resolve(name, here)) declare(root, name);
        const binding = resolve(name, here);
        if (!binding) continue;
        if (binding.owner !== here.fn) unstable.add(binding.key);
        for (const loop of inLoops) loops.get(loop)!.add(binding.key);
      }
    };
    switch (node.type) {
      case 'AssignmentExpression':
        assigned(patternNames(node.left));
        break;
      case 'UpdateExpression':
        assigned(patternNames(node.argument));
        break;
      case 'VariableDeclarator':
        if (inLoops.length > 0) assigned(patternNames(node.id));
        break;
      default:
        break;
    }
    let nextLoops = inLoops;
    if (LOOPS.has(node.type)) {
      loops.set(node, new Set());
      nextLoops = [...inLoops, node];
      if (node.type === 'ForInStatement' || node.type === 'ForOfStatement')
        assigned(
          patternNames(node.left.type === 'VariableDeclaration' ? node.left.declarations[0]?.id : node.left),
        );
    }
    for (const child of children(node)) assignments(child, here, nextLoops);
  };
  for (const statement of program.body) assignments(statement, root, []);
  return { scopes, unstable, loops };
}
