// Java facts (code intelligence): what extraction keeps of one file, JSON-serialisable and path-independent;
// linking checks them with these schemas.
import { z } from 'zod';

/** A type as written, generics dropped: a simple or dotted name, or an array of one. */
export type JType =
  | { readonly k: 'named'; readonly name: string }
  | { readonly k: 'array'; readonly of: JType }
  | { readonly k: 'other' };

export const jTypeSchema: z.ZodType<JType> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.strictObject({ k: z.literal('named'), name: z.string() }),
    z.strictObject({ k: z.literal('array'), of: jTypeSchema }),
    z.strictObject({ k: z.literal('other') }),
  ]),
);

export type JExpr =
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'field'; readonly of: JExpr; readonly name: string }
  | { readonly k: 'invoke'; readonly of?: JExpr | undefined; readonly name: string; readonly argc: number }
  | { readonly k: 'new'; readonly type: JType; readonly argc: number }
  /** `this(...)` / `super(...)` as the first statement of a constructor. */
  | { readonly k: 'ctor'; readonly which: 'this' | 'super'; readonly argc: number }
  | { readonly k: 'this' }
  | { readonly k: 'super' }
  | { readonly k: 'cast'; readonly type: JType }
  /** `X::m`, `this::m`, `expr::m`; `name` is `new` for `X::new`. */
  | { readonly k: 'mref'; readonly of: JExpr; readonly name: string }
  | { readonly k: 'other' };

const argc = z.int().min(0);

export const jExprSchema: z.ZodType<JExpr> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.strictObject({ k: z.literal('name'), name: z.string() }),
    z.strictObject({ k: z.literal('field'), of: jExprSchema, name: z.string() }),
    z.strictObject({ k: z.literal('invoke'), of: jExprSchema.optional(), name: z.string(), argc }),
    z.strictObject({ k: z.literal('new'), type: jTypeSchema, argc }),
    z.strictObject({ k: z.literal('ctor'), which: z.enum(['this', 'super']), argc }),
    z.strictObject({ k: z.literal('this') }),
    z.strictObject({ k: z.literal('super') }),
    z.strictObject({ k: z.literal('cast'), type: jTypeSchema }),
    z.strictObject({ k: z.literal('mref'), of: jExprSchema, name: z.string() }),
    z.strictObject({ k: z.literal('other') }),
  ]),
);

const jFieldSchema = z.strictObject({
  name: z.string(),
  type: jTypeSchema,
  static: z.literal(true).optional(),
});
export type JField = z.infer<typeof jFieldSchema>;

const span = { line: z.int().min(1), column: z.int().min(1), endLine: z.int().min(1) };

/** A class, interface, enum or record; `parent` indexes the enclosing type, -1 at top level. */
const jTypeDeclSchema = z.strictObject({
  name: z.string(),
  /** Within the file, dotted for nested types: `Outer.Inner`. */
  qn: z.string(),
  kind: z.enum(['class', 'interface', 'enum', 'record', 'annotation']),
  parent: z.int().min(-1),
  extends: z.array(jTypeSchema),
  implements: z.array(jTypeSchema),
  fields: z.array(jFieldSchema),
  ...span,
});
export type JTypeDecl = z.infer<typeof jTypeDeclSchema>;

const jMethodSchema = z.strictObject({
  type: z.int().min(0),
  name: z.string(),
  ctor: z.literal(true).optional(),
  params: z.array(jFieldSchema),
  varargs: z.literal(true).optional(),
  ret: jTypeSchema.optional(),
  static: z.literal(true).optional(),
  /** Declared without a body (interface or abstract method). */
  abstract: z.literal(true).optional(),
  ...span,
});
export type JMethod = z.infer<typeof jMethodSchema>;

/** A local variable of `methods[method]`: a declared type, `var` with its initialiser, or an untyped lambda parameter. */
const jLocalSchema = z.strictObject({
  method: z.int().min(0),
  name: z.string(),
  type: jTypeSchema.optional(),
  value: jExprSchema.optional(),
});
export type JLocal = z.infer<typeof jLocalSchema>;

/** A call made in a method (`method` >= 0) or in the initialisers of `types[type]` (`method` -1). */
const jCallSchema = z.strictObject({
  method: z.int().min(-1),
  type: z.int().min(0),
  call: jExprSchema,
  line: z.int().min(1),
  column: z.int().min(1),
  text: z.string(),
});
export type JCall = z.infer<typeof jCallSchema>;

export const javaFactsSchema = z.strictObject({
  pkg: z.string(),
  lines: z.int().min(1),
  imports: z.array(
    z.strictObject({
      name: z.string(),
      static: z.literal(true).optional(),
      wildcard: z.literal(true).optional(),
    }),
  ),
  types: z.array(jTypeDeclSchema),
  methods: z.array(jMethodSchema),
  locals: z.array(jLocalSchema),
  calls: z.array(jCallSchema),
});
export type JavaFacts = z.infer<typeof javaFactsSchema>;
