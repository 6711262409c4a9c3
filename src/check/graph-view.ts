// Call graph for rules (`office check`): the public graph JSON (`office graph --format json`) as the read-only view
// that endpoint matching and path search work on.
import { type GraphView, SymbolLookup } from '../code/graph.js';
import type { CallEdge, CodeSymbol } from '../code/model.js';
import type { GraphJson } from '../code/service.js';

/**
 * A view of `graph`. The JSON has no symbol columns and no call text: symbols start at column 1, and a call's
 * `text` is empty until a report fills it in for the calls it shows.
 */
export function graphViewOf(graph: GraphJson): GraphView {
  const symbols = new Map<string, CodeSymbol>();
  for (const s of graph.symbols) {
    symbols.set(s.id, {
      id: s.id,
      name: s.name,
      qualified_name: s.qualified_name,
      kind: s.kind,
      file: s.file,
      line: s.line,
      column: 1,
      end_line: s.line,
      language: '',
    });
  }
  const outgoing = new Map<string, CallEdge[]>();
  const incoming = new Map<string, CallEdge[]>();
  const all: CallEdge[] = [];
  // `new X()` of a class that declares no constructor creates an X: a rule about X sees it as a constructor call.
  const instantiations = graph.instantiations.map((i) => ({
    from: i.from,
    to: i.class,
    edge: 'constructor' as const,
    call: i.call,
  }));
  for (const e of [...graph.edges, ...instantiations]) {
    if (!symbols.has(e.from) || !symbols.has(e.to)) continue;
    const edge: CallEdge = { from: e.from, to: e.to, kind: e.edge, call: { ...e.call, text: '' } };
    all.push(edge);
    push(outgoing, e.from, edge);
    push(incoming, e.to, edge);
  }
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const bySite = (a: CallEdge, b: CallEdge) =>
    text(a.call.file, b.call.file) ||
    a.call.line - b.call.line ||
    a.call.column - b.call.column ||
    text(a.from, b.from) ||
    text(a.to, b.to);
  for (const list of outgoing.values()) list.sort(bySite);
  for (const list of incoming.values()) list.sort(bySite);
  const lookup = new SymbolLookup(() => symbols.values());
  return {
    symbol: (id) => symbols.get(id),
    symbolsNamed: (name) => lookup.symbolsNamed(name),
    symbolFiles: () => lookup.symbolFiles(),
    symbolsInFile: (file) => lookup.symbolsInFile(file),
    symbols: () => symbols.values(),
    outgoing: (id) => outgoing.get(id) ?? [],
    incoming: (id) => incoming.get(id) ?? [],
    edges: () => all,
    symbolCount: symbols.size,
    edgeCount: all.length,
  };
}

function push(map: Map<string, CallEdge[]>, key: string, edge: CallEdge): void {
  const list = map.get(key);
  if (list) list.push(edge);
  else map.set(key, [edge]);
}
