// Hand-built call graphs for path finder and endpoint tests: `fn('a.ts', 'f', 3)` and `call(f, g, 'method', 5)`.
import { CallGraph } from '../../src/code/graph.js';
import type { CallEdge, CodeSymbol, EdgeKind, SymbolKind } from '../../src/code/model.js';
import type { CallPath } from '../../src/code/paths.js';

export function fn(
  file: string,
  qualifiedName: string,
  line: number,
  kind: SymbolKind = 'function',
): CodeSymbol {
  const name = qualifiedName.split('.').at(-1)!;
  return {
    id: `${file}#${qualifiedName}`,
    name,
    qualified_name: qualifiedName,
    kind,
    file,
    line,
    column: 1,
    end_line: line + 5,
    language: 'test',
  };
}

export function call(
  from: CodeSymbol,
  to: CodeSymbol,
  kind: EdgeKind = 'direct',
  line = from.line + 1,
  column = 3,
): CallEdge {
  return {
    from: from.id,
    to: to.id,
    kind,
    call: { file: from.file, line, column, text: `${to.name}()` },
  };
}

export function graphOf(symbols: CodeSymbol[], edges: CallEdge[]): CallGraph {
  return new CallGraph(symbols, edges);
}

/** A path as `a -> b -> c`, with `(heuristic)` after a hop reached by a heuristic call. */
export function names(path: CallPath): string {
  return path.steps
    .map((step) => step.symbol.qualified_name + (step.edge?.kind === 'heuristic' ? ' (heuristic)' : ''))
    .join(' -> ');
}
