// Path finder (code intelligence): shortest and K shortest simple call paths on the model, precise edges first.
import { compareSites, type GraphView } from './graph.js';
import { type CallEdge, type CodeSymbol, edgeCost } from './model.js';
import { MinHeap } from '../util/min-heap.js';

/** One hop: the symbol reached and the call that reached it (null for the first). */
export interface PathStep {
  readonly symbol: CodeSymbol;
  readonly edge: CallEdge | null;
}

export interface CallPath {
  readonly steps: readonly PathStep[];
  /** Sum of `edgeCost` over the calls. */
  readonly cost: number;
}

export interface PathLimits {
  /** Most calls (edges) on a path; a path of N calls has N + 1 hops. */
  readonly maxDepth: number;
}

interface SearchOptions extends PathLimits {
  readonly bannedNodes?: ReadonlySet<string>;
  /** `from\0to` pairs that may not be used. */
  readonly bannedLinks?: ReadonlySet<string>;
}

interface Label {
  readonly node: string;
  readonly cost: number;
  readonly hops: number;
  readonly parent: Label | null;
  readonly edge: CallEdge | null;
  readonly seq: number;
}

const linkKey = (from: string, to: string): string => `${from}\0${to}`;

/** True when a path uses an edge resolved by name only. */
export function usesHeuristic(path: CallPath): boolean {
  return path.steps.some((step) => step.edge?.kind === 'heuristic');
}

/**
 * The cheapest call path from `from` to `to` with at most `maxDepth` calls, or null. Several calls from one
 * symbol to another count as one link, through the cheapest, earliest call site. Equal-cost paths are broken
 * by fewer calls, then by call-site order, so the answer is the same on every run.
 */
export function shortestPath(
  graph: GraphView,
  from: string,
  to: string,
  options: SearchOptions,
): CallPath | null {
  const start = graph.symbol(from);
  if (!start || options.bannedNodes?.has(from)) return null;
  if (from === to) return { steps: [{ symbol: start, edge: null }], cost: 0 };
  let seq = 0;
  const heap = new MinHeap<Label>((a, b) => a.cost - b.cost || a.hops - b.hops || a.seq - b.seq);
  // A label is worth expanding only with fewer hops than every cheaper-or-equal label already settled there
  // (costs are positive, so a label that revisits a node is always dominated: paths found are simple).
  const fewestHops = new Map<string, number>();
  heap.push({ node: from, cost: 0, hops: 0, parent: null, edge: null, seq: seq++ });
  for (let label = heap.pop(); label; label = heap.pop()) {
    const best = fewestHops.get(label.node);
    if (best !== undefined && best <= label.hops) continue;
    fewestHops.set(label.node, label.hops);
    if (label.node === to) return pathOf(graph, label);
    if (label.hops >= options.maxDepth) continue;
    for (const edge of cheapestLinks(graph.outgoing(label.node))) {
      if (options.bannedNodes?.has(edge.to) || options.bannedLinks?.has(linkKey(edge.from, edge.to)))
        continue;
      const reached = fewestHops.get(edge.to);
      if (reached !== undefined && reached <= label.hops + 1) continue;
      heap.push({
        node: edge.to,
        cost: label.cost + edgeCost(edge.kind),
        hops: label.hops + 1,
        parent: label,
        edge,
        seq: seq++,
      });
    }
  }
  return null;
}

/**
 * Up to `k` shortest simple paths (Yen's algorithm), cheapest first, equal costs ordered by their hops'
 * file and line. Paths through heuristic edges are returned only when no precise path exists at all.
 */
export function kShortestPaths(
  graph: GraphView,
  from: string,
  to: string,
  options: PathLimits & { readonly k: number },
): CallPath[] {
  const first = shortestPath(graph, from, to, options);
  if (!first) return [];
  const found: CallPath[] = [first];
  const seen = new Set([nodeKey(first)]);
  const candidates: CallPath[] = [];
  const precise = !usesHeuristic(first);
  while (found.length < options.k) {
    const previous = found[found.length - 1]!;
    for (let i = 0; i < previous.steps.length - 1; i++) {
      const root = previous.steps.slice(0, i + 1);
      const spurNode = root[i]!.symbol.id;
      const bannedLinks = new Set<string>();
      for (const path of found) {
        if (sharesRoot(path, root)) bannedLinks.add(linkKey(spurNode, path.steps[i + 1]!.symbol.id));
      }
      const bannedNodes = new Set(root.slice(0, i).map((step) => step.symbol.id));
      const spur = shortestPath(graph, spurNode, to, {
        maxDepth: options.maxDepth - i,
        bannedNodes,
        bannedLinks,
      });
      if (!spur) continue;
      const joined: CallPath = {
        steps: [...root, ...spur.steps.slice(1)],
        cost: root.reduce((sum, step) => sum + (step.edge ? edgeCost(step.edge.kind) : 0), 0) + spur.cost,
      };
      const key = nodeKey(joined);
      if (seen.has(key)) continue;
      seen.add(key);
      candidates.push(joined);
    }
    if (candidates.length === 0) break;
    candidates.sort(comparePaths);
    const next = candidates.shift()!;
    if (precise && usesHeuristic(next)) break;
    found.push(next);
  }
  return found;
}

/** Cheaper first; then fewer hops; then by each hop's file and line, then call site. */
export function comparePaths(a: CallPath, b: CallPath): number {
  if (a.cost !== b.cost) return a.cost - b.cost;
  if (a.steps.length !== b.steps.length) return a.steps.length - b.steps.length;
  for (let i = 0; i < a.steps.length; i++) {
    const x = a.steps[i]!;
    const y = b.steps[i]!;
    const bySymbol = compareSites(
      { file: x.symbol.file, line: x.symbol.line, column: x.symbol.column },
      { file: y.symbol.file, line: y.symbol.line, column: y.symbol.column },
    );
    if (bySymbol !== 0) return bySymbol;
    if (x.edge && y.edge) {
      const bySite = compareSites(x.edge.call, y.edge.call);
      if (bySite !== 0) return bySite;
    }
  }
  return 0;
}

/** Per callee, the cheapest edge, earliest call site first (edges arrive in call-site order). */
function cheapestLinks(edges: readonly CallEdge[]): CallEdge[] {
  const best = new Map<string, CallEdge>();
  for (const edge of edges) {
    const current = best.get(edge.to);
    if (!current || edgeCost(edge.kind) < edgeCost(current.kind)) best.set(edge.to, edge);
  }
  return [...best.values()];
}

function pathOf(graph: GraphView, last: Label): CallPath {
  const steps: PathStep[] = [];
  for (let label: Label | null = last; label; label = label.parent) {
    steps.push({ symbol: graph.symbol(label.node)!, edge: label.edge });
  }
  return { steps: steps.reverse(), cost: last.cost };
}

function nodeKey(path: CallPath): string {
  return path.steps.map((step) => step.symbol.id).join('\0');
}

function sharesRoot(path: CallPath, root: readonly PathStep[]): boolean {
  if (path.steps.length <= root.length) return false;
  return root.every((step, i) => path.steps[i]!.symbol.id === step.symbol.id);
}
