// JS/TS extraction of module structure: ESM imports/exports, re-exports, and TypeScript's `import =`/`export =`.
import type {
  ExportAllDeclaration,
  ExportDefaultDeclaration,
  ExportNamedDeclaration,
  ImportDeclaration,
  Node,
  TSImportEqualsDeclaration,
} from '@babel/types';
import { entityShape } from './annotations.js';
import { classNode } from './extract-classes.js';
import { declaredNames, functionDeclaration } from './extract-declarations.js';
import { boundValue } from './extract-bindings.js';
import { expr } from './extract-expressions.js';
import type { ExtractState } from './extract-state.js';
import { visit } from './extract.js';
import { addValue } from './scopes.js';

function exportedName(node: Node): string {
  return node.type === 'StringLiteral' ? node.value : node.type === 'Identifier' ? node.name : 'default';
}

function importDeclaration(st: ExtractState, node: ImportDeclaration): void {
  const p = node.source.value;
  st.deps.add(p);
  for (const spec of node.specifiers) {
    const binding = st.table.declare(st.scope, spec.local.name, 'import');
    const n =
      spec.type === 'ImportDefaultSpecifier'
        ? 'default'
        : spec.type === 'ImportNamespaceSpecifier'
          ? '*'
          : exportedName(spec.imported);
    binding.imp = { p, n };
  }
}

function exportNamed(st: ExtractState, node: ExportNamedDeclaration): void {
  if (node.declaration) {
    visit(st, node.declaration);
    for (const name of declaredNames(node.declaration)) st.ex.push({ n: name, v: st.reference(name) });
    return;
  }
  const source = node.source?.value;
  if (source !== undefined) st.deps.add(source);
  for (const spec of node.specifiers) {
    const n = exportedName(spec.exported);
    if (source !== undefined) {
      const i =
        spec.type === 'ExportNamespaceSpecifier'
          ? '*'
          : spec.type === 'ExportDefaultSpecifier'
            ? 'default'
            : exportedName(spec.local);
      st.rx.push({ n, p: source, i });
    } else if (spec.type === 'ExportSpecifier') {
      st.ex.push({ n, v: st.reference(exportedName(spec.local)) });
    }
  }
}

function exportDefault(st: ExtractState, node: ExportDefaultDeclaration): void {
  const declaration = node.declaration;
  if (declaration.type === 'FunctionDeclaration') {
    st.ex.push({ n: 'default', v: functionDeclaration(st, declaration, 'default') });
  } else if (declaration.type === 'ClassDeclaration') {
    const name = declaration.id?.name ?? 'default';
    const value = classNode(st, declaration, name);
    if (declaration.id) addValue(st.table.declare(st.scope, name, 'class'), value);
    st.ex.push({ n: 'default', v: value });
  } else if (declaration.type === 'TSInterfaceDeclaration') {
    visit(st, declaration);
    st.ex.push({ n: 'default', v: st.reference(declaration.id.name) });
  } else if (declaration.type !== 'TSDeclareFunction') {
    st.ex.push({ n: 'default', v: boundValue(st, declaration, 'default', { declNode: node }) });
  }
}

function exportAll(st: ExtractState, node: ExportAllDeclaration): void {
  st.deps.add(node.source.value);
  st.star.push(node.source.value);
}

function importEquals(st: ExtractState, node: TSImportEqualsDeclaration): void {
  const binding = st.table.declare(st.scope, node.id.name, 'import');
  const ref = node.moduleReference;
  if (ref.type === 'TSExternalModuleReference') {
    st.deps.add(ref.expression.value);
    addValue(binding, { k: 'req', p: ref.expression.value });
  } else {
    addValue(binding, entityShape(ref, st));
  }
}

/** Handles a module-level declaration; false when `node` is not one. */
export function moduleDeclaration(st: ExtractState, node: Node): boolean {
  switch (node.type) {
    case 'ImportDeclaration':
      importDeclaration(st, node);
      return true;
    case 'ExportNamedDeclaration':
      exportNamed(st, node);
      return true;
    case 'ExportDefaultDeclaration':
      exportDefault(st, node);
      return true;
    case 'ExportAllDeclaration':
      exportAll(st, node);
      return true;
    case 'TSExportAssignment':
      st.cjs.push(expr(st, node.expression));
      return true;
    case 'TSImportEqualsDeclaration':
      importEquals(st, node);
      return true;
    case 'TSNamespaceExportDeclaration':
      return true;
    default:
      return false;
  }
}
