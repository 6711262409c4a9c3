// Python facts (code intelligence): what extraction keeps of one file — its symbols and its value-flow unit —
// JSON-serialisable and path-independent, so that it can be cached by content hash.
import { z } from 'zod';
import { type FlowUnit, isFlowUnit } from '../../flow/ir.js';

/** Bump when what extraction records changes: cached facts of another version are extracted again. */
export const PY_FACTS_VERSION = 'python-flow-1';

/**
 * A function, class or lambda. Symbol index 0 of the flow unit is the module; index i + 1 is `defs[i]`.
 * `role` says how a function in a class body is bound (and how it is shown).
 */
export const pyDefSchema = z.strictObject({
  kind: z.enum(['function', 'class']),
  name: z.string(),
  /** Within the file: `Class.method`, `outer.inner`, `outer.<lambda>`. */
  qn: z.string(),
  line: z.int().min(1),
  column: z.int().min(1),
  endLine: z.int().min(1),
  role: z.enum(['method', 'static', 'classmethod', 'getter', 'setter', 'ctor']).optional(),
});
export type PyDef = z.infer<typeof pyDefSchema>;

export const pyFactsSchema = z.strictObject({
  v: z.literal(PY_FACTS_VERSION),
  lines: z.int().min(1),
  defs: z.array(pyDefSchema),
  flow: z.custom<FlowUnit>(isFlowUnit, { message: 'not a value-flow unit of this version' }),
});
export type PyFacts = z.infer<typeof pyFactsSchema>;
