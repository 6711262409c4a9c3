// Go linking (code intelligence): symbols for functions, methods, types and interface methods, and an edge for
// every call the resolver can name; calls on interface values dispatch to every implementing type.
import type { LinkContext, LinkedGraph, SourceFile } from '../../model.js';
import { type CallTarget, GraphBuilder, heuristicTargets } from '../graph-builder.js';
import { usableFacts } from '../cached-facts.js';
import { extractGo } from './extract.js';
import { type GoExpr, goFactsSchema } from './facts.js';
import { buildPackages, type GoFile, type TypeInfo } from './packages.js';
import { GoResolver, type GoValue } from './resolve.js';

export function linkGo(
  files: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
  ctx: LinkContext,
): LinkedGraph {
  const builder = new GraphBuilder('go');
  const goFiles = buildPackages(
    files.map(({ file, facts }) => ({
      path: file.path,
      facts: usableFacts(goFactsSchema, file, facts, extractGo),
    })),
    ctx,
  );
  const types: TypeInfo[] = [];
  const methodsByName = new Map<string, string[]>();
  for (const file of goFiles) {
    for (const t of file.pkg.types.values()) {
      if (t.file !== file) continue;
      const { decl } = t;
      t.id = builder.addSymbol({
        file: file.path,
        name: decl.name,
        qualifiedName: decl.name,
        kind: 'class',
        line: decl.line,
        column: decl.column,
        endLine: decl.endLine,
      });
      types.push(t);
      for (const spec of decl.methods ?? []) {
        const id = builder.addSymbol({
          file: file.path,
          name: spec.name,
          qualifiedName: `${decl.name}.${spec.name}`,
          kind: 'method',
          line: spec.line,
          column: spec.column,
          endLine: spec.line,
        });
        t.methodIds.set(spec.name, id);
      }
    }
    for (const fn of file.funcs) {
      const { f } = fn;
      fn.id = builder.addSymbol({
        file: file.path,
        name: f.name,
        qualifiedName: f.recv === undefined ? f.name : `${f.recv}.${f.name}`,
        kind: f.recv === undefined ? 'function' : 'method',
        line: f.line,
        column: f.column,
        endLine: f.endLine,
      });
      if (f.recv !== undefined) {
        const ids = methodsByName.get(f.name) ?? [];
        ids.push(fn.id);
        methodsByName.set(f.name, ids);
      }
    }
  }

  const resolver = new GoResolver(types);
  for (const file of goFiles) {
    for (const call of file.facts.calls) {
      const from = call.scope < 0 ? moduleSymbol(builder, file) : file.funcs[call.scope]?.id;
      if (!from) continue;
      builder.addCall(
        from,
        { file: file.path, line: call.line, column: call.column, text: call.text },
        callTargets(resolver, call.fn, { file, func: call.scope }, methodsByName),
      );
    }
    for (const ref of file.facts.callbacks) {
      const from = ref.scope < 0 ? moduleSymbol(builder, file) : file.funcs[ref.scope]?.id;
      if (!from) continue;
      const targets: CallTarget[] = [];
      for (const v of resolver.evaluate(ref.fn, { file, func: ref.scope })) {
        if (v.k === 'func' || v.k === 'method') targets.push({ to: v.fn.id, kind: 'callback' });
      }
      builder.addCall(from, { file: file.path, line: ref.line, column: ref.column, text: ref.text }, targets);
    }
  }
  return builder.build();
}

/** Package-level code (variable initialisers) belongs to a `<module>` symbol, made only for files that have some. */
function moduleSymbol(builder: GraphBuilder, file: GoFile): string {
  file.moduleId ??= builder.addSymbol({
    file: file.path,
    name: file.pkg.name || '<module>',
    qualifiedName: '<module>',
    kind: 'module',
    line: 1,
    column: 1,
    endLine: file.facts.lines,
  });
  return file.moduleId;
}

function callTargets(
  resolver: GoResolver,
  fn: GoExpr,
  scope: { file: GoFile; func: number },
  methodsByName: ReadonlyMap<string, readonly string[]>,
): CallTarget[] {
  const values = resolver.evaluate(fn, scope);
  if (values.length === 0 && fn.k === 'sel') {
    return heuristicTargets(fn.name, methodsByName.get(fn.name) ?? []).map((to) => ({
      to,
      kind: 'heuristic',
      note: `by name only: the receiver of .${fn.name}() is not known`,
    }));
  }
  return values.flatMap((v) => targetsOf(resolver, v));
}

function targetsOf(resolver: GoResolver, v: GoValue): CallTarget[] {
  switch (v.k) {
    case 'func':
      return [{ to: v.fn.id, kind: 'direct' }];
    case 'method':
      return [{ to: v.fn.id, kind: 'method' }];
    case 'imethod': {
      const targets: CallTarget[] = [];
      const declared = v.iface.methodIds.get(v.spec.name);
      if (declared) targets.push({ to: declared, kind: 'method' });
      const note = `dispatch through ${v.iface.decl.name}.${v.spec.name}`;
      for (const t of resolver.implementers(v.iface)) {
        const impl = resolver.concreteMethod(t, v.spec.name);
        if (impl) targets.push({ to: impl.id, kind: 'dispatch', note });
      }
      return targets;
    }
    default:
      return [];
  }
}
