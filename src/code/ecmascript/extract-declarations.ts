// JS/TS extraction of declarations: functions, object literals, variables, interfaces and namespaces.
import type {
  ArrowFunctionExpression,
  ClassMethod,
  ClassPrivateMethod,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  ObjectExpression,
  ObjectMethod,
  TSInterfaceDeclaration,
  TSModuleDeclaration,
  TSTypeParameterDeclaration,
  VariableDeclaration,
} from '@babel/types';
import { annotationShape, heritageShape, keyName, typeShape } from './annotations.js';
import { bindPattern, boundValue, untypedParameter } from './extract-bindings.js';
import { expr } from './extract-expressions.js';
import { type ExtractState, positionOf } from './extract-state.js';
import { statements, visit } from './extract.js';
import type { InterfaceFact, Shape, SymbolFact } from './facts.js';
import { addTypeMeaning, addValue, Scope } from './scopes.js';

type FunctionNode =
  | FunctionDeclaration
  | FunctionExpression
  | ArrowFunctionExpression
  | ClassMethod
  | ClassPrivateMethod
  | ObjectMethod;

export interface FunctionSymbolOptions {
  name: string;
  kind: SymbolFact['k'];
  /** Where the symbol is reported (a declarator, a property, the function itself). */
  declNode: Node;
  /** The token naming it (mapped back from the type checker's declarations). */
  nameNode: Node;
  qualified?: string;
  /** What `this` means inside (ignored for arrows, whose `this` is the enclosing one). */
  thisShape?: Shape;
}

/** Records a named function as a symbol and walks its body as that symbol. Returns the symbol index. */
export function functionSymbol(st: ExtractState, node: FunctionNode, options: FunctionSymbolOptions): number {
  const at = positionOf(options.declNode);
  const s = st.addSymbol({
    n: options.name,
    k: options.kind,
    l: at.line,
    c: at.column,
    el: node.loc?.end.line ?? at.line,
    no: positionOf(options.nameNode).offset,
    ...(options.qualified !== undefined ? { q: options.qualified } : {}),
  });
  const symbol = st.sym[s]!;
  st.fnSymbols.set(node, s);
  st.nested(() => {
    st.owner = s;
    st.bindingName = undefined;
    st.prefix = `${symbol.q}.`;
    if (node.type !== 'ArrowFunctionExpression') st.thisShape = options.thisShape ?? { k: 'this', s };
    const returns: Shape[] = [];
    const contextual = st.contextual;
    st.contextual = false;
    const returnType = functionBody(st, node, returns, contextual);
    if (returnType) symbol.rt = returnType;
    if (returns.length > 0) symbol.r = returns;
  });
  return s;
}

/**
 * A function nobody names where it is defined: a callback passed inline, a computed-key method. Its parameters are
 * typed by context (unknown here). Named by what `named` says (a computed key), else by its own name. An anonymous
 * arrow shares its container's `this` and `arguments`: it is part of the function that writes it (`in`), its calls
 * are that function's calls, as an editor's call hierarchy shows them, and no edge goes into it. An anonymous
 * `function` is a function of its own, named after the binding whose initialiser passes it to a call
 * (`const handler = debounce(function () {...})` is `handler`), else `<function>`.
 */
export function inlineFunction(
  st: ExtractState,
  node: FunctionNode,
  named?: { name: string; qualified: string; kind: SymbolFact['k'] },
): number {
  const own = node.type === 'FunctionExpression' ? node.id?.name : undefined;
  const arrow = node.type === 'ArrowFunctionExpression';
  const name = named?.name ?? own ?? (arrow ? '<arrow>' : (st.bindingName ?? '<function>'));
  const kind = named?.kind ?? (arrow ? 'arrow' : 'function_expression');
  const container = arrow && !named ? st.owner : undefined;
  return st.nested(() => {
    st.contextual = true;
    const s = functionSymbol(st, node, {
      name,
      kind,
      declNode: node,
      nameNode: node,
      ...(named ? { qualified: named.qualified } : {}),
      ...(arrow ? {} : { thisShape: { k: 'q' } as Shape }),
    });
    if (container !== undefined) st.sym[s]!.in = container;
    return s;
  });
}

export function declareTypeParameters(
  st: ExtractState,
  params: TSTypeParameterDeclaration | null | undefined,
) {
  for (const param of params?.params ?? []) st.table.declare(st.scope, param.name.name, 'typeparam');
}

/** Walks parameters and body in a new function scope; returns the declared return type. */
function functionBody(
  st: ExtractState,
  node: FunctionNode,
  returns: Shape[],
  contextual: boolean,
): Shape | undefined {
  st.scope = new Scope(st.scope, true);
  st.returns = returns;
  if (node.typeParameters?.type === 'TSTypeParameterDeclaration')
    declareTypeParameters(st, node.typeParameters);
  for (const param of node.params) {
    const inner = param.type === 'TSParameterProperty' ? param.parameter : param;
    const target = inner.type === 'AssignmentPattern' ? inner.left : inner;
    if (target.type === 'Identifier' && target.name === 'this') continue;
    const declared = annotationShape('typeAnnotation' in target ? target.typeAnnotation : undefined, st);
    if (target.type === 'Identifier') {
      const binding = st.table.declare(st.scope, target.name, 'param');
      if (declared) binding.dt = declared;
      if (inner.type === 'AssignmentPattern') addValue(binding, expr(st, inner.right));
      else if (!declared) {
        const untyped = untypedParameter(st, contextual);
        if (untyped) addValue(binding, untyped);
      }
    } else {
      bindPattern(st, inner, declared ?? untypedParameter(st, contextual), 'param');
    }
  }
  const returnType = annotationShape(
    node.returnType?.type === 'TSTypeAnnotation' ? node.returnType : null,
    st,
  );
  const sealed =
    node.returnType?.type === 'TSTypeAnnotation' ||
    ('kind' in node && (node.kind === 'constructor' || node.kind === 'set'));
  if (st.typescript && sealed && node.body.start != null && node.body.end != null) {
    st.sealedBodies.push([node.body.start, node.body.end]);
  }
  if (node.body.type === 'BlockStatement') statements(st, node.body.body);
  else st.addReturn(expr(st, node.body));
  return returnType;
}

export function functionDeclaration(
  st: ExtractState,
  node: FunctionDeclaration,
  fallbackName: string,
): Shape {
  const name = node.id?.name ?? fallbackName;
  const s = functionSymbol(st, node, { name, kind: 'function', declNode: node, nameNode: node.id ?? node });
  const value: Shape = { k: 'fn', s };
  if (node.id) addValue(st.table.declare(st.scope.functionScope(), name, 'function'), value);
  return value;
}

export function variableDeclaration(st: ExtractState, node: VariableDeclaration): void {
  const kind = node.kind === 'var' ? 'var' : node.kind === 'let' ? 'let' : 'const';
  for (const declarator of node.declarations) {
    const id = declarator.id;
    const init = declarator.init;
    if (id.type === 'Identifier') {
      const scope = kind === 'var' ? st.scope.functionScope() : st.scope;
      const binding = st.table.declare(scope, id.name, kind);
      const declared = annotationShape(id.typeAnnotation, st);
      if (declared) binding.dt = declared;
      if (init) addValue(binding, boundValue(st, init, id.name, { declNode: declarator, nameNode: id }));
    } else {
      const value = init ? expr(st, init) : undefined;
      const declared = 'typeAnnotation' in id ? annotationShape(id.typeAnnotation, st) : undefined;
      bindPattern(st, id, declared ?? value, kind);
    }
  }
}

/**
 * An object literal. Its functions become `name.key` symbols, except in an object passed straight to a call
 * (`inline`): there they are callbacks whose calls belong to the caller.
 */
export function objectLiteral(
  st: ExtractState,
  node: ObjectExpression,
  name: string | undefined,
  inline: boolean,
  /** What `this` is in its methods: the object itself unless told otherwise (a prototype's instances). */
  thisShape?: Shape,
): Shape {
  const o = st.obj.length;
  st.obj.push({ p: [] });
  const fact = st.obj[o]!;
  const object: Shape = { k: 'obj', o };
  const self = thisShape ?? object;
  const qualifiedPrefix = `${st.prefix}${name === undefined ? '' : `${name}.`}`;
  for (const prop of node.properties) {
    if (prop.type === 'SpreadElement') {
      const spread = expr(st, prop.argument);
      if (fact.spr) fact.spr.push(spread);
      else fact.spr = [spread];
      continue;
    }
    if (prop.computed) expr(st, prop.key);
    const key = prop.computed ? undefined : keyName(prop.key);
    if (prop.type === 'ObjectMethod') {
      if (inline || key === undefined) {
        const shown = key ?? computedName(prop.key);
        const s = st.nested(() => {
          st.thisShape = self;
          return inlineFunction(st, prop, {
            name: shown,
            qualified: `${st.prefix}${shown}`,
            kind: 'object_method',
          });
        });
        if (key !== undefined) fact.p.push({ n: key, v: { k: 'fn', s } });
        continue;
      }
      const kind = prop.kind === 'get' ? 'getter' : prop.kind === 'set' ? 'setter' : 'object_method';
      const s = functionSymbol(st, prop, {
        name: key,
        kind,
        declNode: prop,
        nameNode: prop.key,
        qualified: qualifiedPrefix + key,
        thisShape: self,
      });
      fact.p.push({ n: key, v: { k: 'fn', s } });
      continue;
    }
    const value = prop.value;
    let shape: Shape;
    if (prop.shorthand && value.type === 'Identifier') shape = st.reference(value.name);
    else if (key === undefined || inline)
      shape =
        value.type === 'ObjectExpression' ? objectLiteral(st, value, undefined, inline) : expr(st, value);
    else if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') {
      const s = functionSymbol(st, value, {
        name: key,
        kind: 'object_method',
        declNode: prop,
        nameNode: prop.key,
        qualified: qualifiedPrefix + key,
        thisShape: self,
      });
      shape = { k: 'fn', s };
    } else if (value.type === 'ObjectExpression') {
      shape = objectLiteral(st, value, `${name === undefined ? '' : `${name}.`}${key}`, false);
    } else shape = expr(st, value);
    if (key !== undefined) fact.p.push({ n: key, v: shape });
  }
  return object;
}

export function interfaceDeclaration(st: ExtractState, node: TSInterfaceDeclaration): void {
  const i = st.ifc.length;
  const fact: InterfaceFact = { n: node.id.name, no: positionOf(node.id).offset, ext: [], mem: [] };
  st.ifc.push(fact);
  const binding = st.table.declare(st.scope, node.id.name, 'interface');
  addTypeMeaning(binding, { k: 'ifc', i });
  st.nested(() => {
    st.scope = new Scope(st.scope, false);
    declareTypeParameters(st, node.typeParameters);
    for (const heritage of node.extends ?? []) fact.ext.push(heritageShape(heritage.expression, st));
    for (const member of node.body.body) {
      if (member.type === 'TSMethodSignature') {
        const name = member.computed ? undefined : keyName(member.key);
        if (name === undefined) continue;
        const t = annotationShape(member.returnType, st);
        fact.mem.push(t ? { n: name, k: 'm', t } : { n: name, k: 'm' });
      } else if (member.type === 'TSPropertySignature') {
        const name = member.computed ? undefined : keyName(member.key);
        if (name === undefined) continue;
        const type = member.typeAnnotation?.typeAnnotation;
        if (type?.type === 'TSFunctionType') {
          const t = annotationShape(type.returnType, st);
          fact.mem.push(t ? { n: name, k: 'm', t } : { n: name, k: 'm' });
        } else {
          const t = type ? typeShape(type, st) : undefined;
          fact.mem.push(t ? { n: name, k: 'p', t } : { n: name, k: 'p' });
        }
      }
    }
  });
}

/** `namespace N { export function f() {} }`: an object whose members are the namespace's exports. */
export function namespaceDeclaration(st: ExtractState, node: TSModuleDeclaration): void {
  if (node.id.type !== 'Identifier' || node.body.type !== 'TSModuleBlock' || node.declare) return;
  const name = node.id.name;
  const o = st.obj.length;
  st.obj.push({ p: [] });
  addValue(st.table.declare(st.scope, name, 'namespace'), { k: 'obj', o });
  const body = node.body.body;
  st.nested(() => {
    st.scope = new Scope(st.scope, true);
    st.prefix = `${st.prefix}${name}.`;
    const props = st.obj[o]!.p;
    for (const statement of body) {
      if (statement.type === 'ExportNamedDeclaration' && statement.declaration) {
        visit(st, statement.declaration);
        for (const exported of declaredNames(statement.declaration))
          props.push({ n: exported, v: st.reference(exported) });
      } else visit(st, statement);
    }
  });
}

/** How a computed key is shown in a symbol's name: `[Symbol.iterator]`, `[key]`. */
export function computedName(key: Node): string {
  const text =
    key.type === 'MemberExpression' &&
    !key.computed &&
    key.object.type === 'Identifier' &&
    key.property.type === 'Identifier'
      ? `${key.object.name}.${key.property.name}`
      : key.type === 'Identifier'
        ? key.name
        : key.type === 'StringLiteral'
          ? JSON.stringify(key.value)
          : 'computed';
  return `[${text}]`;
}

/** The names a declaration introduces (for `export <declaration>`). */
export function declaredNames(node: Node): string[] {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
      return node.id ? [node.id.name] : [];
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
    case 'TSEnumDeclaration':
      return [node.id.name];
    case 'TSModuleDeclaration':
      return node.id.type === 'Identifier' ? [node.id.name] : [];
    case 'VariableDeclaration':
      return node.declarations.flatMap((declarator) => patternNames(declarator.id));
    default:
      return [];
  }
}

function patternNames(pattern: Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((prop) =>
        patternNames(prop.type === 'RestElement' ? prop.argument : prop.value),
      );
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'RestElement':
      return patternNames(pattern.argument);
    default:
      return [];
  }
}
