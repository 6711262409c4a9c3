// Go extraction (code intelligence): one cursor walk of a file's tree into its package, imports, types,
// functions and methods, typed variables and calls.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../model.js';
import { withTree } from '../runtime.js';
import { LineText, spanOf, walkTree } from '../syntax.js';
import type {
  GoCall,
  GoExpr,
  GoFacts,
  GoFunc,
  GoMethodSpec,
  GoParam,
  GoType,
  GoTypeDecl,
  GoVar,
} from './facts.js';

const otherType: GoType = { k: 'other' };
const otherExpr: GoExpr = { k: 'other' };

export function typeOf(node: Node | null): GoType {
  if (!node) return otherType;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return { k: 'named', name: node.text };
    case 'qualified_type': {
      const pkg = node.childForFieldName('package')?.text;
      const name = node.childForFieldName('name')?.text;
      return pkg && name ? { k: 'named', pkg, name } : otherType;
    }
    case 'selector_expression': {
      const pkg = node.childForFieldName('operand');
      const name = node.childForFieldName('field')?.text;
      return pkg?.type === 'identifier' && name ? { k: 'named', pkg: pkg.text, name } : otherType;
    }
    case 'pointer_type':
    case 'parenthesized_type':
      return typeOf(node.firstNamedChild);
    case 'generic_type':
      return typeOf(node.childForFieldName('type'));
    case 'slice_type':
    case 'array_type':
    case 'implicit_length_array_type':
      return { k: 'slice', of: typeOf(node.childForFieldName('element')) };
    case 'channel_type':
      return { k: 'slice', of: typeOf(node.childForFieldName('value')) };
    case 'map_type':
      return {
        k: 'map',
        key: typeOf(node.childForFieldName('key')),
        of: typeOf(node.childForFieldName('value')),
      };
    default:
      return otherType;
  }
}

export function exprOf(node: Node | null): GoExpr {
  if (!node) return otherExpr;
  switch (node.type) {
    case 'identifier':
      return { k: 'name', name: node.text };
    case 'selector_expression': {
      const field = node.childForFieldName('field')?.text;
      return field ? { k: 'sel', of: exprOf(node.childForFieldName('operand')), name: field } : otherExpr;
    }
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'identifier' && (fn.text === 'new' || fn.text === 'make')) {
        return { k: 'typed', type: typeOf(node.childForFieldName('arguments')?.firstNamedChild ?? null) };
      }
      return { k: 'call', fn: exprOf(fn) };
    }
    case 'composite_literal':
      return { k: 'typed', type: typeOf(node.childForFieldName('type')) };
    case 'type_assertion_expression':
      return { k: 'typed', type: typeOf(node.childForFieldName('type')) };
    case 'unary_expression':
      return node.childForFieldName('operator')?.text === '&' || node.child(0)?.text === '&'
        ? exprOf(node.childForFieldName('operand'))
        : otherExpr;
    case 'parenthesized_expression':
      return exprOf(node.firstNamedChild);
    case 'index_expression':
      return { k: 'index', of: exprOf(node.childForFieldName('operand')) };
    default:
      return otherExpr;
  }
}

function paramsOf(list: Node | null): { params: GoParam[]; arity: number } {
  const params: GoParam[] = [];
  let arity = 0;
  if (!list) return { params, arity };
  for (const p of list.namedChildren) {
    if (p?.type !== 'parameter_declaration' && p?.type !== 'variadic_parameter_declaration') continue;
    const type = typeOf(p.childForFieldName('type'));
    const names = p.childrenForFieldName('name');
    if (names.length === 0) {
      params.push({ type: p.type === 'variadic_parameter_declaration' ? { k: 'slice', of: type } : type });
      arity++;
    }
    for (const n of names) {
      params.push({
        name: n.text,
        type: p.type === 'variadic_parameter_declaration' ? { k: 'slice', of: type } : type,
      });
      arity++;
    }
  }
  return { params, arity };
}

function resultsOf(node: Node | null): GoParam[] {
  if (!node) return [];
  return node.type === 'parameter_list' ? paramsOf(node).params : [{ type: typeOf(node) }];
}

function typeDeclOf(spec: Node): GoTypeDecl | undefined {
  const name = spec.childForFieldName('name')?.text;
  const typeNode = spec.childForFieldName('type');
  if (!name || !typeNode) return undefined;
  const span = spanOf(spec);
  const base = { name, line: span.line, column: span.column, endLine: span.endLine };
  if (typeNode.type === 'struct_type') {
    const fields: GoParam[] = [];
    for (const list of typeNode.namedChildren) {
      for (const f of list?.type === 'field_declaration_list' ? list.namedChildren : []) {
        if (f?.type !== 'field_declaration') continue;
        const type = typeOf(f.childForFieldName('type'));
        const names = f.childrenForFieldName('name');
        if (names.length === 0) fields.push({ type });
        for (const n of names) fields.push({ name: n.text, type });
      }
    }
    return { ...base, kind: 'struct', fields };
  }
  if (typeNode.type === 'interface_type') {
    const methods: GoMethodSpec[] = [];
    const embeds: GoType[] = [];
    for (const m of typeNode.namedChildren) {
      if (m?.type === 'method_elem') {
        const mName = m.childForFieldName('name')?.text;
        if (!mName) continue;
        const at = spanOf(m);
        const { params, arity } = paramsOf(m.childForFieldName('parameters'));
        methods.push({
          name: mName,
          arity,
          params: params.map((p) => p.type),
          results: resultsOf(m.childForFieldName('result')).map((r) => r.type),
          line: at.line,
          column: at.column,
        });
      } else if (m?.type === 'type_elem') embeds.push(typeOf(m.firstNamedChild));
    }
    return { ...base, kind: 'interface', methods, embeds };
  }
  return { ...base, kind: 'other', underlying: typeOf(typeNode) };
}

function recordVars(names: readonly (Node | null)[], right: Node | null, scope: number, out: GoVar[]): void {
  const values = right?.namedChildren ?? [];
  const single = values.length === 1 && names.length > 1 ? values[0] : undefined;
  names.forEach((n, i) => {
    if (n?.type !== 'identifier' || n.text === '_') return;
    let value: GoExpr = otherExpr;
    if (single?.type === 'call_expression') {
      const call = exprOf(single);
      value = call.k === 'call' ? { ...call, i } : call;
    } else if (single?.type === 'type_assertion_expression' || single?.type === 'index_expression') {
      value = i === 0 ? exprOf(single) : otherExpr;
    } else if (!single) value = exprOf(values[i] ?? null);
    if (value.k !== 'other') out.push({ scope, name: n.text, value });
  });
}

/** Extracts the facts of one Go file. */
export function extractGo(file: SourceFile): GoFacts {
  const lines = new LineText(file.text);
  let pkg = '';
  const imports: Array<{ path: string; alias?: string }> = [];
  const types: GoTypeDecl[] = [];
  const funcs: GoFunc[] = [];
  const vars: GoVar[] = [];
  const calls: GoCall[] = [];
  const callbacks: GoCall[] = [];
  let scope = -1;
  let scopeDepth = -1;
  let lineCount = 0;

  withTree('go', file.text, (tree) => {
    lineCount = tree.rootNode.endPosition.row + 1;
    walkTree(
      tree,
      (cursor, depth) => {
        switch (cursor.nodeType) {
          case 'package_clause':
            pkg = cursor.currentNode.firstNamedChild?.text ?? '';
            return false;
          case 'import_spec': {
            const node = cursor.currentNode;
            const path = node.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
            const alias = node.childForFieldName('name')?.text;
            imports.push(alias ? { path, alias } : { path });
            return false;
          }
          case 'type_spec': {
            const decl = typeDeclOf(cursor.currentNode);
            if (decl) types.push(decl);
            return false;
          }
          case 'function_declaration':
          case 'method_declaration': {
            const node = cursor.currentNode;
            const name = node.childForFieldName('name')?.text;
            if (!name) return false;
            const span = spanOf(node);
            const func: GoFunc = {
              name,
              params: paramsOf(node.childForFieldName('parameters')).params,
              results: resultsOf(node.childForFieldName('result')),
              line: span.line,
              column: span.column,
              endLine: span.endLine,
            };
            const receiver = node
              .childForFieldName('receiver')
              ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
            if (receiver) {
              const recvType = typeOf(receiver.childForFieldName('type'));
              const recvName = receiver.childForFieldName('name')?.text;
              if (recvType.k === 'named') {
                funcs.push({ ...func, recv: recvType.name, ...(recvName ? { recvName } : {}) });
              } else funcs.push(func);
            } else funcs.push(func);
            scope = funcs.length - 1;
            scopeDepth = depth;
            return true;
          }
          case 'func_literal': {
            for (const p of paramsOf(cursor.currentNode.childForFieldName('parameters')).params) {
              if (p.name) vars.push({ scope, name: p.name, value: { k: 'typed', type: p.type } });
            }
            return true;
          }
          case 'short_var_declaration':
          case 'assignment_statement': {
            const node = cursor.currentNode;
            recordVars(
              node.childForFieldName('left')?.namedChildren ?? [],
              node.childForFieldName('right'),
              scope,
              vars,
            );
            return true;
          }
          case 'var_spec': {
            const node = cursor.currentNode;
            const typeNode = node.childForFieldName('type');
            if (typeNode) {
              const type = typeOf(typeNode);
              for (const n of node.childrenForFieldName('name')) vars.push({ scope, name: n.text, type });
            } else
              recordVars(node.childrenForFieldName('name'), node.childForFieldName('value'), scope, vars);
            return true;
          }
          case 'range_clause': {
            const node = cursor.currentNode;
            const of = exprOf(node.childForFieldName('right'));
            (node.childForFieldName('left')?.namedChildren ?? []).forEach((n, i) => {
              if (n?.type === 'identifier' && n.text !== '_')
                vars.push({ scope, name: n.text, value: { k: 'range', of, i } });
            });
            return true;
          }
          case 'call_expression': {
            const node = cursor.currentNode;
            const fnNode = node.childForFieldName('function');
            const at =
              fnNode?.type === 'selector_expression'
                ? (fnNode.childForFieldName('field') ?? fnNode)
                : (fnNode ?? node);
            const { line, column } = spanOf(at);
            let argc = 0;
            for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) {
              if (!arg || arg.type === 'comment') continue;
              argc++;
              if (arg.type !== 'identifier' && arg.type !== 'selector_expression') continue;
              const at = spanOf(arg);
              callbacks.push({
                scope,
                fn: exprOf(arg),
                argc: 0,
                line: at.line,
                column: at.column,
                text: lines.at(at.line),
              });
            }
            calls.push({ scope, fn: exprOf(fnNode), argc, line, column, text: lines.at(line) });
            return true;
          }
          case 'comment':
          case 'interpreted_string_literal':
          case 'raw_string_literal':
          case 'int_literal':
          case 'const_declaration':
            return false;
          default:
            return true;
        }
      },
      (depth) => {
        if (depth === scopeDepth) {
          scope = -1;
          scopeDepth = -1;
        }
      },
    );
  });
  return { pkg, lines: lineCount, imports, types, funcs, vars, calls, callbacks };
}
