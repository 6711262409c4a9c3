// Code index service (code intelligence): answers symbol, caller, callee, trace and graph queries over the
// index of a directory, keeping the last index per directory in memory and refining lazily per query.
import { minifiedNote } from '../util/minified.js';
import { UsageError } from '../errors.js';
import {
  choosePair,
  closestNames,
  describeSymbol,
  type Endpoint,
  matchEndpoint,
  notFoundNote,
  parseEndpoint,
  qualifyHint,
  uniqueEndpoint,
} from './endpoints.js';
import { tooLargeNote } from '../util/too-large.js';
import { callTree } from './call-tree.js';
import { graphJson, hopsOf, publicSymbol } from './format.js';
import { buildIndex, type CodeIndex, type IndexerOptions, type IndexPart, indexRoot } from './indexer.js';
import type { CallEdge, CodeSymbol } from './model.js';
import { kShortestPaths, usesHeuristic } from './paths.js';
import { refineReachable } from './refine.js';
import {
  type CodeIndexService,
  type FindSymbolResult,
  type GraphJson,
  type IndexOptions,
  type IndexStats,
  MAX_TREE_DEPTH,
  type NeighbourLimits,
  type NeighboursResult,
  type PathCheck,
  type TraceQuery,
  type TraceResult,
} from './service.js';

export interface CodeServiceOptions
  extends Pick<IndexerOptions, 'adapters' | 'exclude' | 'maxFileBytes' | 'indexMinified'> {
  /** Config `code.maxDepth`: the default bound on calls per path. */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 16;
const DEFAULT_MAX_RESULTS = 200;
/** Most symbols in one caller or callee tree (the same symbol counts once per place it appears). */
const MAX_TREE_NODES = 2_000;
/** Past this many (from, to) pairs, asking the user to qualify a name beats searching them all. */
const MAX_PAIRS = 100;
const MAX_PROBLEM_NOTES = 5;
/** "1 call", "16 calls": path lengths and --max-depth count calls (the arrows), not the functions on a path. */
const callsText = (n: number): string => `${n} call${n === 1 ? '' : 's'}`;
const RAISE_CAP = '--max-file-bytes (or code.maxFileBytes in .office.config.json)';

export function createCodeIndexService(options: CodeServiceOptions = {}): CodeIndexService {
  const latest = new Map<string, CodeIndex>();
  const building = new Map<string, Promise<CodeIndex>>();

  /** A fresh index of `dir` (walked and hashed again), reusing what is unchanged. One build per dir at a time. */
  async function load(dir: string, indexOptions: IndexOptions = {}): Promise<CodeIndex> {
    const root = await indexRoot(dir);
    const running = building.get(root);
    if (running) await running.catch(() => undefined);
    const build = buildIndex(
      root,
      {
        ...(options.adapters ? { adapters: options.adapters } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
        ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
        ...(options.indexMinified ? { indexMinified: true } : {}),
        ...(indexOptions.onProgress ? { onProgress: indexOptions.onProgress } : {}),
        ...(indexOptions.signal ? { signal: indexOptions.signal } : {}),
      },
      latest.get(root),
    );
    building.set(root, build);
    try {
      const index = await build;
      latest.set(root, index);
      indexOptions.onIndexed?.(index.stats);
      return index;
    } finally {
      if (building.get(root) === build) building.delete(root);
    }
  }

  function statsAfterQuery(index: CodeIndex): IndexStats {
    return { ...index.stats, symbols: index.graph.symbolCount, edges: index.graph.edgeCount };
  }

  function problemNotes(index: CodeIndex): string[] {
    // A file over the size cap may hold the very symbol asked for: say so next to any answer.
    const skipped = tooLargeNote(index.stats.too_large, 'indexed', RAISE_CAP);
    const minified = minifiedNote(index.stats.minified);
    const notes = [
      ...(skipped ? [skipped] : []),
      ...(minified ? [minified] : []),
      ...index.problems.slice(0, MAX_PROBLEM_NOTES),
    ];
    if (index.problems.length > MAX_PROBLEM_NOTES) {
      notes.push(`and ${index.problems.length - MAX_PROBLEM_NOTES} more files or caches with problems`);
    }
    if (index.stats.files === 0)
      notes.push(`no source file that office can index was found in ${index.root}`);
    return notes;
  }

  function depthOf(requested: number | undefined): number {
    const depth = requested ?? options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(depth) || depth < 1 || depth > 64) {
      throw new UsageError(`max depth must be a whole number of calls from 1 to 64 (got ${depth}).`);
    }
    return depth;
  }

  async function neighbours(
    dir: string,
    query: string,
    direction: 'callers' | 'callees',
    neighbourOptions: IndexOptions & NeighbourLimits,
  ): Promise<NeighboursResult> {
    const depth = neighbourOptions.depth ?? 1;
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) {
      throw new UsageError(
        `depth must be a whole number of calls from 1 to ${MAX_TREE_DEPTH} (got ${depth}).`,
      );
    }
    const index = await load(dir, neighbourOptions);
    const endpoint = parseEndpoint(query);
    const matches = matchEndpoint(index.graph, endpoint);
    const base = { direction, calls: [], depth, tree: null, notes: problemNotes(index) };
    if (matches.length !== 1) {
      return {
        ...base,
        status: matches.length === 0 ? 'not_found' : 'ambiguous',
        symbol: null,
        candidates: matches.map(publicSymbol),
        notes: [
          matches.length === 0
            ? notFoundNote(index.graph, endpoint)
            : `"${query}" names ${matches.length} symbols; ${qualifyHint(index.graph, query, matches)}`,
          ...base.notes,
        ],
        stats: statsAfterQuery(index),
      };
    }
    const symbol = matches[0]!;
    // To `depth`, not `depth - 1`: the leaves' own callers (callees) are resolved too, so that `more` counts them all.
    await refineReachable(
      index,
      direction === 'callers' ? { backward: [symbol.id] } : { forward: [symbol.id] },
      depth,
      neighbourOptions.signal,
    );
    const edges = direction === 'callers' ? index.graph.incoming(symbol.id) : index.graph.outgoing(symbol.id);
    const limit = neighbourOptions.maxResults ?? DEFAULT_MAX_RESULTS;
    const built = callTree(index.graph, symbol, direction, {
      depth,
      maxChildren: limit,
      maxNodes: MAX_TREE_NODES,
    });
    const notes = [...base.notes];
    // One level deep, the note on `calls` below says the same.
    if (built.cut && depth > 1) {
      notes.unshift(
        `the tree is cut (at most ${limit} ${direction} per symbol, ${MAX_TREE_NODES} symbols in all); ` +
          'a node with more says how many',
      );
    }
    if (edges.length > limit) notes.unshift(`${edges.length - limit} more ${direction} not shown`);
    if (built.heuristic || edges.some((edge) => edge.kind === 'heuristic')) {
      notes.unshift(
        'calls marked heuristic were matched by method name only: the receiver could not be typed',
      );
    }
    return {
      ...base,
      status: 'found',
      symbol: publicSymbol(symbol),
      candidates: [publicSymbol(symbol)],
      calls: edges.slice(0, limit).map((edge) => ({
        symbol: publicSymbol(index.graph.symbol(direction === 'callers' ? edge.from : edge.to)!),
        call: { ...edge.call },
        edge: edge.kind,
      })),
      tree: built.tree,
      notes,
      stats: statsAfterQuery(index),
    };
  }

  async function trace(query: TraceQuery, traceOptions: IndexOptions = {}): Promise<TraceResult> {
    const maxDepth = depthOf(query.maxDepth);
    const maxPaths = query.maxPaths ?? 1;
    if (!Number.isInteger(maxPaths) || maxPaths < 1 || maxPaths > 100) {
      throw new UsageError(`max paths must be a whole number from 1 to 100 (got ${maxPaths}).`);
    }
    const fromEndpoint = parseEndpoint(query.from);
    const toEndpoint = parseEndpoint(query.to);
    const index = await load(query.dir, traceOptions);
    const graph = index.graph;
    const fromCandidates = matchEndpoint(graph, fromEndpoint);
    const toCandidates = matchEndpoint(graph, toEndpoint);
    const result = (fields: Partial<TraceResult> & Pick<TraceResult, 'status'>): TraceResult => ({
      from: null,
      to: null,
      candidates: { from: fromCandidates.map(publicSymbol), to: toCandidates.map(publicSymbol) },
      paths: [],
      ...fields,
      notes: [...(fields.notes ?? []), ...problemNotes(index)],
      stats: statsAfterQuery(index),
    });

    if (fromCandidates.length === 0 || toCandidates.length === 0) {
      const unknown: Endpoint[] = [];
      if (fromCandidates.length === 0) unknown.push(fromEndpoint);
      if (toCandidates.length === 0) unknown.push(toEndpoint);
      return result({
        status: 'not_found',
        ...(fromCandidates.length === 1 ? { from: publicSymbol(fromCandidates[0]!) } : {}),
        ...(toCandidates.length === 1 ? { to: publicSymbol(toCandidates[0]!) } : {}),
        notes: unknown.map((endpoint) => notFoundNote(graph, endpoint)),
      });
    }
    if (fromCandidates.length * toCandidates.length > MAX_PAIRS) {
      return result({
        status: 'ambiguous',
        notes: [
          `${fromCandidates.length} symbols match "${query.from}" and ${toCandidates.length} match "${query.to}"; ` +
            'qualify them as path/file.ts:name, path/file.ts:Class.method or path/file.ts:LINE',
        ],
      });
    }

    // Forward refinement alone finds every path within the bound: each call on a path is made inside a
    // symbol reachable from `from` by the calls before it, so its pending sites are resolved. Refining
    // backward from `to` as well (incomingTo) added no edge here and cost four times as much on zod.
    await refineReachable(
      index,
      { forward: fromCandidates.map((s) => s.id) },
      maxDepth - 1,
      traceOptions.signal,
    );
    const choice = choosePair(fromCandidates, toCandidates, (from, to) =>
      kShortestPaths(graph, from.id, to.id, { k: maxPaths, maxDepth }),
    );
    if (choice.type === 'not_connected') {
      return result({
        status: 'not_found',
        from: publicSymbol(choice.from),
        to: publicSymbol(choice.to),
        notes: [
          `no call path from ${describeSymbol(choice.from)} to ${describeSymbol(choice.to)} within ${callsText(maxDepth)}`,
        ],
      });
    }
    if (choice.type === 'ambiguous') {
      const named = (symbol: CodeSymbol) => uniqueEndpoint(graph, symbol);
      const notes =
        choice.connecting.length === 0
          ? [
              `no pair of candidates connects within ${callsText(maxDepth)}`,
              ...(fromCandidates.length > 1 ? [qualifyHint(graph, query.from, fromCandidates)] : []),
              ...(toCandidates.length > 1 ? [qualifyHint(graph, query.to, toCandidates)] : []),
            ]
          : [
              `${choice.connecting.length} candidate pairs connect: ` +
                choice.connecting.map(([a, b]) => `${named(a)} → ${named(b)}`).join('; ') +
                '; trace one pair by those names',
            ];
      return result({ status: 'ambiguous', notes });
    }
    const notes: string[] = [];
    if (choice.note) notes.push(choice.note);
    const heuristic = choice.paths.filter(usesHeuristic);
    if (heuristic.length > 0) {
      const edge = heuristic[0]!.steps.find((step) => step.edge?.kind === 'heuristic')!.edge!;
      notes.push(
        `no precise path exists; ${heuristic.length === choice.paths.length ? 'every path uses' : 'some paths use'} ` +
          `a call matched by method name only (heuristic), e.g. at ${edge.call.file}:${edge.call.line}`,
      );
    }
    if (choice.paths.length < maxPaths && maxPaths > 1) {
      notes.push(
        `only ${choice.paths.length} distinct call path${choice.paths.length === 1 ? '' : 's'} within ${callsText(maxDepth)}`,
      );
    }
    const why = query.why ? await explainEdges(index, choice.paths) : undefined;
    return result({
      status: 'found',
      from: publicSymbol(choice.from),
      to: publicSymbol(choice.to),
      paths: choice.paths.map((path) => ({
        hops: hopsOf(path, graph).map((hop, i) => {
          const edge = path.steps[i]?.edge;
          const reasons = edge ? why?.get(edge) : undefined;
          return reasons ? { ...hop, why: reasons } : hop;
        }),
      })),
      notes,
    });
  }

  /**
   * Why each call on `paths` goes where it goes: the language's own explanation (the way a function value came to
   * the call), else the edge's note (the interface that dispatched, the class without a constructor).
   */
  async function explainEdges(
    index: CodeIndex,
    paths: readonly { readonly steps: ReadonlyArray<{ readonly edge?: CallEdge | null }> }[],
  ): Promise<Map<CallEdge, string[]>> {
    const edges = [
      ...new Set(paths.flatMap((path) => path.steps.flatMap((step) => (step.edge ? [step.edge] : [])))),
    ];
    const byPart = new Map<IndexPart, CallEdge[]>();
    for (const edge of edges) {
      const part = index.partOfFile.get(edge.call.file);
      if (part) byPart.set(part, [...(byPart.get(part) ?? []), edge]);
    }
    const explained = new Map<CallEdge, readonly string[] | undefined>();
    for (const [part, list] of byPart) {
      const steps = (await (await part.linked()).explain?.(list)) ?? [];
      for (const [i, edge] of list.entries()) explained.set(edge, steps[i]);
    }
    const why = new Map<CallEdge, string[]>();
    for (const edge of edges) {
      const steps = explained.get(edge);
      if (steps && steps.length > 0) why.set(edge, [...steps]);
      else if (edge.note) why.set(edge, [edge.note]);
    }
    return why;
  }

  async function verifyPaths(
    dir: string,
    paths: TraceResult['paths'],
    verifyOptions: IndexOptions = {},
  ): Promise<PathCheck> {
    const index = await load(dir, verifyOptions);
    const problems: string[] = [];
    for (const [p, path] of paths.entries()) {
      let previous: CodeSymbol | undefined;
      for (const [h, hop] of path.hops.entries()) {
        const where = `path ${p + 1}, hop ${h + 1} (${hop.qualified_name})`;
        const symbol = index.graph
          .symbolsInFile(hop.file)
          .find((s) => s.qualified_name === hop.qualified_name && s.line === hop.line);
        if (!symbol) {
          problems.push(`${where}: no symbol ${hop.qualified_name} at ${hop.file}:${hop.line}`);
        } else if (h === 0) {
          if (hop.call !== null) problems.push(`${where}: the first hop cannot have a call`);
        } else if (!hop.call || !hop.edge) {
          problems.push(`${where}: the hop has no call from the previous one`);
        } else if (previous) {
          const matches = (edge: CallEdge): boolean =>
            edge.to === symbol.id &&
            edge.kind === hop.edge &&
            edge.call.file === hop.call?.file &&
            edge.call.line === hop.call.line &&
            edge.call.column === hop.call.column &&
            edge.call.text === hop.call.text;
          if (!index.graph.outgoing(previous.id).some(matches)) {
            await refineReachable(index, { forward: [previous.id] }, 0, verifyOptions.signal);
          }
          if (!index.graph.outgoing(previous.id).some(matches)) {
            problems.push(
              `${where}: no ${hop.edge} call from ${previous.qualified_name} to ${hop.qualified_name} at ` +
                `${hop.call.file}:${hop.call.line}:${hop.call.column}`,
            );
          }
        }
        previous = symbol;
      }
    }
    return { ok: problems.length === 0, problems };
  }

  return {
    index: async (dir, indexOptions) => (await load(dir, indexOptions)).stats,
    async findSymbol(dir, query, findOptions): Promise<FindSymbolResult> {
      const endpoint = parseEndpoint(query);
      const index = await load(dir, findOptions);
      const matches = matchEndpoint(index.graph, endpoint);
      return {
        query,
        matches: matches.map(publicSymbol),
        suggestions: matches.length === 0 ? closestNames(index.graph, endpoint.name) : [],
        stats: statsAfterQuery(index),
      };
    },
    callers: (dir, symbol, callerOptions = {}) => neighbours(dir, symbol, 'callers', callerOptions),
    callees: (dir, symbol, calleeOptions = {}) => neighbours(dir, symbol, 'callees', calleeOptions),
    trace,
    async graph(dir, graphOptions = {}): Promise<GraphJson> {
      const index = await load(dir, graphOptions);
      if (graphOptions.refine !== false) {
        // Depth 0 from every symbol: each pending call is resolved once, in one round.
        const every = [...index.graph.symbols()].map((symbol) => symbol.id);
        await refineReachable(index, { forward: every }, 0, graphOptions.signal);
      }
      return graphJson(index.graph);
    },
    verifyPaths,
  };
}
