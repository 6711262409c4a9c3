// JS/TS adapter facts: what `extract` records about one file, as compact JSON the indexer caches by content hash.
// Facts never contain the file's path (two files with the same text share facts); `link` adds it.
import { z } from 'zod';
import { type FlowUnit, isFlowUnit } from '../flow/ir.js';
import { symbolKinds } from '../model.js';

/** Bump when the facts format or what extraction records changes: cached facts of another version are re-extracted. */
export const FACTS_VERSION = 'ecmascript-facts-6';

/**
 * A shape: a small, unevaluated description of a value, resolved to classes/functions at link time
 * (see `types.ts`). Indices (`b`, `s`, `c`, `o`, `i`) refer to this file's facts arrays.
 * - b: a binding of this file; g: an undeclared (global) name
 * - m: member `o.n`; r: the result of this file's call (or `new`) number `i`; aw: `await o`; el: an element of `o`
 * - fn / cls / obj / ifc: this file's function symbol / class / object literal / interface
 * - this: `this` inside class `c` (an instance), object literal `o`, or plain function `s` (a pseudo class)
 * - sup: the base class of class `c` (`super`); self: this module's exports
 * - req: `require(p)`; imp: `import(p)` (a promise of the module)
 * - t: an instance of the type named by `o` with type arguments `a`; u: any of `of`; arr: an array of `of`
 * - any: explicitly or implicitly `any` (a heuristic may apply); x: opaque (a literal, a function type:
 *   nothing to resolve); q: unknown without a type checker
 */
export type Shape =
  | { k: 'b'; b: number }
  | { k: 'g'; n: string }
  | { k: 'm'; o: Shape; n: string }
  | { k: 'r'; i: number }
  | { k: 'aw'; o: Shape }
  | { k: 'el'; o: Shape }
  | { k: 'fn'; s: number }
  | { k: 'cls'; c: number }
  | { k: 'obj'; o: number }
  | { k: 'ifc'; i: number }
  | { k: 'this'; c?: number | undefined; o?: number | undefined; s?: number | undefined }
  | { k: 'sup'; c: number }
  | { k: 'self' }
  | { k: 'req'; p: string }
  | { k: 'imp'; p: string }
  | { k: 't'; o: Shape; a?: Shape[] | undefined }
  | { k: 'u'; of: Shape[] }
  | { k: 'arr'; of: Shape[] }
  | { k: 'any' }
  | { k: 'x' }
  | { k: 'q' };

type FieldCheck = (value: unknown) => boolean;
const isIndex: FieldCheck = (value) => Number.isInteger(value) && (value as number) >= 0;
const isString: FieldCheck = (value) => typeof value === 'string';
const isShapeList: FieldCheck = (value) => Array.isArray(value) && value.every(isShape);

/** Required and optional fields of each shape kind. */
const SHAPE_FIELDS: Record<
  Shape['k'],
  { required: Record<string, FieldCheck>; optional?: Record<string, FieldCheck> }
> = {
  b: { required: { b: isIndex } },
  g: { required: { n: isString } },
  m: { required: { o: isShape, n: isString } },
  r: { required: { i: isIndex } },
  aw: { required: { o: isShape } },
  el: { required: { o: isShape } },
  fn: { required: { s: isIndex } },
  cls: { required: { c: isIndex } },
  obj: { required: { o: isIndex } },
  ifc: { required: { i: isIndex } },
  this: { required: {}, optional: { c: isIndex, o: isIndex, s: isIndex } },
  sup: { required: { c: isIndex } },
  self: { required: {} },
  req: { required: { p: isString } },
  imp: { required: { p: isString } },
  t: { required: { o: isShape }, optional: { a: isShapeList } },
  u: { required: { of: isShapeList } },
  arr: { required: { of: isShapeList } },
  any: { required: {} },
  x: { required: {} },
  q: { required: {} },
};

/**
 * Checks a shape tree. Shapes are most of the facts and deeply nested; a plain recursive check is several times
 * faster than a recursive zod union, and cached facts are checked on every warm index.
 */
export function isShape(value: unknown): value is Shape {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const kind = record.k;
  if (typeof kind !== 'string' || !Object.hasOwn(SHAPE_FIELDS, kind)) return false;
  const fields = SHAPE_FIELDS[kind as Shape['k']];
  for (const key in record) {
    // Unset fields may be present as `undefined` (a structured clone of extracted facts keeps them).
    if (key === 'k' || record[key] === undefined) continue;
    const check = fields.required[key] ?? fields.optional?.[key];
    if (!check?.(record[key])) return false;
  }
  for (const key in fields.required) if (record[key] === undefined) return false;
  return true;
}

export const shapeSchema = z.custom<Shape>(isShape, { message: 'not a valid value shape' });

const idx = z.int().min(0);
const symbolKindSchema = z.enum(symbolKinds);

/** A declared symbol. Index 0 is always the file's `<module>` symbol. */
export const symbolFactSchema = z.strictObject({
  /** Name and qualified name (`Class.method`, `outer.inner`, `api.get`). */
  n: z.string(),
  q: z.string(),
  k: symbolKindSchema,
  /** 1-based line and column of the declaration, 1-based end line. */
  l: z.int().min(1),
  c: z.int().min(1),
  el: z.int().min(1),
  /** Offset of the name token (how the type checker's declarations are mapped back to symbols). */
  no: idx,
  /** Declared return type (an instance shape). */
  rt: shapeSchema.optional(),
  /** Shapes of the returned expressions (arrow expression bodies included). */
  r: z.array(shapeSchema).optional(),
  /** An anonymous callback written inline: part of symbol `in` (its calls are that symbol's; it is no node). */
  in: idx.optional(),
});
export type SymbolFact = z.infer<typeof symbolFactSchema>;

/**
 * A scope binding. `d` is the first declaration's kind; `v` its values (initialisers, assignments, the
 * function/class it declares); `dt` a declared type annotation; `tm` its meaning as a type (type alias,
 * interface); `imp` an ESM import (`n`: the imported name, `default` or `*`).
 */
export const bindingFactSchema = z.strictObject({
  n: z.string(),
  d: z.enum([
    'var',
    'let',
    'const',
    'param',
    'function',
    'class',
    'import',
    'type',
    'interface',
    'enum',
    'namespace',
    'typeparam',
    'catch',
  ]),
  v: z.array(shapeSchema).optional(),
  dt: shapeSchema.optional(),
  tm: z.array(shapeSchema).optional(),
  imp: z.strictObject({ p: z.string(), n: z.string() }).optional(),
});
export type BindingFact = z.infer<typeof bindingFactSchema>;

/**
 * A class member. `k`: m method, get/set accessors, f field, abs a declaration without a body (abstract or an
 * overload signature). `s` is its symbol when it has a body (a field holding a function has one too);
 * `t` a declared type (a field's type, or an accessor's/abstract method's return type); `v` assigned values.
 */
export const memberFactSchema = z.strictObject({
  n: z.string(),
  k: z.enum(['m', 'get', 'set', 'f', 'abs']),
  s: idx.optional(),
  st: z.literal(true).optional(),
  t: shapeSchema.optional(),
  v: z.array(shapeSchema).optional(),
});
export type MemberFact = z.infer<typeof memberFactSchema>;

/** A class, or a constructor function given methods through `F.prototype.m = ...` (`fnc`). */
export const classFactSchema = z.strictObject({
  n: z.string(),
  /** The class symbol (for a constructor function: the function's symbol). */
  s: idx,
  no: idx,
  ctor: idx.optional(),
  sup: shapeSchema.optional(),
  impl: z.array(shapeSchema).optional(),
  abs: z.literal(true).optional(),
  fnc: z.literal(true).optional(),
  mem: z.array(memberFactSchema),
});
export type ClassFact = z.infer<typeof classFactSchema>;

/** A TS interface: members (`m` method signature with its return type, `p` property with its type). */
export const interfaceFactSchema = z.strictObject({
  n: z.string(),
  no: idx,
  ext: z.array(shapeSchema),
  mem: z.array(z.strictObject({ n: z.string(), k: z.enum(['m', 'p']), t: shapeSchema.optional() })),
});
export type InterfaceFact = z.infer<typeof interfaceFactSchema>;

/** An object literal (or a type literal, whose property types are instance shapes), and spread sources. */
export const objectFactSchema = z.strictObject({
  p: z.array(z.strictObject({ n: z.string(), v: shapeSchema })),
  spr: z.array(shapeSchema).optional(),
});
export type ObjectFact = z.infer<typeof objectFactSchema>;

/**
 * A call site. `o`: the enclosing symbol; `f`: the callee; `t`: c call, n `new`, s `super(...)`, j JSX element;
 * `l`/`c`: 1-based position of the callee's name token, `off` its offset; `nm` the called name;
 * `a`: arguments that may name functions (identifiers, members, `.bind(...)`), with their positions.
 */
export const callFactSchema = z.strictObject({
  o: idx,
  f: shapeSchema,
  t: z.enum(['c', 'n', 's', 'j']),
  l: z.int().min(1),
  c: z.int().min(1),
  off: idx,
  nm: z.string(),
  a: z.array(z.strictObject({ v: shapeSchema, l: z.int().min(1), c: z.int().min(1) })).optional(),
});
export type CallFact = z.infer<typeof callFactSchema>;

export const ecmascriptFactsSchema = z.strictObject({
  v: z.literal(FACTS_VERSION),
  /** Which parser dialect produced these facts. */
  lang: z.enum(['ts', 'tsx', 'js']),
  lines: z.int().min(1),
  sym: z.array(symbolFactSchema),
  bind: z.array(bindingFactSchema),
  cls: z.array(classFactSchema),
  ifc: z.array(interfaceFactSchema),
  obj: z.array(objectFactSchema),
  calls: z.array(callFactSchema),
  /** Local exports (ESM and `exports.x = ...`): exported name and value. */
  ex: z.array(z.strictObject({ n: z.string(), v: shapeSchema })),
  /** Re-exports `export { i as n } from 'p'` (`i` is `*` for `export * as n`). */
  rx: z.array(z.strictObject({ n: z.string(), p: z.string(), i: z.string() })),
  /** `export * from 'p'`. */
  star: z.array(z.string()),
  /** `module.exports = ...` / `export = ...`. */
  cjs: z.array(shapeSchema).optional(),
  /** Every module specifier the file depends on, type-only imports included. */
  deps: z.array(z.string()),
  /** Why the file could not be parsed, when it could not. */
  err: z.string().optional(),
  /** TypeScript: digest of what the file shows the type checker outside sealed bodies (surface.ts). */
  sh: z.string().optional(),
  /** TypeScript: the outermost sealed bodies, [start, end) offsets in order (surface.ts). */
  sb: z.array(z.tuple([idx, idx])).optional(),
  /** The file's value-flow unit (flow.ts), and the flow op of each call fact (-1: none). */
  fl: z.custom<FlowUnit>(isFlowUnit, { message: 'not a value-flow unit of this version' }).optional(),
  fc: z.array(z.int().min(-1)).optional(),
  /** The file has ES module syntax (`import x from` it reads `default`). */
  esm: z.literal(true).optional(),
});
export type EcmascriptFacts = z.infer<typeof ecmascriptFactsSchema>;
