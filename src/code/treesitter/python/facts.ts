// Python facts (code intelligence): what extraction keeps of one file, JSON-serialisable and path-independent,
// so that it can be cached by content hash; linking checks them with these schemas and turns them into
// symbols and edges.
import { z } from 'zod';

/** An expression, kept only as far as names, attributes and calls go. */
export type PyExpr =
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'attr'; readonly of: PyExpr; readonly name: string }
  | { readonly k: 'call'; readonly fn: PyExpr }
  | { readonly k: 'other' };

export const pyExprSchema: z.ZodType<PyExpr> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.strictObject({ k: z.literal('name'), name: z.string() }),
    z.strictObject({ k: z.literal('attr'), of: pyExprSchema, name: z.string() }),
    z.strictObject({ k: z.literal('call'), fn: pyExprSchema }),
    z.strictObject({ k: z.literal('other') }),
  ]),
);

/** One alternative of a type annotation: an instance of `ref`, or the class itself for `type[X]`. */
const pyTypeRefSchema = z.strictObject({ ref: pyExprSchema, cls: z.literal(true).optional() });
export type PyTypeRef = z.infer<typeof pyTypeRefSchema>;

const pyParamSchema = z.strictObject({
  name: z.string(),
  types: z.array(pyTypeRefSchema).optional(),
  dflt: pyExprSchema.optional(),
  /** `*args` (1) or `**kwargs` (2). */
  star: z.union([z.literal(1), z.literal(2)]).optional(),
});
export type PyParam = z.infer<typeof pyParamSchema>;

/** A function or class definition; a scope index points into `defs`, -1 is the module. */
const pyDefSchema = z.strictObject({
  kind: z.enum(['function', 'class']),
  name: z.string(),
  /** Within the file: `Class.method`, `outer.inner`. */
  qn: z.string(),
  parent: z.int().min(-1),
  line: z.int().min(1),
  column: z.int().min(1),
  endLine: z.int().min(1),
  /** Decorators as dotted names (`staticmethod`, `x.setter`; a call's callee). */
  decorators: z.array(z.string()).optional(),
  params: z.array(pyParamSchema).optional(),
  returns: z.array(pyTypeRefSchema).optional(),
  /** Values of the first few `return` statements, for functions without a return annotation. */
  returnValues: z.array(pyExprSchema).optional(),
  bases: z.array(pyExprSchema).optional(),
});
export type PyDef = z.infer<typeof pyDefSchema>;

/** `import a.b` / `import a.b as c` (name undefined), or `from [.]*a import name [as alias]` (name set; `*` for all). */
const pyImportSchema = z.strictObject({
  scope: z.int().min(-1),
  module: z.string(),
  level: z.int().min(0),
  name: z.string().optional(),
  alias: z.string().optional(),
});
export type PyImport = z.infer<typeof pyImportSchema>;

/** `name = value`, `name: T = value`, or, when `self` is set, `self.name = value` inside a method. */
const pyAssignSchema = z.strictObject({
  scope: z.int().min(-1),
  name: z.string(),
  value: pyExprSchema.optional(),
  types: z.array(pyTypeRefSchema).optional(),
  self: z.literal(true).optional(),
});
export type PyAssign = z.infer<typeof pyAssignSchema>;

/** A call, or (in `callbacks`) a name or attribute passed as an argument, which may be a function handed over. */
const pyCallSchema = z.strictObject({
  scope: z.int().min(-1),
  fn: pyExprSchema,
  line: z.int().min(1),
  column: z.int().min(1),
  text: z.string(),
});
export type PyCall = z.infer<typeof pyCallSchema>;

export const pyFactsSchema = z.strictObject({
  lines: z.int().min(1),
  defs: z.array(pyDefSchema),
  imports: z.array(pyImportSchema),
  assigns: z.array(pyAssignSchema),
  calls: z.array(pyCallSchema),
  callbacks: z.array(pyCallSchema),
});
export type PyFacts = z.infer<typeof pyFactsSchema>;
