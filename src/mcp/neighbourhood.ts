// A symbol's neighbourhood ("Receptionist", code intelligence): the symbols up to N calls away, and the calls
// between them, found breadth-first through the code service's callers and callees (so each hop is as precise,
// and as lazily refined, as `office trace`'s).
import type { CodeIndexService, NeighboursResult, PublicSymbol } from '../code/service.js';
import type { Neighbourhood, NeighbourhoodInput } from '../schemas/mcp.js';

/** How a symbol is named in `edges`, and asked about again: the endpoint form `path/file.ts:Class.method`. */
export function refOf(symbol: PublicSymbol): string {
  return `${symbol.file}:${symbol.qualified_name}`;
}

type Edge = Neighbourhood['edges'][number];

export async function neighbourhood(
  code: CodeIndexService,
  dir: string,
  input: NeighbourhoodInput,
  signal: AbortSignal,
): Promise<Omit<Neighbourhood, 'stats'> & { stats: NeighboursResult['stats'] }> {
  const ask = (direction: 'callers' | 'callees', endpoint: string) =>
    direction === 'callers'
      ? code.callers(dir, endpoint, { signal, maxResults: input.max_symbols })
      : code.callees(dir, endpoint, { signal, maxResults: input.max_symbols });
  const directions = input.direction === 'both' ? (['callees', 'callers'] as const) : [input.direction];

  const first = await ask(directions[0]!, input.symbol);
  if (first.status !== 'found' || !first.symbol) {
    return {
      status: first.status,
      center: null,
      candidates: first.candidates,
      symbols: [],
      edges: [],
      notes: first.notes,
      stats: first.stats,
    };
  }

  const center = { ...first.symbol, ref: refOf(first.symbol), distance: 0 };
  const symbols = new Map([[center.ref, center]]);
  const edges = new Map<string, Edge>();
  const notes = new Set<string>();
  let stats = first.stats;
  let full = false;
  let frontier = [center];
  const known = new Map<string, NeighboursResult>([[`${directions[0]}\0${center.ref}`, first]]);

  for (let hop = 1; hop <= input.hops && frontier.length > 0 && !full; hop++) {
    const next: typeof frontier = [];
    for (const symbol of frontier) {
      for (const direction of directions) {
        const key = `${direction}\0${symbol.ref}`;
        const result = known.get(key) ?? (await ask(direction, symbol.ref));
        known.set(key, result);
        stats = result.stats;
        if (result.status !== 'found') {
          // Two symbols share a file and qualified name (e.g. same-named nested functions): skip, say so.
          notes.add(`${symbol.ref} could not be followed (${result.status}); it names more than one symbol`);
          continue;
        }
        for (const note of result.notes) notes.add(note);
        for (const call of result.calls) {
          const other = { ...call.symbol, ref: refOf(call.symbol), distance: hop };
          const [from, to] = direction === 'callees' ? [symbol.ref, other.ref] : [other.ref, symbol.ref];
          if (!symbols.has(other.ref)) {
            if (symbols.size >= input.max_symbols) {
              full = true;
              continue;
            }
            symbols.set(other.ref, other);
            next.push(other);
          }
          const edgeKey = `${from}\0${to}\0${call.call.file}:${call.call.line}:${call.call.column}`;
          edges.set(edgeKey, { from, to, call: call.call, edge: call.edge });
        }
      }
    }
    frontier = next;
  }
  if (full) notes.add(`stopped at max_symbols (${input.max_symbols}); raise it, or lower hops, to see more`);
  return {
    status: 'found',
    center,
    candidates: first.candidates,
    symbols: [...symbols.values()],
    edges: [...edges.values()],
    notes: [...notes],
    stats,
  };
}

/** The neighbourhood for a person: the centre, then each symbol by distance, then the calls. */
export function neighbourhoodText(n: Neighbourhood): string {
  if (n.status !== 'found' || !n.center) {
    return [
      `${n.status}`,
      ...n.notes,
      ...n.candidates.map((c) => `  ${c.qualified_name}  ${c.file}:${c.line}`),
    ].join('\n');
  }
  const lines = [
    `${n.center.qualified_name} (${n.center.file}:${n.center.line}): ${n.symbols.length - 1} symbols around it, ${n.edges.length} calls`,
  ];
  for (const s of n.symbols.slice(1)) {
    lines.push(`  ${s.distance} ${s.qualified_name}  ${s.file}:${s.line}`);
  }
  for (const e of n.edges) {
    lines.push(
      `  ${e.from} → ${e.to}  ${e.call.file}:${e.call.line}:${e.call.column}  ${e.call.text}  [${e.edge}]`,
    );
  }
  for (const note of n.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
