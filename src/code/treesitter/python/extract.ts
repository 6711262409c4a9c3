// Python extraction (code intelligence): one cursor walk of a file's tree into definitions, imports,
// assignments and calls, each attributed to the scope that runs it.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../model.js';
import { withTree } from '../runtime.js';
import { LineText, spanOf, walkTree } from '../syntax.js';
import type { PyAssign, PyCall, PyDef, PyExpr, PyFacts, PyImport, PyParam, PyTypeRef } from './facts.js';

const other: PyExpr = { k: 'other' };
const maxReturnValues = 4;

export function exprOf(node: Node | null): PyExpr {
  if (!node) return other;
  switch (node.type) {
    case 'identifier':
      return { k: 'name', name: node.text };
    case 'attribute': {
      const attr = node.childForFieldName('attribute');
      return attr ? { k: 'attr', of: exprOf(node.childForFieldName('object')), name: attr.text } : other;
    }
    case 'call':
      return { k: 'call', fn: exprOf(node.childForFieldName('function')) };
    case 'parenthesized_expression':
    case 'await':
      return exprOf(node.firstNamedChild);
    default:
      return other;
  }
}

const dottedName = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

function exprOfDotted(text: string): PyExpr {
  let expr: PyExpr | undefined;
  for (const part of text.split('.'))
    expr = expr ? { k: 'attr', of: expr, name: part } : { k: 'name', name: part };
  return expr ?? other;
}

const wrappers = new Set(['Optional', 'Union', 'Annotated', 'Final', 'ClassVar', 'Required', 'NotRequired']);

/** The classes an annotation can mean: `X`, `"X"`, `Optional[X]`, `X | None`, `Union[X, Y]`, `type[X]`. */
export function typeRefsOf(node: Node | null, out: PyTypeRef[] = [], cls = false): PyTypeRef[] {
  if (!node || out.length > 4) return out;
  switch (node.type) {
    case 'type':
    case 'type_parameter':
    case 'parenthesized_expression':
      for (const child of node.namedChildren) if (child) typeRefsOf(child, out, cls);
      break;
    case 'identifier':
    case 'attribute': {
      if (node.text === 'None') break;
      const ref = exprOf(node);
      out.push(cls ? { ref, cls: true } : { ref });
      break;
    }
    case 'string': {
      const content = node.text.replace(/^[a-zA-Z]*(['"]{1,3})(.*)\1$/s, '$2').trim();
      if (dottedName.test(content))
        out.push(cls ? { ref: exprOfDotted(content), cls: true } : { ref: exprOfDotted(content) });
      break;
    }
    case 'binary_operator':
      typeRefsOf(node.childForFieldName('left'), out, cls);
      typeRefsOf(node.childForFieldName('right'), out, cls);
      break;
    case 'generic_type':
    case 'subscript': {
      const head = node.type === 'subscript' ? node.childForFieldName('value') : node.firstNamedChild;
      const headName = head?.text.split('.').pop() ?? '';
      if (wrappers.has(headName)) {
        const args =
          node.type === 'subscript' ? node.childrenForFieldName('subscript') : node.namedChildren.slice(1);
        // Annotated[X, meta] means X; the other wrappers mean each of their arguments.
        for (const arg of headName === 'Annotated' ? args.slice(0, 1) : args) typeRefsOf(arg, out, cls);
      } else if (headName === 'type' || headName === 'Type') {
        const args =
          node.type === 'subscript' ? node.childrenForFieldName('subscript') : node.namedChildren.slice(1);
        for (const arg of args) typeRefsOf(arg, out, true);
      }
      break;
    }
    default:
      break;
  }
  return out;
}

function withTypes<T extends object>(base: T, types: PyTypeRef[]): T & { types?: PyTypeRef[] } {
  return types.length > 0 ? { ...base, types } : base;
}

function paramsOf(node: Node | null): PyParam[] {
  const params: PyParam[] = [];
  if (!node) return params;
  for (const p of node.namedChildren) {
    if (!p) continue;
    switch (p.type) {
      case 'identifier':
        params.push({ name: p.text });
        break;
      case 'typed_parameter': {
        const inner = p.firstNamedChild;
        const types = typeRefsOf(p.childForFieldName('type'));
        if (inner?.type === 'identifier') params.push(withTypes({ name: inner.text }, types));
        else if (inner?.type === 'list_splat_pattern' || inner?.type === 'dictionary_splat_pattern') {
          const name = inner.firstNamedChild?.text ?? '';
          params.push({ name, star: inner.type === 'list_splat_pattern' ? 1 : 2 });
        }
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = p.childForFieldName('name')?.text;
        if (!name) break;
        const types = typeRefsOf(p.childForFieldName('type'));
        params.push(withTypes({ name, dflt: exprOf(p.childForFieldName('value')) }, types));
        break;
      }
      case 'list_splat_pattern':
        params.push({ name: p.firstNamedChild?.text ?? '', star: 1 });
        break;
      case 'dictionary_splat_pattern':
        params.push({ name: p.firstNamedChild?.text ?? '', star: 2 });
        break;
      default:
        break;
    }
  }
  return params;
}

function decoratorsOf(def: Node): string[] {
  const parent = def.parent;
  if (parent?.type !== 'decorated_definition') return [];
  const names: string[] = [];
  for (const d of parent.namedChildren) {
    if (d?.type !== 'decorator') continue;
    let e = d.firstNamedChild;
    if (e?.type === 'call') e = e.childForFieldName('function');
    if (e && (e.type === 'identifier' || e.type === 'attribute')) names.push(e.text);
  }
  return names;
}

function importsOf(node: Node, scope: number, out: PyImport[]): void {
  if (node.type === 'import_statement') {
    for (const n of node.childrenForFieldName('name')) {
      if (n.type === 'dotted_name') out.push({ scope, module: n.text, level: 0 });
      else if (n.type === 'aliased_import') {
        const alias = n.childForFieldName('alias')?.text;
        const module = n.childForFieldName('name')?.text ?? '';
        out.push(alias ? { scope, module, level: 0, alias } : { scope, module, level: 0 });
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
  for (const c of node.namedChildren)
    if (c?.type === 'wildcard_import') out.push({ scope, module, level, name: '*' });
  for (const c of node.childrenForFieldName('name')) {
    if (c.type === 'dotted_name') out.push({ scope, module, level, name: c.text });
    else if (c.type === 'aliased_import') {
      const name = c.childForFieldName('name')?.text ?? '';
      const alias = c.childForFieldName('alias')?.text;
      out.push(alias ? { scope, module, level, name, alias } : { scope, module, level, name });
    }
  }
}

/** Extracts the facts of one Python file. */
export function extractPython(file: SourceFile): PyFacts {
  const lines = new LineText(file.text);
  const defs: PyDef[] = [];
  const imports: PyImport[] = [];
  const assigns: PyAssign[] = [];
  const calls: PyCall[] = [];
  const callbacks: PyCall[] = [];
  const returns = new Map<number, PyExpr[]>();
  // Scope stack: [depth of the body node, def index]. The module (-1) is always at the bottom.
  const scopes: Array<[number, number]> = [[-1, -1]];
  // Definitions whose body has not been entered yet, by depth of the definition node.
  const pending = new Map<number, number>();
  const scope = () => (scopes[scopes.length - 1] as [number, number])[1];

  let lineCount = 0;
  withTree('python', file.text, (tree) => {
    lineCount = tree.rootNode.endPosition.row + 1;
    walkTree(
      tree,
      (cursor, depth) => {
        const type = cursor.nodeType;
        switch (type) {
          case 'function_definition':
          case 'class_definition': {
            const node = cursor.currentNode;
            const name = node.childForFieldName('name')?.text;
            if (!name) return true;
            const parent = scope();
            const parentDef = defs[parent];
            const span = spanOf(node.parent?.type === 'decorated_definition' ? node.parent : node);
            const base = {
              name,
              qn: parentDef ? `${parentDef.qn}.${name}` : name,
              parent,
              line: spanOf(node).line,
              column: spanOf(node).column,
              endLine: span.endLine,
            };
            if (type === 'class_definition') {
              const bases: PyExpr[] = [];
              for (const b of node.childForFieldName('superclasses')?.namedChildren ?? []) {
                if (b && b.type !== 'keyword_argument') bases.push(exprOf(b));
              }
              defs.push({ kind: 'class', ...base, bases });
            } else {
              const decorators = decoratorsOf(node);
              const returnTypes = typeRefsOf(node.childForFieldName('return_type'));
              defs.push({
                kind: 'function',
                ...base,
                params: paramsOf(node.childForFieldName('parameters')),
                ...(decorators.length > 0 ? { decorators } : {}),
                ...(returnTypes.length > 0 ? { returns: returnTypes } : {}),
              });
            }
            pending.set(depth, defs.length - 1);
            return true;
          }
          case 'block': {
            const def = pending.get(depth - 1);
            if (def !== undefined && cursor.currentFieldName === 'body') {
              pending.delete(depth - 1);
              scopes.push([depth, def]);
            }
            return true;
          }
          case 'call': {
            const node = cursor.currentNode;
            const fnNode = node.childForFieldName('function');
            const at =
              fnNode?.type === 'attribute'
                ? (fnNode.childForFieldName('attribute') ?? fnNode)
                : (fnNode ?? node);
            const { line, column } = spanOf(at);
            calls.push({ scope: scope(), fn: exprOf(fnNode), line, column, text: lines.at(line) });
            recordCallbacks(node.childForFieldName('arguments'), scope(), lines, callbacks);
            return true;
          }
          case 'assignment': {
            const node = cursor.currentNode;
            recordAssignment(node, scope(), defs, assigns);
            return true;
          }
          case 'with_item': {
            // `with X() as y`: y is what X().__enter__() returns (usually self).
            const pattern = cursor.currentNode.childForFieldName('value');
            const target =
              pattern?.type === 'as_pattern' ? pattern.childForFieldName('alias')?.firstNamedChild : null;
            if (pattern && target?.type === 'identifier') {
              const manager = exprOf(pattern.firstNamedChild);
              if (manager.k !== 'other') {
                const value: PyExpr = { k: 'call', fn: { k: 'attr', of: manager, name: '__enter__' } };
                assigns.push({ scope: scope(), name: target.text, value });
              }
            }
            return true;
          }
          case 'import_statement':
          case 'import_from_statement':
            importsOf(cursor.currentNode, scope(), imports);
            return false;
          case 'return_statement': {
            const s = scope();
            if (s < 0 || defs[s]?.kind !== 'function') return true;
            const list = returns.get(s) ?? [];
            const value = cursor.currentNode.firstNamedChild;
            if (list.length < maxReturnValues && value) {
              list.push(exprOf(value));
              returns.set(s, list);
            }
            return true;
          }
          case 'comment':
          case 'integer':
          case 'float':
          case 'string_content':
            return false;
          default:
            return true;
        }
      },
      (depth) => {
        const top = scopes[scopes.length - 1];
        if (top && top[0] === depth) scopes.pop();
        pending.delete(depth);
      },
    );
  });
  for (const [index, values] of returns) {
    const def = defs[index];
    if (def) defs[index] = { ...def, returnValues: values };
  }
  return { lines: lineCount, defs, imports, assigns, calls, callbacks };
}

/** Names and attributes passed as arguments (`Thread(target=worker)`, `map(self.parse, xs)`). */
function recordCallbacks(args: Node | null, scope: number, lines: LineText, out: PyCall[]): void {
  for (const arg of args?.namedChildren ?? []) {
    const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    if (value?.type !== 'identifier' && value?.type !== 'attribute') continue;
    const { line, column } = spanOf(value);
    out.push({ scope, fn: exprOf(value), line, column, text: lines.at(line) });
  }
}

function recordAssignment(node: Node, scope: number, defs: readonly PyDef[], out: PyAssign[]): void {
  const left = node.childForFieldName('left');
  if (!left) return;
  const right = node.childForFieldName('right');
  const types = typeRefsOf(node.childForFieldName('type'));
  // `a = b = C()`: the right side is itself an assignment whose value both names share.
  let valueNode = right;
  while (valueNode?.type === 'assignment') valueNode = valueNode.childForFieldName('right');
  const value = valueNode ? exprOf(valueNode) : undefined;
  const base = value && value.k !== 'other' ? { value } : {};
  if (left.type === 'identifier') {
    // Recorded even when the value says nothing: an assignment makes the name local to its function.
    out.push(withTypes({ scope, name: left.text, ...base }, types));
    return;
  }
  if (left.type !== 'attribute') return;
  const object = left.childForFieldName('object');
  const attr = left.childForFieldName('attribute')?.text;
  const def = defs[scope];
  const selfName =
    def?.kind === 'function' && defs[def.parent]?.kind === 'class' ? def.params?.[0]?.name : undefined;
  if (!attr || object?.type !== 'identifier' || object.text !== selfName) return;
  out.push(withTypes({ scope, name: attr, ...base, self: true as const }, types));
}
