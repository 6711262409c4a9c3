// Call graph (code intelligence): symbols by id and call edges both ways, deduplicated, in a stable order.
import type { CallEdge, CodeSymbol } from './model.js';

/** The read side of a call graph, all the path finder and formats need. */
export interface GraphView {
  symbol(id: string): CodeSymbol | undefined;
  symbols(): Iterable<CodeSymbol>;
  /** Calls made by `id`, ordered by call site. */
  outgoing(id: string): readonly CallEdge[];
  /** Calls reaching `id`, ordered by call site. */
  incoming(id: string): readonly CallEdge[];
  edges(): Iterable<CallEdge>;
  /** Symbols whose `name` (the last segment of the qualified name) is `name`. */
  symbolsNamed(name: string): readonly CodeSymbol[];
  /** Every file holding a symbol. */
  symbolFiles(): Iterable<string>;
  symbolsInFile(file: string): readonly CodeSymbol[];
  readonly symbolCount: number;
  readonly edgeCount: number;
}

/** A graph an index answers from: lazy refinement adds the edges it finds. */
export interface IndexGraph extends GraphView {
  /** Adds the edges not already present whose ends are known symbols; returns those added. */
  addEdges(edges: Iterable<CallEdge>): CallEdge[];
}

/** Sorts calls by call site, then by the symbol at their `other` end (the same order for every graph). */
export function sortCalls(
  edges: CallEdge[],
  other: 'from' | 'to',
  symbol: (id: string) => CodeSymbol | undefined,
): CallEdge[] {
  return edges.sort((a, b) => {
    const bySite = compareSites(a.call, b.call);
    if (bySite !== 0) return bySite;
    const x = symbol(a[other]);
    const y = symbol(b[other]);
    return x && y ? compareSymbols(x, y) : 0;
  });
}

export function edgeKey(edge: CallEdge): string {
  return `${edge.from}\0${edge.to}\0${edge.call.file}:${edge.call.line}:${edge.call.column}`;
}

/** Orders call sites by file, line, column; then targets by file and line. */
export function compareSites(a: { file: string; line: number; column: number }, b: typeof a): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

export function compareSymbols(a: CodeSymbol, b: CodeSymbol): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Look-ups of a fixed set of symbols by name and by file, grouped on first use. */
export class SymbolLookup implements Pick<GraphView, 'symbolsNamed' | 'symbolFiles' | 'symbolsInFile'> {
  readonly #symbols: () => Iterable<CodeSymbol>;
  #byName: Map<string, CodeSymbol[]> | undefined;
  #byFile: Map<string, CodeSymbol[]> | undefined;

  constructor(symbols: () => Iterable<CodeSymbol>) {
    this.#symbols = symbols;
  }

  symbolsNamed(name: string): readonly CodeSymbol[] {
    this.#byName ??= groupBy(this.#symbols(), (symbol) => symbol.name);
    return this.#byName.get(name) ?? [];
  }

  symbolFiles(): Iterable<string> {
    this.#byFile ??= groupBy(this.#symbols(), (symbol) => symbol.file);
    return this.#byFile.keys();
  }

  symbolsInFile(file: string): readonly CodeSymbol[] {
    this.#byFile ??= groupBy(this.#symbols(), (symbol) => symbol.file);
    return this.#byFile.get(file) ?? [];
  }
}

export class CallGraph implements IndexGraph {
  readonly #symbols = new Map<string, CodeSymbol>();
  #lookup = new SymbolLookup(() => this.#symbols.values());
  readonly #out = new Map<string, CallEdge[]>();
  readonly #in = new Map<string, CallEdge[]>();
  readonly #keys = new Set<string>();
  readonly #unsorted = new Set<CallEdge[]>();

  constructor(symbols: Iterable<CodeSymbol> = [], edges: Iterable<CallEdge> = []) {
    this.addSymbols(symbols);
    this.addEdges(edges);
  }

  get symbolCount(): number {
    return this.#symbols.size;
  }

  get edgeCount(): number {
    return this.#keys.size;
  }

  addSymbols(symbols: Iterable<CodeSymbol>): void {
    for (const symbol of symbols) if (!this.#symbols.has(symbol.id)) this.#symbols.set(symbol.id, symbol);
    this.#lookup = new SymbolLookup(() => this.#symbols.values());
  }

  symbolsNamed(name: string): readonly CodeSymbol[] {
    return this.#lookup.symbolsNamed(name);
  }

  symbolFiles(): Iterable<string> {
    return this.#lookup.symbolFiles();
  }

  symbolsInFile(file: string): readonly CodeSymbol[] {
    return this.#lookup.symbolsInFile(file);
  }

  /**
   * Adds the edges not already present (same caller, callee and call site) whose ends are known symbols;
   * returns those added.
   */
  addEdges(edges: Iterable<CallEdge>): CallEdge[] {
    const added: CallEdge[] = [];
    for (const edge of edges) {
      const key = edgeKey(edge);
      if (this.#keys.has(key) || !this.#symbols.has(edge.from) || !this.#symbols.has(edge.to)) continue;
      this.#keys.add(key);
      this.#push(this.#out, edge.from, edge);
      this.#push(this.#in, edge.to, edge);
      added.push(edge);
    }
    return added;
  }

  symbol(id: string): CodeSymbol | undefined {
    return this.#symbols.get(id);
  }

  symbols(): Iterable<CodeSymbol> {
    return this.#symbols.values();
  }

  outgoing(id: string): readonly CallEdge[] {
    return this.#sorted(this.#out.get(id), 'to');
  }

  incoming(id: string): readonly CallEdge[] {
    return this.#sorted(this.#in.get(id), 'from');
  }

  *edges(): Iterable<CallEdge> {
    for (const id of this.#out.keys()) yield* this.outgoing(id);
  }

  #push(map: Map<string, CallEdge[]>, id: string, edge: CallEdge): void {
    let list = map.get(id);
    if (!list) {
      list = [];
      map.set(id, list);
    }
    list.push(edge);
    this.#unsorted.add(list);
  }

  #sorted(list: CallEdge[] | undefined, other: 'from' | 'to'): readonly CallEdge[] {
    if (!list) return [];
    if (this.#unsorted.delete(list)) sortCalls(list, other, (id) => this.#symbols.get(id));
    return list;
  }
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
