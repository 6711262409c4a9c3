// Call trees (code intelligence): the callers or callees of a symbol to a depth, as an editor's call hierarchy shows
// them, each link with every call site and cycles marked. Pure: a graph in, the public tree out.
import { compareEdges, publicSymbol, sitesOf } from './format.js';
import { compareSymbols, type GraphView } from './graph.js';
import type { CallEdge, CodeSymbol } from './model.js';
import type { CallTreeNode } from './service.js';

export type TreeDirection = 'callers' | 'callees';

export interface TreeLimits {
  /** Levels below the root. */
  readonly depth: number;
  /** Most children per node. */
  readonly maxChildren: number;
  /** Most nodes in the whole tree, the root included. */
  readonly maxNodes: number;
}

export interface BuiltTree {
  readonly tree: CallTreeNode;
  /** Nodes left out for `maxNodes` (or `maxChildren`): the tree is not all there is within the depth. */
  readonly cut: boolean;
  /** Some link of the tree was resolved by name only. */
  readonly heuristic: boolean;
}

interface Link {
  readonly symbol: CodeSymbol;
  readonly edges: CallEdge[];
}

/** The callers (callees) of `id`, one per symbol with all its calls; precise links first, then by first call site. */
function linksOf(graph: GraphView, id: string, direction: TreeDirection): Link[] {
  const edges = direction === 'callers' ? graph.incoming(id) : graph.outgoing(id);
  const bySymbol = new Map<string, CallEdge[]>();
  for (const edge of edges) {
    const other = direction === 'callers' ? edge.from : edge.to;
    const list = bySymbol.get(other);
    if (list) list.push(edge);
    else bySymbol.set(other, [edge]);
  }
  const links: Link[] = [];
  for (const [other, list] of bySymbol) {
    const symbol = graph.symbol(other);
    if (symbol) links.push({ symbol, edges: list.sort(compareEdges) });
  }
  return links.sort((a, b) => compareEdges(a.edges[0]!, b.edges[0]!) || compareSymbols(a.symbol, b.symbol));
}

/** `new X()` of a class that declares no constructor reaches the class itself: nothing of it runs, so it is a leaf. */
const isInstantiation = (symbol: CodeSymbol, edges: readonly CallEdge[]): boolean =>
  symbol.kind === 'class' && edges.every((edge) => edge.kind === 'constructor');

interface Pending {
  readonly node: CallTreeNode;
  readonly id: string;
  readonly level: number;
  /** Ids of the symbols on the branch from the root down to this node, itself included. */
  readonly branch: ReadonlySet<string>;
}

/**
 * The tree of callers (or callees) of `root` to `limits.depth` levels, built level by level so that a cut for size
 * falls on the deepest levels. A symbol already on the branch above is shown, marked as a cycle, and not expanded.
 */
export function callTree(
  graph: GraphView,
  root: CodeSymbol,
  direction: TreeDirection,
  limits: TreeLimits,
): BuiltTree {
  const tree: CallTreeNode = {
    ...publicSymbol(root),
    edge: null,
    call: null,
    calls: [],
    cycle: false,
    more: 0,
    children: [],
  };
  let nodes = 1;
  let cut = false;
  let heuristic = false;
  let queue: Pending[] = [{ node: tree, id: root.id, level: 0, branch: new Set([root.id]) }];
  while (queue.length > 0) {
    const next: Pending[] = [];
    for (const { node, id, level, branch } of queue) {
      const links = linksOf(graph, id, direction);
      if (level >= limits.depth) {
        node.more = links.length;
        continue;
      }
      for (const link of links) {
        if (node.children.length >= limits.maxChildren || nodes >= limits.maxNodes) {
          cut = true;
          break;
        }
        const sites = sitesOf(link.edges);
        const first = sites[0]!;
        if (link.edges.some((edge) => edge.kind === 'heuristic')) heuristic = true;
        const cycle = branch.has(link.symbol.id);
        const child: CallTreeNode = {
          ...publicSymbol(link.symbol),
          edge: first.edge,
          call: { file: first.file, line: first.line, column: first.column, text: first.text },
          calls: sites,
          cycle,
          more: 0,
          children: [],
        };
        node.children.push(child);
        nodes++;
        const leaf = cycle || (direction === 'callees' && isInstantiation(link.symbol, link.edges));
        if (!leaf) {
          next.push({
            node: child,
            id: link.symbol.id,
            level: level + 1,
            branch: new Set([...branch, link.symbol.id]),
          });
        }
      }
      node.more = links.length - node.children.length;
    }
    queue = next;
  }
  return { tree, cut, heuristic };
}
