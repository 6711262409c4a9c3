// Java extraction (code intelligence): one cursor walk of a file's tree into its package, imports, types with
// their fields and supertypes, methods and constructors, typed locals and calls.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../model.js';
import { withTree } from '../runtime.js';
import { argumentCount, LineText, spanOf, walkTree } from '../syntax.js';
import type { JavaFacts, JCall, JExpr, JField, JLocal, JMethod, JType, JTypeDecl } from './facts.js';

const otherType: JType = { k: 'other' };
const otherExpr: JExpr = { k: 'other' };

export function typeOf(node: Node | null): JType {
  if (!node) return otherType;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return { k: 'named', name: node.text };
    case 'scoped_type_identifier':
    case 'scoped_identifier':
      return { k: 'named', name: node.text.replace(/<[^>]*>|\s+/g, '') };
    case 'generic_type':
      return typeOf(node.firstNamedChild);
    case 'array_type':
      return { k: 'array', of: typeOf(node.childForFieldName('element')) };
    case 'annotated_type':
      return typeOf(node.lastNamedChild);
    default:
      return otherType;
  }
}

export function exprOf(node: Node | null): JExpr {
  if (!node) return otherExpr;
  switch (node.type) {
    case 'identifier':
      return { k: 'name', name: node.text };
    case 'field_access': {
      const field = node.childForFieldName('field')?.text;
      return field ? { k: 'field', of: exprOf(node.childForFieldName('object')), name: field } : otherExpr;
    }
    case 'method_invocation': {
      const name = node.childForFieldName('name')?.text;
      if (!name) return otherExpr;
      const object = node.childForFieldName('object');
      const argc = argumentCount(node.childForFieldName('arguments'));
      return object ? { k: 'invoke', of: exprOf(object), name, argc } : { k: 'invoke', name, argc };
    }
    case 'object_creation_expression':
      return {
        k: 'new',
        type: typeOf(node.childForFieldName('type')),
        argc: argumentCount(node.childForFieldName('arguments')),
      };
    case 'explicit_constructor_invocation': {
      const which = node.childForFieldName('constructor')?.type === 'super' ? 'super' : 'this';
      return { k: 'ctor', which, argc: argumentCount(node.childForFieldName('arguments')) };
    }
    case 'this':
      return { k: 'this' };
    case 'super':
      return { k: 'super' };
    case 'cast_expression':
      return { k: 'cast', type: typeOf(node.childForFieldName('type')) };
    case 'parenthesized_expression':
      return exprOf(node.firstNamedChild);
    case 'method_reference': {
      const [target, method] = node.namedChildren;
      if (!target) return otherExpr;
      const of =
        target.type === 'type_identifier' || target.type === 'scoped_type_identifier'
          ? ({ k: 'name', name: target.text } as const)
          : exprOf(target);
      return { k: 'mref', of, name: method?.type === 'identifier' ? method.text : 'new' };
    }
    default:
      return otherExpr;
  }
}

function hasModifier(node: Node, word: string): boolean {
  const modifiers = node.namedChildren.find((c) => c?.type === 'modifiers');
  return modifiers ? modifiers.text.split(/\s+/).includes(word) : false;
}

function typesIn(node: Node | null | undefined): JType[] {
  if (!node) return [];
  const list = node.namedChildren.find((c) => c?.type === 'type_list');
  return (list ?? node).namedChildren.flatMap((c) => (c ? [typeOf(c)] : [])).filter((t) => t.k !== 'other');
}

function paramsOf(node: Node | null): { params: JField[]; varargs: boolean } {
  const params: JField[] = [];
  let varargs = false;
  for (const p of node?.namedChildren ?? []) {
    if (p?.type === 'formal_parameter') {
      const name = p.childForFieldName('name')?.text;
      if (name) params.push({ name, type: typeOf(p.childForFieldName('type')) });
    } else if (p?.type === 'spread_parameter') {
      varargs = true;
      const type = typeOf(
        p.namedChildren.find((c) => c?.type !== 'modifiers' && c?.type !== 'variable_declarator') ?? null,
      );
      const name = p.namedChildren
        .find((c) => c?.type === 'variable_declarator')
        ?.childForFieldName('name')?.text;
      params.push({ name: name ?? '', type: { k: 'array', of: type } });
    }
  }
  return { params, varargs };
}

const typeKinds: Record<string, JTypeDecl['kind']> = {
  class_declaration: 'class',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
  record_declaration: 'record',
  annotation_type_declaration: 'annotation',
};

function typeDeclOf(node: Node, parent: number, parentQn: string | undefined): JTypeDecl | undefined {
  const name = node.childForFieldName('name')?.text;
  const kind = typeKinds[node.type];
  if (!name || !kind) return undefined;
  const span = spanOf(node);
  const fields: JField[] = [];
  const body = node.childForFieldName('body');
  const members = body?.namedChildren.flatMap((c) =>
    c?.type === 'enum_body_declarations' ? c.namedChildren : [c],
  );
  for (const member of members ?? []) {
    if (member?.type !== 'field_declaration' && member?.type !== 'constant_declaration') continue;
    const type = typeOf(member.childForFieldName('type'));
    const isStatic =
      member.type === 'constant_declaration' || kind === 'interface' || hasModifier(member, 'static');
    for (const d of member.childrenForFieldName('declarator')) {
      const fieldName = d.childForFieldName('name')?.text;
      if (fieldName)
        fields.push(isStatic ? { name: fieldName, type, static: true } : { name: fieldName, type });
    }
  }
  if (kind === 'record') fields.push(...paramsOf(node.childForFieldName('parameters')).params);
  const superclass = node.childForFieldName('superclass');
  const interfaces = node.childForFieldName('interfaces');
  const extendsInterfaces = node.namedChildren.find((c) => c?.type === 'extends_interfaces');
  return {
    name,
    qn: parentQn ? `${parentQn}.${name}` : name,
    kind,
    parent,
    extends: kind === 'interface' ? typesIn(extendsInterfaces) : typesIn(superclass),
    implements: typesIn(interfaces),
    fields,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
  };
}

/** Extracts the facts of one Java file. */
export function extractJava(file: SourceFile): JavaFacts {
  const lines = new LineText(file.text);
  let pkg = '';
  const imports: Array<{ name: string; static?: true; wildcard?: true }> = [];
  const types: JTypeDecl[] = [];
  const methods: JMethod[] = [];
  const locals: JLocal[] = [];
  const calls: JCall[] = [];
  // [depth, index] stacks for enclosing types and methods; bodies of anonymous classes by depth.
  const typeStack: Array<[number, number]> = [];
  const methodStack: Array<[number, number]> = [];
  const anonymous: number[] = [];
  const currentType = () => typeStack[typeStack.length - 1]?.[1] ?? -1;
  const currentMethod = () => methodStack[methodStack.length - 1]?.[1] ?? -1;
  const inAnonymousBody = () =>
    (anonymous[anonymous.length - 1] ?? -1) > (typeStack[typeStack.length - 1]?.[0] ?? -1);
  let lineCount = 0;

  const addLocal = (name: string | undefined, typeNode: Node | null, valueNode: Node | null) => {
    const method = currentMethod();
    if (!name || method < 0) return;
    const type = typeOf(typeNode);
    if (type.k === 'named' && type.name === 'var') {
      const value = exprOf(valueNode);
      if (value.k !== 'other') locals.push({ method, name, value });
    } else locals.push({ method, name, type });
  };

  withTree('java', file.text, (tree) => {
    lineCount = tree.rootNode.endPosition.row + 1;
    walkTree(
      tree,
      (cursor, depth) => {
        const nodeType = cursor.nodeType;
        switch (nodeType) {
          case 'package_declaration':
            pkg = cursor.currentNode.namedChildren.find((c) => c?.type !== 'annotation')?.text ?? '';
            return false;
          case 'import_declaration': {
            const node = cursor.currentNode;
            const name = node.namedChildren.find(
              (c) => c?.type === 'scoped_identifier' || c?.type === 'identifier',
            )?.text;
            if (!name) return false;
            const isStatic = node.children.some((c) => c?.type === 'static');
            const wildcard = node.namedChildren.some((c) => c?.type === 'asterisk');
            imports.push({
              name,
              ...(isStatic ? { static: true as const } : {}),
              ...(wildcard ? { wildcard: true as const } : {}),
            });
            return false;
          }
          case 'class_declaration':
          case 'interface_declaration':
          case 'enum_declaration':
          case 'record_declaration':
          case 'annotation_type_declaration': {
            const parent = currentType();
            const decl = typeDeclOf(cursor.currentNode, parent, types[parent]?.qn);
            if (!decl) return false;
            types.push(decl);
            typeStack.push([depth, types.length - 1]);
            // A local class's methods are its own, not the enclosing method's.
            methodStack.push([depth, -1]);
            return true;
          }
          case 'class_body':
            if (
              cursor.currentFieldName === 'body' &&
              cursor.currentNode.parent?.type === 'object_creation_expression'
            ) {
              anonymous.push(depth);
            }
            return true;
          case 'method_declaration':
          case 'constructor_declaration': {
            if (inAnonymousBody() || currentType() < 0) return true;
            const node = cursor.currentNode;
            const name = node.childForFieldName('name')?.text;
            if (!name) return true;
            const { params, varargs } = paramsOf(node.childForFieldName('parameters'));
            const span = spanOf(node);
            const isCtor = nodeType === 'constructor_declaration';
            const ret = isCtor ? undefined : typeOf(node.childForFieldName('type'));
            methods.push({
              type: currentType(),
              name,
              params,
              line: span.line,
              column: span.column,
              endLine: span.endLine,
              ...(isCtor ? { ctor: true as const } : {}),
              ...(varargs ? { varargs: true as const } : {}),
              ...(ret && ret.k !== 'other' ? { ret } : {}),
              ...(hasModifier(node, 'static') ? { static: true as const } : {}),
              ...(node.childForFieldName('body') ? {} : { abstract: true as const }),
            });
            const index = methods.length - 1;
            methodStack.push([depth, index]);
            for (const p of params) locals.push({ method: index, name: p.name, type: p.type });
            return true;
          }
          case 'local_variable_declaration': {
            const node = cursor.currentNode;
            const typeNode = node.childForFieldName('type');
            for (const d of node.childrenForFieldName('declarator')) {
              addLocal(d.childForFieldName('name')?.text, typeNode, d.childForFieldName('value'));
            }
            return true;
          }
          case 'enhanced_for_statement':
          case 'resource':
          case 'catch_formal_parameter': {
            const node = cursor.currentNode;
            const typeNode =
              node.childForFieldName('type') ??
              node.namedChildren.find((c) => c?.type === 'catch_type') ??
              null;
            addLocal(node.childForFieldName('name')?.text, typeNode, node.childForFieldName('value'));
            return true;
          }
          case 'lambda_expression': {
            // Recorded even untyped: the parameter shadows fields, and its type stays unknown rather than external.
            const method = currentMethod();
            const params = cursor.currentNode.childForFieldName('parameters');
            if (method < 0 || !params) return true;
            if (params.type === 'identifier') locals.push({ method, name: params.text });
            for (const p of params.namedChildren) {
              if (p?.type === 'identifier') locals.push({ method, name: p.text });
              else if (p?.type === 'formal_parameter') {
                const name = p.childForFieldName('name')?.text;
                if (name) locals.push({ method, name, type: typeOf(p.childForFieldName('type')) });
              }
            }
            return true;
          }
          case 'method_invocation':
          case 'object_creation_expression':
          case 'explicit_constructor_invocation':
          case 'method_reference': {
            const node = cursor.currentNode;
            const at = nodeType === 'method_invocation' ? (node.childForFieldName('name') ?? node) : node;
            const { line, column } = spanOf(at);
            const call = exprOf(node);
            if (call.k !== 'other' && currentType() >= 0) {
              calls.push({
                method: currentMethod(),
                type: currentType(),
                call,
                line,
                column,
                text: lines.at(line),
              });
            }
            return true;
          }
          case 'line_comment':
          case 'block_comment':
          case 'string_literal':
          case 'decimal_integer_literal':
            return false;
          default:
            return true;
        }
      },
      (depth) => {
        if (typeStack[typeStack.length - 1]?.[0] === depth) typeStack.pop();
        if (methodStack[methodStack.length - 1]?.[0] === depth) methodStack.pop();
        if (anonymous[anonymous.length - 1] === depth) anonymous.pop();
      },
    );
  });
  return { pkg, lines: lineCount, imports, types, methods, locals, calls };
}
