// Python linking (code intelligence): symbols for every module, class, function and lambda; modules and packages
// resolved; then the value-flow solver gives the call edges. A name-only guess is made only for a method call that
// nothing reached.
import type { CallSite, LinkContext, LinkedGraph, SourceFile, SymbolKind } from '../../model.js';
import { pythonNatives } from '../../flow/natives-py.js';
import type { FlowFile, ImportTarget } from '../../flow/program.js';
import { explainEdges } from '../../flow/explain.js';
import { solveFlow } from '../../flow/solver.js';
import { usableFacts } from '../cached-facts.js';
import { GraphBuilder, heuristicTargets } from '../graph-builder.js';
import { LineText } from '../syntax.js';
import { extractPython } from './extract.js';
import { type PyDef, pyFactsSchema } from './facts.js';
import { ModuleMap, moduleKeyOf } from './modules.js';

function kindOf(def: PyDef): SymbolKind {
  if (def.kind === 'class') return 'class';
  switch (def.role) {
    case 'getter':
      return 'getter';
    case 'setter':
      return 'setter';
    case 'ctor':
      return 'constructor';
    case undefined:
      return 'function';
    default:
      return 'method';
  }
}

/** Every module key of the tree: files, and the directories above them (packages, namespace packages). */
function moduleKeys(paths: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const path of paths) {
    let key = moduleKeyOf(path);
    keys.add(key);
    while (key.includes('/')) {
      key = key.slice(0, key.lastIndexOf('/'));
      keys.add(key);
    }
  }
  return [...keys];
}

export async function linkPython(
  inputs: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
  ctx: LinkContext,
): Promise<LinkedGraph> {
  const builder = new GraphBuilder('python');
  const paths = inputs.map((input) => input.file.path);
  const map = new ModuleMap(paths, ctx.root);
  const keys = moduleKeys(paths);
  const moduleOf = new Map(keys.map((key, i) => [key, i]));
  const ids: string[] = [];
  const names: string[] = [];
  const methodsByName = new Map<string, string[]>();
  const lines: LineText[] = [];
  const files: FlowFile[] = inputs.map(({ file, facts: cached }) => {
    const facts = usableFacts(pyFactsSchema, file, cached, extractPython);
    lines.push(new LineText(file.text));
    const key = moduleKeyOf(file.path);
    const symbols: number[] = [ids.length];
    ids.push(
      builder.addSymbol({
        file: file.path,
        name: map.nameOf(key) || '<module>',
        qualifiedName: '<module>',
        kind: 'module',
        line: 1,
        column: 1,
        endLine: facts.lines,
      }),
    );
    names.push('<module>');
    for (const def of facts.defs) {
      const kind = kindOf(def);
      const { line, column, endLine } = def;
      const id = builder.addSymbol({
        file: file.path,
        name: def.name,
        qualifiedName: def.qn,
        kind,
        line,
        column,
        endLine,
      });
      symbols.push(ids.length);
      ids.push(id);
      names.push(def.qn);
      if (kind === 'method' || kind === 'getter' || kind === 'setter') {
        const list = methodsByName.get(def.name) ?? [];
        list.push(id);
        methodsByName.set(def.name, list);
      }
    }
    const resolve = (specifier: string, level: number | undefined): ImportTarget => {
      const target = level
        ? map.resolveRelative(level, specifier, file.path)
        : map.resolveAbsolute(specifier, file.path);
      const module = target === undefined ? undefined : moduleOf.get(target);
      return module === undefined ? { external: specifier || '.' } : { module };
    };
    return { unit: facts.flow, path: file.path, symbols, module: moduleOf.get(key) ?? 0, resolve };
  });
  const submodules: Array<[number, string, number]> = [];
  for (const [key, child] of moduleOf) {
    if (key === '') continue;
    const slash = key.lastIndexOf('/');
    const parent = moduleOf.get(slash < 0 ? '' : key.slice(0, slash));
    if (parent !== undefined) submodules.push([parent, key.slice(slash + 1), child]);
  }
  const result = await solveFlow(
    {
      language: 'python',
      files,
      symbolCount: ids.length,
      moduleCount: keys.length,
      submodules,
      nameOf: (symbol) => names[symbol] ?? '?',
      provenance: ctx.provenance === true,
    },
    pythonNatives,
    ctx.signal,
  );
  for (const hop of result.hops)
    ids.push(builder.addExternal(hop.name, files[hop.file]!.path, hop.line, hop.column));
  const site = (file: number, line: number, column: number): CallSite => ({
    file: files[file]!.path,
    line,
    column,
    text: lines[file]!.at(line),
  });
  for (const edge of result.edges) {
    const from = ids[edge.from];
    const to = ids[edge.to];
    if (from === undefined || to === undefined) continue;
    const target =
      edge.note === undefined ? { to, kind: edge.kind } : { to, kind: edge.kind, note: edge.note };
    builder.addCall(from, site(edge.file, edge.line, edge.column), [target]);
  }
  for (const call of result.unresolved) {
    const op = files[call.file]!.unit.o[call.op];
    if (op?.o !== 'call' || call.member === undefined) continue;
    const from = ids[files[call.file]!.symbols[op.w] ?? -1];
    if (from === undefined) continue;
    const note = `by name only: the receiver of .${call.member}() is not known`;
    builder.addCall(
      from,
      site(call.file, op.l, op.c),
      heuristicTargets(call.member, methodsByName.get(call.member) ?? []).map((to) => ({
        to,
        kind: 'heuristic',
        note,
      })),
    );
  }
  const graph = builder.build();
  const explained = result.explain;
  return {
    ...graph,
    // Explaining needs provenance, which a plain link does not keep: link again with it, on demand.
    explain: async (edges) =>
      explained
        ? explainEdges(edges, explained, ids, graph.symbols, paths)
        : ((await (await linkPython(inputs, { ...ctx, provenance: true })).explain?.(edges)) ?? []),
  };
}
