// Code model (engine of the headline job): symbols, call edges, and the adapter seam every language plugs into.
// The path finder, output formats, cache and tools work on these types alone, whatever the language.
import { z } from 'zod';

export const symbolKinds = [
  'function',
  'method',
  'constructor',
  'arrow',
  'function_expression',
  'object_method',
  'field_function',
  'getter',
  'setter',
  'class',
  'module',
  'external',
] as const;
export type SymbolKind = (typeof symbolKinds)[number];

/**
 * How a call edge was resolved, most precise first.
 * - direct: a call to a function or a binding resolved through scope and imports.
 * - method: a method call whose receiver's class is known.
 * - constructor: `new X()` (`X()` in Python): to the constructor that runs (X's, else the nearest base's that
 *   declares one) and, when X declares none, to class X itself (what the call creates).
 * - dispatch: a call on an interface or base type, to each implementation or override.
 * - external: a call into code outside the tree (a library, a builtin) that calls back a function of the tree;
 *   its target is an `external` symbol standing for that library code at that call site.
 * - callback: from such an external symbol to the function of the tree it was handed (and may call).
 * - heuristic: resolved by name only; ranked last, never used when a precise target exists.
 */
export const edgeKinds = [
  'direct',
  'method',
  'constructor',
  'dispatch',
  'external',
  'callback',
  'heuristic',
] as const;
export type EdgeKind = (typeof edgeKinds)[number];

export const codeSymbolSchema = z.strictObject({
  /** Stable within one index: `<file>#<qualified_name>`, with `~N` appended on a clash. */
  id: z.string(),
  name: z.string(),
  /**
   * `Class.method`, a plain name for top-level functions, `outer.inner` for nested ones; `<module>` for a file.
   * An `external` symbol (library code handed a function of the tree at one call site) has the empty file.
   */
  qualified_name: z.string(),
  kind: z.enum(symbolKinds),
  /** Relative to the indexed directory, with forward slashes. */
  file: z.string(),
  /** 1-based. */
  line: z.int().min(1),
  /** 1-based. */
  column: z.int().min(1),
  end_line: z.int().min(1),
  language: z.string(),
});
export type CodeSymbol = z.infer<typeof codeSymbolSchema>;

export const callSiteSchema = z.strictObject({
  file: z.string(),
  line: z.int().min(1),
  column: z.int().min(1),
  /** The line of code holding the call, trimmed. */
  text: z.string(),
});
export type CallSite = z.infer<typeof callSiteSchema>;

export const callEdgeSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  kind: z.enum(edgeKinds),
  call: callSiteSchema,
  /** Why this edge exists when that is not obvious (e.g. "dispatch through PaymentGateway.charge"). */
  note: z.string().optional(),
});
export type CallEdge = z.infer<typeof callEdgeSchema>;

/** One source file handed to an adapter. */
export interface SourceFile {
  /** Relative to the indexed directory, forward slashes. */
  readonly path: string;
  readonly absPath: string;
  readonly text: string;
  /** sha256 of the content, hex. */
  readonly hash: string;
}

/** What linking all files of one adapter produces. */
export interface LinkedGraph {
  readonly symbols: readonly CodeSymbol[];
  readonly edges: readonly CallEdge[];
  /**
   * Optional lazy refinement for calls the adapter could not resolve cheaply (e.g. through the
   * TypeScript checker). Called by the indexer with symbols a query reached; returns only new edges.
   * Adapters without one resolve everything in `link`.
   */
  refine?(request: RefineRequest): Promise<readonly CallEdge[]>;
  /**
   * Optional, with `refine`: the only symbols whose refinement may add edges (outgoing: those holding an unresolved
   * call; incoming: those such a call may name). The indexer keeps it with the stored graph, so that a query
   * reaching none of them needs no link at all.
   */
  readonly refineScope?: RefineScope;
  /**
   * Optional, with `refine`: what refinement learned that may still hold after files change (JSON), handed
   * back as `LinkContext.memo` to the next link of the same directory. The adapter checks what of it holds.
   */
  memo?(): unknown;
  /**
   * Optional: why each of `edges` goes where it goes, as steps a person can check (`function pay (a.ts:3)`,
   * `argument 1 at b.ts:9`, `parameter 1 of run`), oldest first; undefined for an edge no flow explains (a call
   * the type layer resolved: its note says why). May cost a link of its own.
   */
  explain?(edges: readonly CallEdge[]): Promise<ReadonlyArray<readonly string[] | undefined>>;
}

export interface RefineScope {
  readonly outgoingFrom: readonly string[];
  readonly incomingTo: readonly string[];
}

export interface RefineRequest {
  /** Resolve pending calls made inside these symbols. */
  readonly outgoingFrom?: readonly string[];
  /** Resolve pending calls that may target these symbols. */
  readonly incomingTo?: readonly string[];
}

export interface LinkContext {
  /** Absolute path of the indexed directory. */
  readonly root: string;
  /** Reads a file of the tree by relative path (for adapters that need the text again, e.g. a checker). */
  readText(path: string): string;
  /**
   * What the last linked graph of this adapter for the same directory gave as `memo()`, when the adapter
   * version and its link inputs (`linkInputsDigest`) are unchanged; absent otherwise.
   */
  readonly memo?: unknown;
  /** Aborted when the user interrupts (Ctrl-C): a long link stops with its reason. */
  readonly signal?: AbortSignal;
  /** Keep what explaining edges needs (`LinkedGraph.explain`). */
  readonly provenance?: boolean;
}

/**
 * A language adapter: `extract` turns one file into JSON-serialisable facts (cached by content hash,
 * so it must be a pure function of the text); `link` turns every file's facts into symbols and edges.
 */
export interface LanguageAdapter<Facts = unknown> {
  readonly id: string;
  /** Bump when the facts format or extraction changes: cached facts of another version are ignored. */
  readonly version: string;
  /** Lower-case extensions with the dot, e.g. ".ts". */
  readonly extensions: readonly string[];
  extract(file: SourceFile): Facts;
  /**
   * Optional: a digest of what `link` reads besides the files' facts (e.g. tsconfig and package.json files),
   * given the paths of the files it would link. The indexer adds it to the fingerprint its linked graph and
   * refinements are cached under, so an edit there re-links. Called on every index, cached graph or not.
   */
  linkInputsDigest?(paths: readonly string[], ctx: LinkContext): string;
  link(
    files: ReadonlyArray<{ readonly file: SourceFile; readonly facts: Facts }>,
    ctx: LinkContext,
  ): Promise<LinkedGraph>;
}

/**
 * The symbol of library code handed a function of the tree at one call site (a hop of a path): no file in the tree,
 * named by what was called (`arr.forEach`, `threading.Thread`), one per call site so that two callers never share it.
 */
export function externalSymbol(
  name: string,
  path: string,
  line: number,
  column: number,
  language: string,
): CodeSymbol {
  return {
    id: `<external>#${name}@${path}:${line}:${column}`,
    name,
    qualified_name: name,
    kind: 'external',
    file: '',
    line: 1,
    column: 1,
    end_line: 1,
    language,
  };
}

/** Cost of an edge kind for path search: every precise hop costs 1; a heuristic hop costs more than any precise path. */
export function edgeCost(kind: EdgeKind): number {
  return kind === 'heuristic' ? 1_000 : 1;
}
