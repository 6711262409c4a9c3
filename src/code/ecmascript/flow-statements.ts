// JS/TS flow extraction of statements (code intelligence): declarations (functions hoisted), control flow
// (branches joined, loops iterated), modules (imports, ESM and CommonJS exports, TypeScript namespaces).
import type { ExportNamedDeclaration, ImportDeclaration, Node, Program, Statement } from '@babel/types';
import { EXPORTS_VAR, MODULE_VAR } from '../flow/ir.js';
import { classValue, functionValue, returnValue } from './flow-definitions.js';
import { assignTo, expr } from './flow-expressions.js';
import { children } from './flow-scan.js';
import type { JsWalker } from './flow-walker.js';

/** Walks a statement list: function declarations first (they are hoisted), then the statements in order. */
export function statements(w: JsWalker, list: readonly Node[]): void {
  for (const node of list) {
    const fn =
      node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration'
        ? node.declaration
        : node;
    if (fn?.type === 'FunctionDeclaration' && fn.id) w.assign(fn.id.name, functionValue(w, fn));
  }
  for (const node of list) statement(w, node);
}

export function statement(w: JsWalker, node: Node): void {
  const { b } = w;
  switch (node.type) {
    case 'FunctionDeclaration':
      if (!node.id) functionValue(w, node);
      return;
    case 'VariableDeclaration':
      for (const declarator of node.declarations) {
        if (declarator.init) assignTo(w, declarator.id, expr(w, declarator.init), declarator.init);
        else if (declarator.id.type === 'Identifier' && node.kind !== 'var')
          w.assign(declarator.id.name, b.nothing());
      }
      return;
    case 'ClassDeclaration': {
      const value = classValue(w, node);
      if (node.id) w.assign(node.id.name, value);
      return;
    }
    case 'ExpressionStatement':
      expr(w, node.expression);
      return;
    case 'ReturnStatement':
      returnValue(w, node.argument);
      return;
    case 'BlockStatement':
    case 'StaticBlock':
      w.inScope(node, () => statements(w, node.body));
      return;
    case 'IfStatement': {
      expr(w, node.test);
      branches(w, [node.consequent, node.alternate ?? undefined]);
      return;
    }
    case 'SwitchStatement':
      expr(w, node.discriminant);
      w.inScope(node, () => {
        const names = w.ctx.names;
        const before = names.snapshot();
        const ends = [before];
        for (const item of node.cases) {
          names.join([before, names.snapshot()]);
          if (item.test) expr(w, item.test);
          statements(w, item.consequent);
          ends.push(names.snapshot());
        }
        names.join(ends);
      });
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
      w.ctx.names.loop(w.scan.loops.get(node) ?? [], () => {
        expr(w, node.test);
        statement(w, node.body);
      });
      return;
    case 'ForStatement':
      w.inScope(node, () => {
        if (node.init)
          node.init.type === 'VariableDeclaration' ? statement(w, node.init) : expr(w, node.init);
        w.ctx.names.loop(w.scan.loops.get(node) ?? [], () => {
          expr(w, node.test);
          statement(w, node.body);
          expr(w, node.update);
        });
      });
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      w.inScope(node, () => {
        const source = expr(w, node.right);
        const element =
          node.type === 'ForOfStatement'
            ? b.into((d) => ({ o: 'iter', d, s: source, ...w.site(node.right) }))
            : b.unknown();
        w.ctx.names.loop(w.scan.loops.get(node) ?? [], () => {
          const left = node.left;
          assignTo(w, left.type === 'VariableDeclaration' ? left.declarations[0]?.id : left, element);
          statement(w, node.body);
        });
      });
      return;
    case 'TryStatement': {
      const names = w.ctx.names;
      const before = names.snapshot();
      statement(w, node.block);
      const afterBlock = names.snapshot();
      const ends = [afterBlock];
      if (node.handler) {
        const handler = node.handler;
        names.join([before, afterBlock]);
        w.inScope(handler, () => {
          if (handler.param) assignTo(w, handler.param, b.unknown());
          statements(w, handler.body.body);
        });
        ends.push(names.snapshot());
      }
      names.join(ends);
      if (node.finalizer) statement(w, node.finalizer);
      return;
    }
    case 'LabeledStatement':
      statement(w, node.body);
      return;
    case 'ImportDeclaration':
      importDeclaration(w, node);
      return;
    case 'ExportNamedDeclaration':
      exportNamed(w, node);
      return;
    case 'ExportDefaultDeclaration': {
      w.esm = true;
      const declaration = node.declaration;
      let value: number;
      if (declaration.type === 'FunctionDeclaration')
        value = declaration.id ? w.read(declaration.id.name) : functionValue(w, declaration);
      else if (declaration.type === 'ClassDeclaration') {
        value = classValue(w, declaration);
        if (declaration.id) w.assign(declaration.id.name, value);
      } else if (declaration.type === 'TSDeclareFunction' || declaration.type === 'TSInterfaceDeclaration')
        return;
      else value = expr(w, declaration);
      b.emit({ o: 'st', b: EXPORTS_VAR, p: 'default', s: value });
      return;
    }
    case 'ExportAllDeclaration': {
      w.esm = true;
      if (node.exportKind === 'type') return;
      const source = b.into((d) => ({ o: 'imp', d, m: node.source.value, n: '*' }));
      b.emit({ o: 'star', d: EXPORTS_VAR, s: source });
      return;
    }
    case 'TSExportAssignment':
      b.emit({ o: 'st', b: MODULE_VAR, p: 'exports', s: expr(w, node.expression) });
      return;
    case 'TSImportEqualsDeclaration': {
      const ref = node.moduleReference;
      if (ref.type === 'TSExternalModuleReference')
        w.assign(
          node.id.name,
          b.into((d) => ({ o: 'imp', d, m: ref.expression.value })),
        );
      return;
    }
    case 'TSEnumDeclaration':
      w.assign(
        node.id.name,
        b.into((d) => ({ o: 'new', d, a: b.alloc('o') })),
      );
      return;
    case 'TSModuleDeclaration':
      namespace(w, node);
      return;
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
    case 'TSDeclareFunction':
    case 'EmptyStatement':
    case 'DebuggerStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return;
    default:
      for (const child of children(node)) {
        if (isStatement(child)) statement(w, child);
        else expr(w, child);
      }
  }
}

function isStatement(node: Node): node is Statement {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration');
}

/** Walks alternatives from the same starting point and joins what reaches their ends. */
function branches(w: JsWalker, alternatives: Array<Node | undefined>): void {
  const names = w.ctx.names;
  const before = names.snapshot();
  const ends = [];
  for (const alternative of alternatives) {
    names.restore(before);
    if (alternative) statement(w, alternative);
    ends.push(names.snapshot());
  }
  names.join(ends);
}

function importDeclaration(w: JsWalker, node: ImportDeclaration): void {
  w.esm = true;
  if (node.importKind === 'type') return;
  const m = node.source.value;
  for (const specifier of node.specifiers) {
    if (specifier.type === 'ImportSpecifier' && specifier.importKind === 'type') continue;
    const n =
      specifier.type === 'ImportDefaultSpecifier'
        ? 'default'
        : specifier.type === 'ImportNamespaceSpecifier'
          ? '*'
          : specifier.imported.type === 'Identifier'
            ? specifier.imported.name
            : specifier.imported.value;
    w.assign(
      specifier.local.name,
      w.b.into((d) => ({ o: 'imp', d, m, n })),
    );
  }
}

/** Imports first (they are hoisted), then the program; exported bindings are read whole at the end. */
export function program(w: JsWalker, node: Program): void {
  for (const statement of node.body)
    if (statement.type === 'ImportDeclaration') importDeclaration(w, statement);
  statements(
    w,
    node.body.filter((s) => s.type !== 'ImportDeclaration'),
  );
  for (const [exported, local] of w.exported) {
    const binding = w.resolve(local);
    if (binding) w.b.emit({ o: 'st', b: EXPORTS_VAR, p: exported, s: w.ctx.names.all(binding.key) });
  }
}

function exportNamed(w: JsWalker, node: ExportNamedDeclaration): void {
  const { b } = w;
  w.esm = true;
  if (node.exportKind === 'type') return;
  if (node.declaration) {
    statement(w, node.declaration);
    for (const name of declaredNames(node.declaration)) w.exported.push([name, name]);
    return;
  }
  const source = node.source?.value;
  for (const specifier of node.specifiers) {
    const exported =
      specifier.exported.type === 'Identifier' ? specifier.exported.name : specifier.exported.value;
    if (specifier.type === 'ExportNamespaceSpecifier') {
      if (source !== undefined)
        b.emit({
          o: 'st',
          b: EXPORTS_VAR,
          p: exported,
          s: b.into((d) => ({ o: 'imp', d, m: source, n: '*' })),
        });
      continue;
    }
    if (specifier.type !== 'ExportSpecifier' || specifier.exportKind === 'type') continue;
    const local = specifier.local.type === 'Identifier' ? specifier.local.name : specifier.local.value;
    if (source !== undefined)
      b.emit({
        o: 'st',
        b: EXPORTS_VAR,
        p: exported,
        s: b.into((d) => ({ o: 'imp', d, m: source, n: local })),
      });
    else w.exported.push([exported, local]);
  }
}

function declaredNames(node: Node): string[] {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
      return node.id ? [node.id.name] : [];
    case 'TSModuleDeclaration':
      return node.id.type === 'Identifier' ? [node.id.name] : [];
    case 'VariableDeclaration':
      return node.declarations.flatMap((d) => (d.id.type === 'Identifier' ? [d.id.name] : patternIds(d.id)));
    default:
      return [];
  }
}

function patternIds(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node | null | undefined) => {
    if (!n) return;
    if (n.type === 'Identifier') out.push(n.name);
    else if (n.type === 'ObjectPattern')
      for (const p of n.properties) visit(p.type === 'RestElement' ? p.argument : p.value);
    else if (n.type === 'ArrayPattern') for (const e of n.elements) visit(e);
    else if (n.type === 'AssignmentPattern') visit(n.left);
    else if (n.type === 'RestElement') visit(n.argument);
  };
  visit(node);
  return out;
}

/** `namespace N { export function f() {} }`: an object whose members are the namespace's exports. */
function namespace(w: JsWalker, node: Extract<Node, { type: 'TSModuleDeclaration' }>): void {
  const { b } = w;
  if (node.id.type !== 'Identifier' || node.declare || node.body.type !== 'TSModuleBlock') return;
  const object = b.into((d) => ({ o: 'new', d, a: b.alloc('o') }));
  w.assign(node.id.name, object);
  const body = node.body.body;
  w.inScope(node.body, () => {
    statements(
      w,
      body.map((s) => (s.type === 'ExportNamedDeclaration' && s.declaration ? s.declaration : s)),
    );
    for (const s of body) {
      if (s.type !== 'ExportNamedDeclaration' || !s.declaration) continue;
      for (const name of declaredNames(s.declaration))
        b.emit({ o: 'st', b: object, p: name, s: w.read(name) });
    }
  });
}
