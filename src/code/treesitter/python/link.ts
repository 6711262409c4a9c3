// Python linking (code intelligence): symbols for every module, class and function, and an edge for every
// call whose target the resolver can name; a name-only guess only where the receiver is unknown.
import type { LinkContext, LinkedGraph, SourceFile, SymbolKind } from '../../model.js';
import { type CallTarget, GraphBuilder, heuristicTargets } from '../graph-builder.js';
import { usableFacts } from '../cached-facts.js';
import { extractPython } from './extract.js';
import { type PyDef, type PyExpr, pyFactsSchema } from './facts.js';
import { ModuleMap, moduleKeyOf } from './modules.js';
import { ownFunction, PythonResolver, type Value } from './resolve.js';
import { buildModule, type ModuleInfo, type Scope } from './scopes.js';

function kindOf(def: PyDef, scope: Scope): SymbolKind {
  if (def.kind === 'class') return 'class';
  if (scope.role === 'function') return 'function';
  if (scope.role === 'property')
    return def.decorators?.some((d) => d.endsWith('.setter')) ? 'setter' : 'getter';
  return def.name === '__init__' && scope.role === 'method' ? 'constructor' : 'method';
}

export function linkPython(
  files: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
  ctx: LinkContext,
): LinkedGraph {
  const builder = new GraphBuilder('python');
  const map = new ModuleMap(
    files.map((f) => f.file.path),
    ctx.root,
  );
  const modules = new Map<string, ModuleInfo>();
  const all: ModuleInfo[] = [];
  const classes: Scope[] = [];
  const methodsByName = new Map<string, string[]>();

  for (const { file, facts: cached } of files) {
    const facts = usableFacts(pyFactsSchema, file, cached, extractPython);
    const key = moduleKeyOf(file.path);
    const info = buildModule(key, file.path, facts);
    all.push(info);
    if (!modules.has(key) || file.path.endsWith('.py')) modules.set(key, info);
    info.moduleScope.symbolId = builder.addSymbol({
      file: file.path,
      name: map.nameOf(key) || '<module>',
      qualifiedName: '<module>',
      kind: 'module',
      line: 1,
      column: 1,
      endLine: facts.lines,
    });
    for (const scope of info.scopes) {
      const def = scope.def as PyDef;
      scope.symbolId = builder.addSymbol({
        file: file.path,
        name: def.name,
        qualifiedName: def.qn,
        kind: kindOf(def, scope),
        line: def.line,
        column: def.column,
        endLine: def.endLine,
      });
      if (scope.kind === 'class') classes.push(scope);
      else if (scope.parent?.kind === 'class') {
        const ids = methodsByName.get(def.name) ?? [];
        ids.push(scope.symbolId);
        methodsByName.set(def.name, ids);
      }
    }
  }

  const resolver = new PythonResolver(modules, map, classes);
  for (const info of all) {
    for (const call of info.facts.calls) {
      const scope = call.scope < 0 ? info.moduleScope : (info.scopes[call.scope] ?? info.moduleScope);
      builder.addCall(
        scope.symbolId,
        { file: info.file, line: call.line, column: call.column, text: call.text },
        callTargets(resolver, call.fn, scope, methodsByName),
      );
    }
    for (const ref of info.facts.callbacks) {
      const scope = ref.scope < 0 ? info.moduleScope : (info.scopes[ref.scope] ?? info.moduleScope);
      builder.addCall(
        scope.symbolId,
        { file: info.file, line: ref.line, column: ref.column, text: ref.text },
        callbackTargets(resolver.evaluate(ref.fn, scope)),
      );
    }
  }
  return builder.build();
}

function callTargets(
  resolver: PythonResolver,
  fn: PyExpr,
  scope: Scope,
  methodsByName: ReadonlyMap<string, readonly string[]>,
): CallTarget[] {
  const values =
    fn.k === 'attr'
      ? resolver.evaluate(fn.of, scope).flatMap((v) => resolver.member(v, fn.name))
      : resolver.evaluate(fn, scope);
  if (values.length === 0 && fn.k === 'attr') {
    return heuristicTargets(fn.name, methodsByName.get(fn.name) ?? []).map((to) => ({
      to,
      kind: 'heuristic',
      note: `by name only: the receiver of .${fn.name}() is not known`,
    }));
  }
  return values.flatMap((v) => targetsOf(resolver, v));
}

/** A function or method passed as an argument: the receiver of the call may run it. */
function callbackTargets(values: readonly Value[]): CallTarget[] {
  const targets: CallTarget[] = [];
  for (const v of values) {
    if (v.k === 'func') targets.push({ to: v.fn.symbolId, kind: 'callback' });
    else if (v.k === 'bound' && v.fn) targets.push({ to: v.fn.symbolId, kind: 'callback' });
  }
  return targets;
}

function targetsOf(resolver: PythonResolver, v: Value): CallTarget[] {
  switch (v.k) {
    case 'func': {
      const inClass = v.fn.parent?.kind === 'class' && v.fn.role !== 'staticmethod';
      return [{ to: v.fn.symbolId, kind: inClass ? 'method' : 'direct' }];
    }
    case 'bound': {
      const targets: CallTarget[] = v.fn ? [{ to: v.fn.symbolId, kind: 'method' }] : [];
      if (!v.exact) {
        const note = `dispatch through ${v.recv.def?.qn}.${v.name}`;
        for (const o of resolver.overrides(v.recv, v.name))
          targets.push({ to: o.symbolId, kind: 'dispatch', note });
      }
      return targets;
    }
    case 'class': {
      for (const c of resolver.mro(v.cls)) {
        const init = ownFunction(c, '__init__');
        if (init) return [{ to: init.symbolId, kind: 'constructor' }];
      }
      return [{ to: v.cls.symbolId, kind: 'constructor' }];
    }
    case 'inst': {
      for (const c of resolver.mro(v.cls)) {
        const call = ownFunction(c, '__call__');
        if (call) return [{ to: call.symbolId, kind: 'method' }];
      }
      return [];
    }
    default:
      return [];
  }
}
