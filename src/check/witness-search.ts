// Witness search (`office check`): for each symbol a rule starts from, its shortest call path into the rule's target
// set — through a `via` set when one is given, never through a banned symbol — from one backward search per rule.
import type { GraphView } from '../code/graph.js';
import { type CallEdge, type CodeSymbol, edgeCost } from '../code/model.js';
import { MinHeap } from '../util/min-heap.js';

/** The graph with symbols numbered and calls listed both ways, built once and searched by every rule. */
export interface IndexedGraph {
  readonly view: GraphView;
  readonly ids: readonly string[];
  readonly position: ReadonlyMap<string, number>;
  /** Calls made by each symbol, in call-site order. */
  readonly out: readonly (readonly Link[])[];
  /** Calls reaching each symbol. */
  readonly in: readonly (readonly Link[])[];
}

interface Link {
  readonly from: number;
  readonly to: number;
  readonly edge: CallEdge;
  readonly cost: number;
}

export interface PathQuery {
  readonly targets: ReadonlySet<string>;
  /** When given, a path counts only if one of its symbols (its ends included) is in this set. */
  readonly via?: ReadonlySet<string>;
  /** Symbols no path may use (its ends included). */
  readonly banned?: ReadonlySet<string>;
}

export interface WitnessStep {
  readonly symbol: CodeSymbol;
  /** The call that reached this symbol; null on the first step. */
  readonly edge: CallEdge | null;
  /** Whether the path has passed the `via` set by this step (always false without `via`). */
  readonly passedVia: boolean;
}

/** A shortest path from a source into the targets: at least one call, ending at the first target it reaches. */
export interface Witness {
  readonly steps: readonly WitnessStep[];
  /** Sum of `edgeCost` over the calls: a path with a heuristic call costs more than any precise one. */
  readonly cost: number;
}

export interface WitnessSearch {
  /** The shortest path from `source` (cheapest, then fewest calls, then earliest call sites), if any. */
  witness(source: string): Witness | undefined;
}

export function indexGraph(view: GraphView): IndexedGraph {
  const ids = [...view.symbols()].map((symbol) => symbol.id);
  const position = new Map(ids.map((id, i) => [id, i]));
  const out: Link[][] = ids.map(() => []);
  const incoming: Link[][] = ids.map(() => []);
  ids.forEach((id, from) => {
    for (const edge of view.outgoing(id)) {
      const to = position.get(edge.to);
      if (to === undefined) continue;
      const link = { from, to, edge, cost: edgeCost(edge.kind) };
      out[from]!.push(link);
      incoming[to]!.push(link);
    }
  });
  return { view, ids, position, out, in: incoming };
}

/**
 * Distances to the targets for every (symbol, passed-via) state, by Dijkstra backwards from the targets; a
 * witness is then read forwards, taking at each symbol the first call (in call-site order) that stays shortest.
 * Paths may revisit a symbol only on either side of the `via` set (a call chain with recursion through it).
 */
export function searchWitnesses(graph: IndexedGraph, query: PathQuery): WitnessSearch {
  const n = graph.ids.length;
  const phases = query.via ? 2 : 1;
  const final = phases - 1;
  const inVia = mask(graph, query.via);
  const banned = mask(graph, query.banned);
  const cost = new Float64Array(n * phases).fill(Number.POSITIVE_INFINITY);
  const hops = new Int32Array(n * phases);
  const settled = new Uint8Array(n * phases);
  // Search states by (cost, calls) at the time of pushing; stale entries are skipped on pop.
  const heap = new MinHeap<{ state: number; cost: number; hops: number }>(
    (a, b) => a.cost - b.cost || a.hops - b.hops,
  );
  const push = (state: number) => heap.push({ state, cost: cost[state]!, hops: hops[state]! });

  for (const id of query.targets) {
    const t = graph.position.get(id);
    if (t === undefined || banned[t]) continue;
    const state = t * phases + final;
    cost[state] = 0;
    push(state);
  }
  const relax = (state: number, through: number, link: Link): void => {
    const c = cost[through]! + link.cost;
    const h = hops[through]! + 1;
    if (c < cost[state]! || (c === cost[state]! && h < hops[state]!)) {
      cost[state] = c;
      hops[state] = h;
      push(state);
    }
  };
  for (let state = heap.pop()?.state; state !== undefined; state = heap.pop()?.state) {
    if (settled[state]) continue;
    settled[state] = 1;
    const v = Math.floor(state / phases);
    const phase = state % phases;
    for (const link of graph.in[v]!) {
      const u = link.from;
      if (banned[u]) continue;
      if (phases === 1) {
        relax(u, state, link);
      } else if (inVia[v]) {
        // Entering a via symbol passes the set, whatever came before.
        if (phase === 1) {
          relax(u * 2 + 1, state, link);
          if (!inVia[u]) relax(u * 2, state, link);
        }
      } else if (phase === 1 || !inVia[u]) {
        relax(u * 2 + phase, state, link);
      }
    }
  }

  const phaseAfter = (phase: number, to: number): number => (phase === 1 || inVia[to] ? 1 : 0) & final;
  const symbolAt = (i: number): CodeSymbol => graph.view.symbol(graph.ids[i]!)!;

  return {
    witness(source) {
      const s = graph.position.get(source);
      if (s === undefined || banned[s]) return undefined;
      const startPhase = inVia[s] ? final : 0;
      // The first call is chosen over the source's calls, so that a path has at least one call.
      let first: { link: Link; state: number; cost: number; hops: number } | undefined;
      for (const link of graph.out[s]!) {
        if (banned[link.to]) continue;
        const state = link.to * phases + phaseAfter(startPhase, link.to);
        if (cost[state] === Number.POSITIVE_INFINITY) continue;
        const c = link.cost + cost[state]!;
        const h = 1 + hops[state]!;
        if (!first || c < first.cost || (c === first.cost && h < first.hops)) {
          first = { link, state, cost: c, hops: h };
        }
      }
      if (!first) return undefined;
      const steps: WitnessStep[] = [
        { symbol: symbolAt(s), edge: null, passedVia: startPhase === 1 && phases === 2 },
      ];
      let state = first.state;
      let edge = first.link.edge;
      for (;;) {
        const v = Math.floor(state / phases);
        const phase = state % phases;
        steps.push({ symbol: symbolAt(v), edge, passedVia: phases === 2 && phase === 1 });
        if (cost[state] === 0) break;
        const next = graph.out[v]!.find((link) => {
          if (banned[link.to]) return false;
          const after = link.to * phases + phaseAfter(phase, link.to);
          return cost[after]! + link.cost === cost[state] && hops[after]! + 1 === hops[state];
        })!;
        state = next.to * phases + phaseAfter(phase, next.to);
        edge = next.edge;
      }
      return { steps, cost: first.cost };
    },
  };
}

function mask(graph: IndexedGraph, ids: ReadonlySet<string> | undefined): Uint8Array {
  const bits = new Uint8Array(graph.ids.length);
  for (const id of ids ?? []) {
    const i = graph.position.get(id);
    if (i !== undefined) bits[i] = 1;
  }
  return bits;
}
