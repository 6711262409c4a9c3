// JS/TS extraction of classes: the class symbol, its hierarchy, methods, accessors and typed fields.
import type { ClassDeclaration, ClassExpression, ClassMethod, Node } from '@babel/types';
import { annotationShape, heritageShape, keyName } from './annotations.js';
import { boundValue } from './extract-bindings.js';
import {
  computedName,
  declareTypeParameters,
  functionSymbol,
  inlineFunction,
} from './extract-declarations.js';
import { expr } from './extract-expressions.js';
import { type ExtractState, positionOf } from './extract-state.js';
import { statements } from './extract.js';
import type { ClassFact, MemberFact, Shape } from './facts.js';
import { Scope } from './scopes.js';

type ClassNode = ClassDeclaration | ClassExpression;

/** Records a class: its symbol, hierarchy, members (each method a symbol) and field types. */
export function classNode(st: ExtractState, node: ClassNode, name: string): Shape {
  const at = positionOf(node);
  const classSymbol = st.addSymbol({
    n: name,
    k: 'class',
    l: at.line,
    c: at.column,
    el: node.loc?.end.line ?? at.line,
    no: positionOf(node.id ?? node).offset,
  });
  const c = st.cls.length;
  const fact: ClassFact = { n: name, s: classSymbol, no: positionOf(node.id ?? node).offset, mem: [] };
  st.cls.push(fact);
  st.classOf.set(node, c);
  for (const decorator of node.decorators ?? []) expr(st, decorator.expression);
  if (node.superClass) fact.sup = expr(st, node.superClass);
  if (node.implements && node.implements.length > 0) {
    const impl: Shape[] = [];
    for (const item of node.implements)
      if (item.type === 'TSClassImplements') impl.push(heritageShape(item.expression, st));
    if (impl.length > 0) fact.impl = impl;
  }
  if (node.type === 'ClassDeclaration' && node.abstract) fact.abs = true;
  st.nested(() => {
    st.scope = new Scope(st.scope, false);
    if (node.typeParameters?.type === 'TSTypeParameterDeclaration')
      declareTypeParameters(st, node.typeParameters);
    st.classIndex = c;
    st.prefix = `${st.sym[classSymbol]!.q}.`;
    classMembers(st, node, fact, c, classSymbol);
  });
  return { k: 'cls', c };
}

function classMembers(
  st: ExtractState,
  node: ClassNode,
  fact: ClassFact,
  c: number,
  classSymbol: number,
): void {
  const instance: Shape = { k: 'this', c };
  const statics: Shape = { k: 'cls', c };
  // The constructor's symbol exists before field initialisers are read: their calls run in it.
  const ctorNode = node.body.body.find(
    (member): member is ClassMethod => member.type === 'ClassMethod' && member.kind === 'constructor',
  );
  const ordered = ctorNode
    ? [ctorNode, ...node.body.body.filter((member) => member !== ctorNode)]
    : node.body.body;
  for (const member of ordered) {
    if (member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod') {
      for (const decorator of member.decorators ?? []) expr(st, decorator.expression);
      const name = member.computed ? undefined : keyName(member.key);
      if (member.computed) expr(st, member.key);
      const thisShape = member.static ? statics : instance;
      if (name === undefined) {
        // `[Symbol.iterator]() {}`: named `Class[Symbol.iterator]`, as TypeScript shows it.
        const shown = computedName(member.key);
        st.nested(() => {
          st.thisShape = thisShape;
          inlineFunction(st, member, {
            name: shown,
            qualified: `${st.sym[classSymbol]!.q}${shown}`,
            kind: 'method',
          });
        });
        continue;
      }
      const kind =
        member.kind === 'constructor'
          ? 'constructor'
          : member.kind === 'get'
            ? 'getter'
            : member.kind === 'set'
              ? 'setter'
              : 'method';
      const s = functionSymbol(st, member, { name, kind, declNode: member, nameNode: member.key, thisShape });
      if (member === ctorNode) {
        fact.ctor = s;
        for (const param of member.params)
          if (param.type === 'TSParameterProperty') parameterProperty(st, fact, param);
        continue;
      }
      const memberKind = member.kind === 'get' ? 'get' : member.kind === 'set' ? 'set' : 'm';
      fact.mem.push(memberFact(name, memberKind, member.static, { s }));
    } else if (member.type === 'TSDeclareMethod') {
      const name = member.computed ? undefined : keyName(member.key);
      if (name === undefined || member.kind === 'constructor') continue;
      const t = annotationShape(
        member.returnType?.type === 'TSTypeAnnotation' ? member.returnType : null,
        st,
      );
      fact.mem.push(memberFact(name, 'abs', member.static, t ? { t } : {}));
    } else if (
      member.type === 'ClassProperty' ||
      member.type === 'ClassPrivateProperty' ||
      member.type === 'ClassAccessorProperty'
    ) {
      classField(st, member, fact, { classSymbol, instance, statics });
    } else if (member.type === 'StaticBlock') {
      st.nested(() => {
        st.owner = classSymbol;
        st.thisShape = statics;
        st.inBlock(() => statements(st, member.body));
      });
    }
  }
}

function memberFact(
  name: string,
  kind: MemberFact['k'],
  isStatic: boolean | null | undefined,
  rest: Partial<MemberFact>,
): MemberFact {
  const fact: MemberFact = { n: name, k: kind, ...rest };
  if (isStatic) fact.st = true;
  return fact;
}

function parameterProperty(st: ExtractState, fact: ClassFact, param: Node): void {
  if (param.type !== 'TSParameterProperty') return;
  const inner = param.parameter;
  const id = inner.type === 'AssignmentPattern' ? inner.left : inner;
  if (id.type !== 'Identifier') return;
  const t = annotationShape(id.typeAnnotation, st);
  fact.mem.push(memberFact(id.name, 'f', false, t ? { t } : {}));
}

function classField(
  st: ExtractState,
  member: Extract<
    ClassNode['body']['body'][number],
    { type: 'ClassProperty' | 'ClassPrivateProperty' | 'ClassAccessorProperty' }
  >,
  fact: ClassFact,
  context: { classSymbol: number; instance: Shape; statics: Shape },
): void {
  for (const decorator of member.decorators ?? []) expr(st, decorator.expression);
  const computed = 'computed' in member && member.computed;
  const name = computed ? undefined : keyName(member.key);
  if (computed) expr(st, member.key);
  const value = member.value;
  const thisShape = member.static ? context.statics : context.instance;
  if (
    name !== undefined &&
    value &&
    (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression')
  ) {
    const s = st.nested(() => {
      st.thisShape = thisShape;
      return functionSymbol(st, value, {
        name,
        kind: 'field_function',
        declNode: member,
        nameNode: member.key,
      });
    });
    fact.mem.push(memberFact(name, 'm', member.static, { s }));
    return;
  }
  const t = 'typeAnnotation' in member ? annotationShape(member.typeAnnotation, st) : undefined;
  let shape: Shape | undefined;
  if (value) {
    // Instance initialisers run inside the constructor; static ones when the class is defined.
    shape = st.nested(() => {
      st.owner = member.static || fact.ctor === undefined ? context.classSymbol : fact.ctor;
      st.thisShape = thisShape;
      return name === undefined ? expr(st, value) : boundValue(st, value, name);
    });
  }
  if (name === undefined) return;
  fact.mem.push(
    memberFact(name, 'f', member.static, { ...(t ? { t } : {}), ...(shape ? { v: [shape] } : {}) }),
  );
}
