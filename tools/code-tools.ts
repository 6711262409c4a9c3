// Built-in code tools ("Workshop"): index a tree, find symbols, list callers and callees, trace call paths.
// Loaded at start-up, so they import no parser: the work happens in `ctx.services.code`.
import { posix } from 'node:path';
import { z } from 'zod';
import {
  type FindSymbolResult,
  type IndexStats,
  MAX_TREE_DEPTH,
  type NeighboursResult,
  type TraceResult,
} from '../src/code/service.js';
import { formatTraceText, type ShowPath } from '../src/code/format.js';
import { formatTreeText } from '../src/code/tree-format.js';
import { defineTool, type RenderView, type ToolContext } from '../src/tools/define-tool.js';

const dir = z
  .string()
  .min(1)
  .default('.')
  .describe('Directory to index, relative to the workspace (default: the workspace).');
const symbol = z
  .string()
  .min(1)
  .describe('A function or method: name, Class.method, path/file.ts:name or path/file.ts:Class.method.');
const maxResults = z
  .int()
  .min(1)
  .max(10_000)
  .optional()
  .describe('Most calls listed, and most callers (callees) per symbol of the tree (default 200).');
const depth = z
  .int()
  .min(1)
  .max(MAX_TREE_DEPTH)
  .default(3)
  .describe('Levels of the tree in `tree`: 1 lists the direct callers (callees) only (default 3).');

const readsDir = <I extends { dir: string }>(input: I) => [{ path: input.dir, access: 'read' as const }];
/** How often parsing progress is reported: often enough to show life, rarely enough for a log and the task file. */
const PROGRESS_EVERY_MS = 500;

/** Index options for a step: its abort signal, and progress while files are parsed (none for a warm index). */
function indexOptions(ctx: ToolContext) {
  let last = performance.now();
  return {
    signal: ctx.signal,
    onProgress: (done: number, total: number) => {
      const now = performance.now();
      if (done >= total || now - last < PROGRESS_EVERY_MS) return;
      last = now;
      ctx.log(`parsing: ${done}/${total} files`);
    },
  };
}

function statsLine(stats: IndexStats): string {
  const skipped = stats.too_large.files;
  return (
    `${stats.files} files, ${stats.symbols} symbols, ${stats.edges} calls (cache ${stats.cache}, ${stats.index_ms} ms)` +
    (skipped > 0 ? `; ${skipped} file${skipped === 1 ? '' : 's'} over the size cap not indexed` : '')
  );
}

export const indexCodeTool = defineTool({
  name: 'index_code',
  description:
    'Index the JavaScript/TypeScript (and other supported) source files of a directory into symbols and call ' +
    'edges; cached by content, so a second run on an unchanged tree parses nothing.',
  risk: 'read',
  input: z.strictObject({ dir }),
  paths: readsDir,
  run: async (input, ctx): Promise<IndexStats> =>
    ctx.services.code.index(ctx.resolvePath(input.dir), indexOptions(ctx)),
  summarize: (output) => `indexed ${statsLine(output)}`,
  render: (output) => `indexed ${statsLine(output)}`,
});

export const findSymbolTool = defineTool({
  name: 'find_symbol',
  description: 'Find the functions, methods and classes with a given name, with file and line.',
  risk: 'read',
  input: z.strictObject({ dir, symbol }),
  paths: readsDir,
  run: async (input, ctx): Promise<FindSymbolResult> =>
    ctx.services.code.findSymbol(ctx.resolvePath(input.dir), input.symbol, indexOptions(ctx)),
  summarize: (output) =>
    output.matches.length > 0
      ? `${output.matches.length} symbol${output.matches.length === 1 ? '' : 's'} named ${output.query}`
      : `no symbol named ${output.query}` +
        (output.suggestions.length ? `; closest: ${output.suggestions.join(', ')}` : ''),
});

/**
 * Paths in a code tool's output are relative to the indexed `dir`: shown through the view (relative to the
 * person's folder) when there is one, as they are otherwise.
 */
function showPaths<I extends { dir: string }>(view: RenderView<I> | undefined): ShowPath {
  if (view) return (file, line, column) => view.path(posix.join(view.input.dir, file), line, column);
  return (file, line, column) =>
    `${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}`;
}

/** Callers or callees for a person: the tree, each link with the calling code. */
function renderNeighbours<I extends { dir: string }>(output: NeighboursResult, view?: RenderView<I>): string {
  return formatTreeText(output, showPaths(view)).trimEnd();
}

/**
 * Callers and callees of a name that is unknown or names several symbols: that is the answer (with the closest
 * names or the candidates), as `office trace` gives it; re-planning the same request could not choose for the user.
 */
function reviewNeighbours<I>(_input: I, output: NeighboursResult) {
  if (output.status === 'found') return { ok: true as const };
  return { ok: true as const, note: `answered ${output.status}: ${output.notes[0] ?? ''}`.trim() };
}

function neighboursSummary(output: NeighboursResult): string {
  if (output.status !== 'found' || !output.symbol) return `${output.status}: ${output.notes[0] ?? ''}`.trim();
  const noun = output.direction === 'callers' ? 'caller' : 'callee';
  const direct = output.tree?.children.length ?? output.calls.length;
  const depth = output.depth ?? 1;
  return (
    `${direct} ${noun}${direct === 1 ? '' : 's'} of ${output.symbol.qualified_name}` +
    (depth > 1 ? ` (a tree of ${depth} levels)` : '')
  );
}

export const callersTool = defineTool({
  name: 'callers',
  description:
    'List every call site that calls a function or method, with the calling symbol, file, line and code; and ' +
    'the callers of those callers, as a tree to `depth` levels (cycles marked, every call site of each link).',
  risk: 'read',
  input: z.strictObject({ dir, symbol, max_results: maxResults, depth }),
  paths: readsDir,
  run: async (input, ctx): Promise<NeighboursResult> =>
    ctx.services.code.callers(ctx.resolvePath(input.dir), input.symbol, {
      ...indexOptions(ctx),
      depth: input.depth,
      ...(input.max_results ? { maxResults: input.max_results } : {}),
    }),
  summarize: neighboursSummary,
  render: renderNeighbours,
  review: reviewNeighbours,
});

export const calleesTool = defineTool({
  name: 'callees',
  description:
    'List every call a function or method makes to code in the tree, with the callee, file, line and code; and ' +
    'what those callees call, as a tree to `depth` levels (cycles marked, every call site of each link).',
  risk: 'read',
  input: z.strictObject({ dir, symbol, max_results: maxResults, depth }),
  paths: readsDir,
  run: async (input, ctx): Promise<NeighboursResult> =>
    ctx.services.code.callees(ctx.resolvePath(input.dir), input.symbol, {
      ...indexOptions(ctx),
      depth: input.depth,
      ...(input.max_results ? { maxResults: input.max_results } : {}),
    }),
  summarize: neighboursSummary,
  render: renderNeighbours,
  review: reviewNeighbours,
});

export const traceCallsTool = defineTool({
  name: 'trace_calls',
  description:
    'Find the chain of calls from one function or method to another (shortest first), each hop with its file, ' +
    'line and the calling code. Precise edges only, unless nothing precise connects.',
  risk: 'read',
  input: z.strictObject({
    dir,
    from: symbol,
    to: symbol,
    max_paths: z.int().min(1).max(100).default(1).describe('How many shortest distinct paths to return.'),
    max_depth: z
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Longest path, in calls (default: config code.maxDepth).'),
    why: z
      .boolean()
      .default(false)
      .describe(
        'Also say, under each hop, why the call goes there (how the function or the receiver got to it, with ' +
          'file:line). Costs a link of the tree.',
      ),
  }),
  paths: readsDir,
  run: async (input, ctx): Promise<TraceResult> =>
    ctx.services.code.trace(
      {
        dir: ctx.resolvePath(input.dir),
        from: input.from,
        to: input.to,
        maxPaths: input.max_paths,
        maxDepth: input.max_depth ?? ctx.config.code.maxDepth,
        ...(input.why ? { why: true } : {}),
      },
      indexOptions(ctx),
    ),
  summarize: (output) => {
    if (output.status !== 'found') return `${output.status}: ${output.notes[0] ?? ''}`.trim();
    const first = output.paths[0]?.hops ?? [];
    const names = first.map((hop) => hop.qualified_name);
    const more = output.paths.length > 1 ? ` (+${output.paths.length - 1} more paths)` : '';
    const calls = first.length - 1;
    return `${names.join(' → ')} (${calls} call${calls === 1 ? '' : 's'})${more}`;
  },
  render: (output, view) => formatTraceText(output, showPaths(view)),
  async review(input, output, ctx) {
    if (output.status !== 'found') {
      // Not found and ambiguous are answers, the same `office trace` gives (with the closest names or the
      // candidates): re-planning the same request cannot choose a name for the user.
      return { ok: true, note: `answered ${output.status}: ${output.notes[0] ?? ''}`.trim() };
    }
    if (output.paths.length === 0) {
      return {
        ok: false,
        problem: 'the trace says found but returned no path',
        suggestion: 'run trace_calls again',
      };
    }
    const check = await ctx.services.code.verifyPaths(
      ctx.resolvePath(input.dir),
      output.paths,
      indexOptions(ctx),
    );
    if (!check.ok) {
      return {
        ok: false,
        problem: `the reported path does not match the code: ${check.problems.join('; ')}`,
        suggestion: 'run trace_calls again on the current files; do not edit its output',
      };
    }
    const hops = output.paths.reduce((sum, path) => sum + path.hops.length, 0);
    return { ok: true, note: `verified ${hops} hops against a fresh index` };
  },
});
