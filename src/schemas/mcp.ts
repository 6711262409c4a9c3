// `office mcp` ("Receptionist" for agents and editors): the inputs and structured results of the tools it serves
// that have no twin among the built-in tools. Inputs of trace, callers, callees, find_symbol and search_code are
// the built-in tools' own schemas (tools/); their results are the public shapes of src/code/service.ts.
import { z } from 'zod';
import {
  findSymbolResultSchema,
  indexStatsSchema,
  neighboursResultSchema,
  publicCallSchema,
  publicSymbolSchema,
  traceResultSchema,
} from '../code/service.js';

/** The edge kinds, as the code service's public shapes declare them (src/code is reached only through them). */
const edgeKind = neighboursResultSchema.shape.calls.element.shape.edge;

/** Index statistics as `office mcp` reports them: `warm` says this server process had the index in memory. */
export const servedStatsSchema = indexStatsSchema.extend({
  warm: z
    .boolean()
    .describe(
      'true when this server process had already indexed the directory, so the index in memory was reused',
    ),
});
export type ServedStats = z.infer<typeof servedStatsSchema>;

export const servedTraceSchema = traceResultSchema.extend({ stats: servedStatsSchema });
export const servedNeighboursSchema = neighboursResultSchema.extend({ stats: servedStatsSchema });
export const servedFindSymbolSchema = findSymbolResultSchema.extend({ stats: servedStatsSchema });

export const neighbourhoodInputSchema = z.strictObject({
  dir: z
    .string()
    .min(1)
    .default('.')
    .describe('Directory to index, relative to the workspace (default: the workspace).'),
  symbol: z
    .string()
    .min(1)
    .describe('The centre: name, Class.method, path/file.ts:name or path/file.ts:Class.method.'),
  hops: z.int().min(1).max(5).default(1).describe('How many calls away from the symbol to go.'),
  direction: z
    .enum(['both', 'callers', 'callees'])
    .default('both')
    .describe('Follow calls into the symbol (callers), out of it (callees), or both.'),
  max_symbols: z.int().min(1).max(1_000).default(100).describe('Stop once this many symbols are found.'),
});
export type NeighbourhoodInput = z.infer<typeof neighbourhoodInputSchema>;

/** A symbol of a neighbourhood: `ref` (file:qualified_name) names it in `edges`; `distance` is in calls. */
export const neighbourSymbolSchema = z.strictObject({
  ...publicSymbolSchema.shape,
  ref: z.string(),
  distance: z.int().min(0),
});

export const neighbourhoodSchema = z.strictObject({
  status: z.enum(['found', 'not_found', 'ambiguous']),
  center: neighbourSymbolSchema.nullable(),
  candidates: z.array(publicSymbolSchema),
  symbols: z.array(neighbourSymbolSchema),
  edges: z.array(
    z.strictObject({ from: z.string(), to: z.string(), call: publicCallSchema, edge: edgeKind }),
  ),
  notes: z.array(z.string()),
  stats: servedStatsSchema,
});
export type Neighbourhood = z.infer<typeof neighbourhoodSchema>;

export const runTaskInputSchema = z.strictObject({
  request: z
    .string()
    .min(1)
    .describe(
      'What to do, in words, as for `office run`: e.g. "trace checkout to chargeCard in ./src", "who calls ' +
        'chargeCard", "find TODO in src", "run npm test".',
    ),
  max_iterations: z
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('REVISE rounds per subtask (default from config).'),
});
export type RunTaskInput = z.infer<typeof runTaskInputSchema>;

/** A step the task waits on: what would run, for a person to approve with `office approve`. */
export const pendingStepSchema = z.strictObject({
  step_id: z.string(),
  tool: z.string(),
  risk: z.string(),
  reason: z.string(),
  /** The program and its arguments, for tools that run one (run_command); null for other tools. */
  argv: z.array(z.string()).nullable(),
  inputs: z.record(z.string(), z.unknown()),
});
export type PendingStep = z.infer<typeof pendingStepSchema>;

/** `office run --json`'s object, plus what a task waiting for approval waits on and how to go on. */
export const runTaskResultSchema = z.strictObject({
  task_id: z.string(),
  status: z.enum(['succeeded', 'failed', 'dead_lettered', 'needs_approval', 'escalated']),
  request: z.string(),
  subtasks: z.array(
    z.strictObject({ id: z.string(), goal: z.string(), status: z.string(), iterations: z.int() }),
  ),
  result: z.unknown(),
  usage: z.strictObject({
    model_calls: z.int(),
    /** Model calls that failed (connection, timeout, bad output) before one answered or the role fell back. */
    failed_attempts: z.int(),
    cache_hits: z.int(),
    tokens_in: z.int(),
    tokens_out: z.int(),
    cost_usd: z.number(),
  }),
  duration_ms: z.number(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  needs_approval: z.array(pendingStepSchema),
  /** Shell commands a person runs to approve and continue (empty unless the task waits for approval). */
  approve_with: z.array(z.string()),
});
export type RunTaskResult = z.infer<typeof runTaskResultSchema>;
