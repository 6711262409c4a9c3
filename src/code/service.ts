// Code intelligence seam: what tools and commands ask of the code index. Results are the public JSON shapes.
import { z } from 'zod';
import { tooLargeSchema } from '../util/too-large.js';
import { minifiedSchema } from '../util/minified.js';
import { type EdgeKind, edgeKinds, symbolKinds } from './model.js';

/** A symbol as shown to users (the `Symbol` of `office trace --json`). */
export const publicSymbolSchema = z.strictObject({
  name: z.string(),
  qualified_name: z.string(),
  kind: z.enum(symbolKinds),
  file: z.string(),
  line: z.int(),
});
export type PublicSymbol = z.infer<typeof publicSymbolSchema>;

export const publicCallSchema = z.strictObject({
  file: z.string(),
  line: z.int(),
  column: z.int(),
  text: z.string(),
});

/** One call site of a link between two symbols, with how it was resolved. */
export const publicSiteSchema = z.strictObject({ ...publicCallSchema.shape, edge: z.enum(edgeKinds) });
export type PublicSite = z.infer<typeof publicSiteSchema>;

/**
 * One hop of a path: the symbol reached, and the call that reached it (null on the first hop). `calls` holds every
 * call site from the previous hop to this one, the most precise and earliest first: `call` is its first. (Optional
 * in the schema only so that results stored before it existed still read.)
 */
export const hopSchema = z.strictObject({
  ...publicSymbolSchema.shape,
  call: publicCallSchema.nullable(),
  edge: z.enum(edgeKinds).nullable(),
  calls: z.array(publicSiteSchema).optional(),
  /**
   * With `--why`: why office believes the call goes to this symbol, as steps oldest first (`function pay
   * (a.ts:3)`, `passed as argument 1 at b.ts:9`, `parameter 1 of run`), or the edge's own reason.
   */
  why: z.array(z.string()).optional(),
});
export type Hop = z.infer<typeof hopSchema>;

export const indexStatsSchema = z.strictObject({
  files: z.int(),
  symbols: z.int(),
  edges: z.int(),
  index_ms: z.number(),
  cache: z.enum(['hit', 'miss', 'partial']),
  /**
   * Languages whose files this index linked again (present when some were): a link solves that language's whole
   * tree, since the value-flow solve is not incremental; the others were read from the code store.
   */
  linked: z.array(z.string()).optional(),
  /** Files of the tree left out for being over the size cap (`code.maxFileBytes`, `--max-file-bytes`). */
  too_large: tooLargeSchema,
  /** Minified JavaScript left out (present when there was some; config `code.indexMinified` keeps it in). */
  minified: minifiedSchema.optional(),
});
export type IndexStats = z.infer<typeof indexStatsSchema>;

/** The result of `office trace --json`, and of `office run "trace X to Y"`. */
export const traceResultSchema = z.strictObject({
  status: z.enum(['found', 'not_found', 'ambiguous']),
  from: publicSymbolSchema.nullable(),
  to: publicSymbolSchema.nullable(),
  candidates: z.strictObject({ from: z.array(publicSymbolSchema), to: z.array(publicSymbolSchema) }),
  paths: z.array(z.strictObject({ hops: z.array(hopSchema) })),
  notes: z.array(z.string()),
  stats: indexStatsSchema,
});
export type TraceResult = z.infer<typeof traceResultSchema>;

/** `office graph --format json`. */
export const graphJsonSchema = z.strictObject({
  symbols: z.array(z.strictObject({ id: z.string(), ...publicSymbolSchema.shape })),
  edges: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      call: z.strictObject({ file: z.string(), line: z.int(), column: z.int() }),
      edge: z.enum(edgeKinds),
    }),
  ),
  /**
   * `new X()` (`X()` in Python) of a class that declares no constructor: no code of X runs (what does, a base's
   * constructor, is an edge), but the call creates an X. Kept apart from `edges`, which are calls of functions.
   */
  instantiations: z.array(
    z.strictObject({
      from: z.string(),
      class: z.string(),
      call: z.strictObject({ file: z.string(), line: z.int(), column: z.int() }),
    }),
  ),
});
export type GraphJson = z.infer<typeof graphJsonSchema>;

/**
 * A node of a caller or callee tree: a symbol, and how it links to its parent (null at the root). `calls` holds every
 * call site of that link, the most precise and earliest first (`call` and `edge` are its first). `cycle`: the symbol
 * is already on the branch above, so it is not expanded again. `more`: how many of its own callers (callees) are not
 * among `children`: those past the depth asked for, or past the limits.
 */
export interface CallTreeNode extends PublicSymbol {
  edge: EdgeKind | null;
  call: z.infer<typeof publicCallSchema> | null;
  calls: PublicSite[];
  cycle: boolean;
  more: number;
  children: CallTreeNode[];
}
export const callTreeNodeSchema: z.ZodType<CallTreeNode> = z.lazy(() =>
  z.strictObject({
    ...publicSymbolSchema.shape,
    edge: z.enum(edgeKinds).nullable(),
    call: publicCallSchema.nullable(),
    calls: z.array(publicSiteSchema),
    cycle: z.boolean(),
    more: z.int().min(0),
    children: z.array(callTreeNodeSchema),
  }),
);

/**
 * Callers or callees of one symbol: `calls`, one entry per call of the symbol itself; `tree`, the callers (callees)
 * to `depth` levels (optional in the schema only so that results stored before they existed still read).
 */
export const neighboursResultSchema = z.strictObject({
  status: z.enum(['found', 'not_found', 'ambiguous']),
  symbol: publicSymbolSchema.nullable(),
  candidates: z.array(publicSymbolSchema),
  direction: z.enum(['callers', 'callees']),
  calls: z.array(
    z.strictObject({ symbol: publicSymbolSchema, call: publicCallSchema, edge: z.enum(edgeKinds) }),
  ),
  depth: z.int().min(1).optional(),
  tree: callTreeNodeSchema.nullable().optional(),
  notes: z.array(z.string()),
  stats: indexStatsSchema,
});
export type NeighboursResult = z.infer<typeof neighboursResultSchema>;

export const findSymbolResultSchema = z.strictObject({
  query: z.string(),
  matches: z.array(publicSymbolSchema),
  /** Closest names when nothing matched. */
  suggestions: z.array(z.string()),
  stats: indexStatsSchema,
});
export type FindSymbolResult = z.infer<typeof findSymbolResultSchema>;

export interface TraceQuery {
  /** Absolute directory to index. */
  readonly dir: string;
  /** Endpoints: `name`, `Class.method`, `path/file.ts:name`, `path/file.ts:Class.method` (path relative to dir). */
  readonly from: string;
  readonly to: string;
  readonly maxPaths?: number;
  readonly maxDepth?: number;
  /** Say why each hop holds (`Hop.why`): links the tree again with provenance, so it costs a cold link. */
  readonly why?: boolean;
}

/** A problem found when re-checking a reported path against a fresh index. */
export interface PathCheck {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface IndexOptions {
  /** Called with (done, total) while files are parsed; for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with the statistics of the index a query works on, once it is built (e.g. to report skipped files). */
  readonly onIndexed?: (stats: IndexStats) => void;
  readonly signal?: AbortSignal;
}

/** Deepest caller or callee tree; past a few levels a tree is most of the program, and a trace answers better. */
export const MAX_TREE_DEPTH = 16;

export interface NeighbourLimits {
  /** Most calls listed in `calls`, and most children per node of the tree (default 200). */
  readonly maxResults?: number;
  /** Levels of the tree below the symbol (default 1: its own callers or callees). */
  readonly depth?: number;
}

export interface CodeIndexService {
  index(dir: string, options?: IndexOptions): Promise<IndexStats>;
  findSymbol(dir: string, query: string, options?: IndexOptions): Promise<FindSymbolResult>;
  callers(dir: string, symbol: string, options?: IndexOptions & NeighbourLimits): Promise<NeighboursResult>;
  callees(dir: string, symbol: string, options?: IndexOptions & NeighbourLimits): Promise<NeighboursResult>;
  trace(query: TraceQuery, options?: IndexOptions): Promise<TraceResult>;
  /**
   * Every symbol and call edge of `dir`. With `refine` (the default), every call linking left to a checker is
   * resolved first, so the graph holds what any query could find; without, what linking resolved plus cached
   * refinements.
   */
  graph(dir: string, options?: IndexOptions & { refine?: boolean }): Promise<GraphJson>;
  /** Re-checks every hop of each path against the index: the symbol exists and the call edge between hops exists. */
  verifyPaths(dir: string, paths: TraceResult['paths'], options?: IndexOptions): Promise<PathCheck>;
}
