// The call graph of an index (code intelligence): parts linked by this process in memory, parts unchanged since
// the last index read from the code store row by row as a query reaches them, and the edges lazy refinement adds.
import { type CallGraph, edgeKey, type IndexGraph, sortCalls } from './graph.js';
import type { CallEdge, CodeSymbol } from './model.js';
import type { CodeStore } from './store.js';

export class LayeredGraph implements IndexGraph {
  readonly #memory: CallGraph;
  readonly #store: CodeStore;
  /** Adapters whose symbols and edges are read from the store. */
  readonly #stored: ReadonlySet<string>;
  readonly #storedCounts: { readonly symbols: number; readonly edges: number };
  readonly #symbols = new Map<string, CodeSymbol | null>();
  #files: ReadonlySet<string> | undefined;
  readonly #out = new Map<string, CallEdge[]>();
  readonly #in = new Map<string, CallEdge[]>();
  /** Refined edges between stored symbols, by key, and by either end. */
  readonly #added = new Set<string>();
  readonly #addedOut = new Map<string, CallEdge[]>();
  readonly #addedIn = new Map<string, CallEdge[]>();

  constructor(
    memory: CallGraph,
    store: CodeStore,
    stored: ReadonlySet<string>,
    storedCounts: { readonly symbols: number; readonly edges: number },
  ) {
    this.#memory = memory;
    this.#store = store;
    this.#stored = stored;
    this.#storedCounts = storedCounts;
  }

  get symbolCount(): number {
    return this.#memory.symbolCount + this.#storedCounts.symbols;
  }

  get edgeCount(): number {
    return this.#memory.edgeCount + this.#storedCounts.edges + this.#added.size;
  }

  symbol(id: string): CodeSymbol | undefined {
    const inMemory = this.#memory.symbol(id);
    if (inMemory) return inMemory;
    let found = this.#symbols.get(id);
    if (found === undefined) {
      found = this.#store.symbol(id, this.#stored) ?? null;
      this.#symbols.set(id, found);
    }
    return found ?? undefined;
  }

  *symbols(): Iterable<CodeSymbol> {
    yield* this.#memory.symbols();
    for (const symbol of this.#store.allSymbols(this.#stored))
      if (!this.#memory.symbol(symbol.id)) yield symbol;
  }

  symbolsNamed(name: string): readonly CodeSymbol[] {
    return [...this.#memory.symbolsNamed(name), ...this.#store.symbolsNamed(name, this.#stored)];
  }

  symbolFiles(): Iterable<string> {
    // Asked once per endpoint form tried (`uniqueEndpoint` tries several): read once.
    this.#files ??= new Set([...this.#memory.symbolFiles(), ...this.#store.symbolFiles(this.#stored)]);
    return this.#files;
  }

  symbolsInFile(file: string): readonly CodeSymbol[] {
    return [...this.#memory.symbolsInFile(file), ...this.#store.symbolsInFile(file, this.#stored)];
  }

  outgoing(id: string): readonly CallEdge[] {
    if (this.#memory.symbol(id)) return this.#memory.outgoing(id);
    return this.#calls(id, 'to');
  }

  incoming(id: string): readonly CallEdge[] {
    if (this.#memory.symbol(id)) return this.#memory.incoming(id);
    return this.#calls(id, 'from');
  }

  *edges(): Iterable<CallEdge> {
    yield* this.#memory.edges();
    yield* this.#store.allEdges(this.#stored);
    for (const list of this.#addedOut.values()) yield* list;
  }

  addEdges(edges: Iterable<CallEdge>): CallEdge[] {
    const added: CallEdge[] = [];
    for (const edge of edges) {
      if (this.#memory.symbol(edge.from) && this.#memory.symbol(edge.to)) {
        added.push(...this.#memory.addEdges([edge]));
        continue;
      }
      const key = edgeKey(edge);
      if (this.#added.has(key) || !this.symbol(edge.from) || !this.symbol(edge.to)) continue;
      if (this.#store.hasEdge(edge, this.#stored)) continue;
      this.#added.add(key);
      push(this.#addedOut, edge.from, edge);
      push(this.#addedIn, edge.to, edge);
      this.#out.delete(edge.from);
      this.#in.delete(edge.to);
      added.push(edge);
    }
    return added;
  }

  /** Calls from (`other` = 'to') or to (`other` = 'from') a stored symbol, read once and kept sorted. */
  #calls(id: string, other: 'from' | 'to'): readonly CallEdge[] {
    const cache = other === 'to' ? this.#out : this.#in;
    let list = cache.get(id);
    if (!list) {
      const read =
        other === 'to' ? this.#store.outgoing(id, this.#stored) : this.#store.incoming(id, this.#stored);
      const added = (other === 'to' ? this.#addedOut : this.#addedIn).get(id) ?? [];
      // Edges whose other end is not a symbol of the graph are left out, as CallGraph leaves them out.
      list = sortCalls(
        [...read, ...added].filter((edge) => this.symbol(edge[other])),
        other,
        (symbol) => this.symbol(symbol),
      );
      cache.set(id, list);
    }
    return list;
  }
}

function push(map: Map<string, CallEdge[]>, id: string, edge: CallEdge): void {
  const list = map.get(id);
  if (list) list.push(edge);
  else map.set(id, [edge]);
}
