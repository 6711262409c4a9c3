// Go facts (code intelligence): what extraction keeps of one file, JSON-serialisable and path-independent;
// linking checks them with these schemas.
import { z } from 'zod';

/** A type as written: a (possibly package-qualified) name, or a slice/array/channel/map of one; pointers dropped. */
export type GoType =
  | { readonly k: 'named'; readonly pkg?: string | undefined; readonly name: string }
  | { readonly k: 'slice'; readonly of: GoType }
  | { readonly k: 'map'; readonly key: GoType; readonly of: GoType }
  | { readonly k: 'other' };

export const goTypeSchema: z.ZodType<GoType> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.strictObject({ k: z.literal('named'), pkg: z.string().optional(), name: z.string() }),
    z.strictObject({ k: z.literal('slice'), of: goTypeSchema }),
    z.strictObject({ k: z.literal('map'), key: goTypeSchema, of: goTypeSchema }),
    z.strictObject({ k: z.literal('other') }),
  ]),
);

export type GoExpr =
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'sel'; readonly of: GoExpr; readonly name: string }
  /** A call; `i` picks one of several results (`a, b := f()`). */
  | { readonly k: 'call'; readonly fn: GoExpr; readonly i?: number | undefined }
  /** A value of a known type: composite literal, `&T{}`, `new(T)`, `make(T)`, `x.(T)`, closure parameters. */
  | { readonly k: 'typed'; readonly type: GoType }
  | { readonly k: 'index'; readonly of: GoExpr }
  /** `for k, v := range of`: `i` is 0 for the key, 1 for the value. */
  | { readonly k: 'range'; readonly of: GoExpr; readonly i: number }
  | { readonly k: 'other' };

export const goExprSchema: z.ZodType<GoExpr> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.strictObject({ k: z.literal('name'), name: z.string() }),
    z.strictObject({ k: z.literal('sel'), of: goExprSchema, name: z.string() }),
    z.strictObject({ k: z.literal('call'), fn: goExprSchema, i: z.int().min(0).optional() }),
    z.strictObject({ k: z.literal('typed'), type: goTypeSchema }),
    z.strictObject({ k: z.literal('index'), of: goExprSchema }),
    z.strictObject({ k: z.literal('range'), of: goExprSchema, i: z.int().min(0) }),
    z.strictObject({ k: z.literal('other') }),
  ]),
);

const goParamSchema = z.strictObject({ name: z.string().optional(), type: goTypeSchema });
export type GoParam = z.infer<typeof goParamSchema>;

const position = { line: z.int().min(1), column: z.int().min(1) };

const goFuncSchema = z.strictObject({
  name: z.string(),
  /** Receiver's base type name for methods (`*Service` and `Service[T]` give `Service`). */
  recv: z.string().optional(),
  recvName: z.string().optional(),
  params: z.array(goParamSchema),
  results: z.array(goParamSchema),
  ...position,
  endLine: z.int().min(1),
});
export type GoFunc = z.infer<typeof goFuncSchema>;

const goMethodSpecSchema = z.strictObject({
  name: z.string(),
  arity: z.int().min(0),
  /** Parameter types, one per parameter (so `arity` long). */
  params: z.array(goTypeSchema),
  results: z.array(goTypeSchema),
  ...position,
});
export type GoMethodSpec = z.infer<typeof goMethodSpecSchema>;

const goTypeDeclSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['struct', 'interface', 'other']),
  /** Struct fields; an embedded field has no name. */
  fields: z.array(goParamSchema).optional(),
  /** Interface methods and embedded interfaces. */
  methods: z.array(goMethodSpecSchema).optional(),
  embeds: z.array(goTypeSchema).optional(),
  /** `type X Y` for other kinds. */
  underlying: goTypeSchema.optional(),
  ...position,
  endLine: z.int().min(1),
});
export type GoTypeDecl = z.infer<typeof goTypeDeclSchema>;

/** A variable: package-level (scope -1) or local to `funcs[scope]`, including closure parameters. */
const goVarSchema = z.strictObject({
  scope: z.int().min(-1),
  name: z.string(),
  type: goTypeSchema.optional(),
  value: goExprSchema.optional(),
});
export type GoVar = z.infer<typeof goVarSchema>;

/** A call, or (in `callbacks`) a name or selector passed as an argument, which may be a function handed over. */
const goCallSchema = z.strictObject({
  scope: z.int().min(-1),
  fn: goExprSchema,
  argc: z.int().min(0),
  ...position,
  text: z.string(),
});
export type GoCall = z.infer<typeof goCallSchema>;

export const goFactsSchema = z.strictObject({
  pkg: z.string(),
  lines: z.int().min(1),
  imports: z.array(z.strictObject({ path: z.string(), alias: z.string().optional() })),
  types: z.array(goTypeDeclSchema),
  funcs: z.array(goFuncSchema),
  vars: z.array(goVarSchema),
  calls: z.array(goCallSchema),
  callbacks: z.array(goCallSchema),
});
export type GoFacts = z.infer<typeof goFactsSchema>;
