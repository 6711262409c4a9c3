// Lazy refinement (code intelligence): asks adapters to resolve the costly calls only where a query reaches,
// repeating until nothing new is reachable, and remembers what was resolved for the next run on the same tree.
import type { GraphView } from './graph.js';
import type { CodeIndex, IndexPart } from './indexer.js';
import type { CallEdge } from './model.js';

export interface RefineSeeds {
  /** Resolve calls made inside symbols reachable forward from these. */
  readonly forward?: readonly string[];
  /** Resolve calls that may reach symbols that reach these. */
  readonly backward?: readonly string[];
}

/**
 * Refines the symbols within `depth` calls of the seeds (forward from `forward`, backward from `backward`),
 * adds the new edges to the index's graph, expands again over them, and stops at the fixpoint. Returns how
 * many edges were added.
 */
export async function refineReachable(
  index: CodeIndex,
  seeds: RefineSeeds,
  depth: number,
  signal?: AbortSignal,
): Promise<number> {
  if (!index.parts.some((part) => part.refinable)) return 0;
  let added = 0;
  let asked = false;
  for (;;) {
    signal?.throwIfAborted();
    const requests = new Map<IndexPart, { outgoingFrom: string[]; incomingTo: string[] }>();
    const request = (id: string, direction: 'outgoingFrom' | 'incomingTo'): void => {
      const symbol = index.graph.symbol(id);
      const part = symbol && index.partOfFile.get(symbol.file);
      if (!part?.refinable) return;
      // Out of the adapter's scope, refinement has nothing to add: no link is needed for it.
      if (part.refineScope && !part.refineScope[direction].has(id)) return;
      const done = direction === 'outgoingFrom' ? part.refinedOutgoing : part.refinedIncoming;
      if (done.has(id)) return;
      done.add(id);
      let entry = requests.get(part);
      if (!entry) {
        entry = { outgoingFrom: [], incomingTo: [] };
        requests.set(part, entry);
      }
      entry[direction].push(id);
    };
    for (const id of reachable(index.graph, seeds.forward ?? [], depth, 'forward'))
      request(id, 'outgoingFrom');
    for (const id of reachable(index.graph, seeds.backward ?? [], depth, 'backward'))
      request(id, 'incomingTo');
    if (requests.size === 0) break;
    asked = true;
    for (const [part, { outgoingFrom, incomingTo }] of requests) {
      let edges: readonly CallEdge[];
      try {
        const linked = await part.linked();
        edges = await linked.refine!({
          ...(outgoingFrom.length > 0 ? { outgoingFrom } : {}),
          ...(incomingTo.length > 0 ? { incomingTo } : {}),
        });
      } catch (err) {
        // Refinement only adds precision: without it the syntactic edges still stand.
        index.problems.push(`${part.adapter.id}: refining calls failed (${(err as Error).message})`);
        continue;
      }
      const fresh = index.graph.addEdges(edges);
      part.refinedEdges.push(...fresh);
      added += fresh.length;
    }
  }
  if (asked) await saveRefinements(index);
  return added;
}

/** Symbols within `depth` calls of the seeds (the seeds included), following edges one way. */
export function reachable(
  graph: GraphView,
  seeds: readonly string[],
  depth: number,
  direction: 'forward' | 'backward',
): Set<string> {
  const seen = new Set(seeds.filter((id) => graph.symbol(id)));
  let frontier = [...seen];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      const edges = direction === 'forward' ? graph.outgoing(id) : graph.incoming(id);
      for (const edge of edges) {
        const other = direction === 'forward' ? edge.to : edge.from;
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

async function saveRefinements(index: CodeIndex): Promise<void> {
  const store = index.store;
  if (!store) return;
  const adapters = new Map(
    index.parts
      .filter((part) => part.refinable)
      .map((part) => {
        const memo = part.memo();
        return [
          part.adapter.id,
          {
            fingerprint: part.fingerprint,
            outgoing: [...part.refinedOutgoing],
            incoming: [...part.refinedIncoming],
            edges: part.refinedEdges,
            ...(memo !== undefined ? { memo: { key: part.memoKey, value: memo } } : {}),
          },
        ];
      }),
  );
  try {
    store.writeRefinements(adapters);
  } catch (err) {
    index.problems.push(`could not write the code store ${store.path} (${(err as Error).message})`);
  }
}
