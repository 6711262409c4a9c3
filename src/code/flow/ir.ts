// Value-flow facts (code intelligence): the language-neutral form every front end gives its files to the solver.
//
// A front end turns one file into a `FlowUnit`: numbered variables (scopes already resolved, locals already split
// into versions where the order of assignments is known) and operations on them, in the spirit of PyCG's assignment
// graph and Jelly's constraint variables. Like the rest of the facts, a unit is a pure function of the file's text:
// symbols are indices into the file's own symbol list and imports are the written specifiers; the linker maps both.
//
// The solver (solver.ts) propagates values — functions, classes, objects, instances, constants — through these
// operations to a fixpoint and builds call edges as callees become known.

/** Bump when the operations or their meaning change: cached facts of another version are re-extracted. */
export const FLOW_VERSION = 1;

/** A property key standing for every key: `o[x]` with `x` unknown, or all elements of a container. */
export const ANY_KEY = '*';

/** Where an operation is in its file and which symbol runs it (an index into the file's symbols). */
export interface Site {
  /** Owner: the symbol whose body holds the operation. */
  readonly w: number;
  /** 1-based line and column. */
  readonly l: number;
  readonly c: number;
}

/**
 * Kinds of fresh objects: `o` object literal, `a` JS array, `d` dict, `l` list, `t` tuple, `s` set. The solver
 * gives the library models (natives) the kind, so `[].push` and `{}.update` mean what they do.
 */
export type AllocKind = 'o' | 'a' | 'd' | 'l' | 't' | 's';

export type Op =
  /** d ⊇ {function of symbol s} (the symbol has a `FnFact`). */
  | { readonly o: 'fn'; readonly d: number; readonly s: number }
  /** d ⊇ {class c} (an index into `FlowUnit.c`). */
  | { readonly o: 'cls'; readonly d: number; readonly c: number }
  /** d ⊇ {the object allocated here}: `a` indexes `FlowUnit.a`. */
  | { readonly o: 'new'; readonly d: number; readonly a: number }
  /** d ⊇ {a constant usable as a property key}, spelled as the front end keys properties. */
  | { readonly o: 'lit'; readonly d: number; readonly v: string }
  /** d may hold values nobody models (arithmetic, a library's result): keys read through it mean any key. */
  | { readonly o: 'unk'; readonly d: number }
  /** d ⊇ s. */
  | { readonly o: 'cp'; readonly d: number; readonly s: number }
  /** d ⊇ b.p, inherited members included; a getter found there is called (at the site, when given). */
  | ({ readonly o: 'ld'; readonly d: number; readonly b: number; readonly p: string } & Partial<Site>)
  /** d ⊇ b[k] for every constant in k (any key when k holds something else). */
  | ({ readonly o: 'ldk'; readonly d: number; readonly b: number; readonly k: number } & Partial<Site>)
  /** b.p ⊇ s; a setter found there is called. */
  | ({ readonly o: 'st'; readonly b: number; readonly p: string; readonly s: number } & Partial<Site>)
  /** b[k] ⊇ s. */
  | { readonly o: 'stk'; readonly b: number; readonly k: number; readonly s: number }
  /** An accessor property of b: getter and/or setter function symbols. */
  | { readonly o: 'acc'; readonly b: number; readonly p: string; readonly g?: number; readonly t?: number }
  /** A call: see `CallOp`. */
  | CallOp
  /**
   * An import: d ⊇ the module `m` (written as in the source; `lv` dots for a Python relative import), or its
   * member `n` when given (`default` and `*` as in ESM; `*` alone is the namespace).
   */
  | { readonly o: 'imp'; readonly d: number; readonly m: string; readonly n?: string; readonly lv?: number }
  /** A name no scope of the file declares: this module's member (star imports), else a builtin, else external. */
  | { readonly o: 'glb'; readonly d: number; readonly n: string }
  /** d ⊇ what iterating s yields (`for`, spread, destructuring); protocol methods it runs are calls at the site. */
  | ({ readonly o: 'iter'; readonly d: number; readonly s: number } & Site)
  /** d ⊇ what awaiting s gives. */
  | { readonly o: 'aw'; readonly d: number; readonly s: number }
  /** Every property of s is one of d (`Object.assign`, `export *`, `from m import *`); `x`: skip `_private` names. */
  | { readonly o: 'star'; readonly d: number; readonly s: number; readonly x?: 1 }
  /** s is on d's prototype chain (`Object.create`, `Object.setPrototypeOf`, `__proto__`). */
  | { readonly o: 'proto'; readonly d: number; readonly s: number }
  /**
   * A declared type: d holds instances of the classes s holds (a parameter annotation). Applied only where no value
   * of the tree reaches d (or variable `c`, when given), so that flow decides when it can and the declaration when
   * it cannot.
   */
  | { readonly o: 'is'; readonly d: number; readonly s: number; readonly c?: number };

/**
 * A call. The callee is `f`, or member `m` (or computed member `mk`) of receiver `r`; `f` with `r` is a method
 * already read off its receiver (called with `this` bound to `r`). With `sup` (a class index)
 * the member is looked up above that class (`super.m()`, `super().m()`), on receiver `r` (`this`/`self`); with
 * `sup` and no member it is the base constructor (`super(...)`).
 */
export interface CallOp extends Site {
  readonly o: 'call';
  /** Where the result goes. */
  readonly d?: number;
  readonly f?: number;
  readonly r?: number;
  readonly m?: string;
  readonly mk?: number;
  readonly sup?: number;
  /** Positional arguments. */
  readonly a: readonly number[];
  /** Index in `a` of a spread argument (`...xs`, `*xs`): it and everything after it has no known position. */
  readonly sp?: number;
  /** Keyword arguments (Python). */
  readonly k?: ReadonlyArray<readonly [string, number]>;
  /** `**kwargs` passed on (Python). */
  readonly kw?: number;
  /** `new`. */
  readonly n?: 1;
  /** A protocol call the language makes implicitly (`__enter__`, an operator): quiet when nothing answers. */
  readonly i?: 1;
  /**
   * A decorator applied to `a[0]`: when the decorator is library code, the decorated name still calls the
   * function (through the library's wrapper), so the result keeps it.
   */
  readonly dc?: 1;
  /** The callee as written, for naming the library code a function is handed to. */
  readonly x?: string;
}

/** A function with a body. Variables are the unit's. */
export interface FnFact {
  /** Symbol index. */
  readonly s: number;
  /** Parameters in order. */
  readonly p: readonly number[];
  /** How many of them take positional arguments (the others are keyword-only); all when absent. */
  readonly np?: number;
  /** Their names, for keyword arguments (Python). */
  readonly pn?: readonly string[];
  /** Defaults: [parameter index, variable holding the default value]. */
  readonly d?: ReadonlyArray<readonly [number, number]>;
  /** Rest parameter (`...args`, `*args`): receives an array or tuple of the extra arguments. */
  readonly rs?: number;
  /** `**kwargs`: receives a dict of the extra keyword arguments. */
  readonly kw?: number;
  /** `this` (JS). */
  readonly th?: number;
  /** Return value. */
  readonly r: number;
  /** Parameters returned unchanged: each call's result includes that call's own argument (not every caller's). */
  readonly rp?: readonly number[];
  /**
   * Parameters stored unchanged on the receiver (`this.fn = fn`, `self.fn = fn`): [parameter index, property].
   * Each call stores its own argument on its own receiver, so two objects built with different functions keep them
   * apart.
   */
  readonly pf?: ReadonlyArray<readonly [number, string]>;
  /** Values yielded. */
  readonly y?: number;
  /** Generator (calling it gives an iterator of `y`). */
  readonly g?: 1;
  /** Async (calling it gives a promise of `r`). */
  readonly as?: 1;
  /** Python functions in a class body: `i` instance method (the default there), `s` staticmethod, `c` classmethod. */
  readonly m?: 'i' | 's' | 'c';
  /** The class (index into `FlowUnit.c`) whose body defines this function. */
  readonly cl?: number;
}

/** A class. Its members are ordinary stores: on the class (statics, Python class attributes) and on its prototype. */
export interface ClassFact {
  /** Symbol index. */
  readonly s: number;
  /** Base class expressions, in order. */
  readonly b: readonly number[];
  /** Explicit constructor symbol (JS). */
  readonly ct?: number;
  /** Names the class body declares: a lookup that finds one here goes no further up the hierarchy. */
  readonly dn: readonly string[];
  /** `this` of field initialisers (JS): every instance of the class and of its subclasses. */
  readonly th?: number;
  /** Python semantics: one namespace for class and instance members, C3 method resolution order. */
  readonly py?: 1;
}

export interface FlowUnit {
  readonly v: typeof FLOW_VERSION;
  /** Number of variables. Variable 0 is the module object (Python module, JS `module`), 1 its exports (JS). */
  readonly n: number;
  readonly f: readonly FnFact[];
  readonly c: readonly ClassFact[];
  readonly a: readonly AllocKind[];
  readonly o: readonly Op[];
}

/** Variable 0 of every unit: the module itself. */
export const MODULE_VAR = 0;
/** Variable 1 of every unit: the module's exports object (JS `exports`; Python uses the module object). */
export const EXPORTS_VAR = 1;

const int = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const str = (value: unknown): value is string => typeof value === 'string';
const ints = (value: unknown): boolean => Array.isArray(value) && value.every(int);
const pairs = (value: unknown, first: (v: unknown) => boolean): boolean =>
  Array.isArray(value) && value.every((p) => Array.isArray(p) && p.length === 2 && first(p[0]) && int(p[1]));

type Check = (value: unknown) => boolean;
const siteFields: Record<string, Check> = { w: int, l: int, c: int };

/** Fields each operation must have, and may have. Checked by hand: units are large and read on every warm index. */
const OP_FIELDS: Record<Op['o'], { req: Record<string, Check>; opt?: Record<string, Check> }> = {
  fn: { req: { d: int, s: int } },
  cls: { req: { d: int, c: int } },
  new: { req: { d: int, a: int } },
  lit: { req: { d: int, v: str } },
  unk: { req: { d: int } },
  cp: { req: { d: int, s: int } },
  ld: { req: { d: int, b: int, p: str }, opt: siteFields },
  ldk: { req: { d: int, b: int, k: int }, opt: siteFields },
  st: { req: { b: int, p: str, s: int }, opt: siteFields },
  stk: { req: { b: int, k: int, s: int } },
  acc: { req: { b: int, p: str }, opt: { g: int, t: int } },
  call: {
    req: { a: ints, ...siteFields },
    opt: {
      d: int,
      f: int,
      r: int,
      m: str,
      mk: int,
      sup: int,
      sp: int,
      k: (v) => pairs(v, str),
      kw: int,
      n: (v) => v === 1,
      i: (v) => v === 1,
      dc: (v) => v === 1,
      x: str,
    },
  },
  imp: { req: { d: int, m: str }, opt: { n: str, lv: int } },
  glb: { req: { d: int, n: str } },
  iter: { req: { d: int, s: int, ...siteFields } },
  aw: { req: { d: int, s: int } },
  star: { req: { d: int, s: int }, opt: { x: (v) => v === 1 } },
  proto: { req: { d: int, s: int } },
  is: { req: { d: int, s: int }, opt: { c: int } },
};

function fieldsOk(record: Record<string, unknown>, req: Record<string, Check>, opt?: Record<string, Check>) {
  for (const key in record) {
    const value = record[key];
    if (key === 'o' || value === undefined) continue;
    const check = req[key] ?? opt?.[key];
    if (!check?.(value)) return false;
  }
  for (const key in req) if (record[key] === undefined) return false;
  return true;
}

const FN_FIELDS = {
  req: { s: int, p: ints, r: int },
  opt: {
    pn: (v: unknown) => Array.isArray(v) && v.every(str),
    np: int,
    d: (v: unknown) => pairs(v, int),
    rs: int,
    kw: int,
    th: int,
    rp: ints,
    pf: (v: unknown) =>
      Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && int(p[0]) && str(p[1])),
    y: int,
    g: (v: unknown) => v === 1,
    as: (v: unknown) => v === 1,
    m: (v: unknown) => v === 'i' || v === 's' || v === 'c',
    cl: int,
  },
};
const CLASS_FIELDS = {
  req: { s: int, b: ints, dn: (v: unknown) => Array.isArray(v) && v.every(str) },
  opt: { ct: int, th: int, py: (v: unknown) => v === 1 },
};
const ALLOC_KINDS = new Set(['o', 'a', 'd', 'l', 't', 's']);

/** Whether `value` is a well-formed unit of this version whose variables are all in range. */
export function isFlowUnit(value: unknown): value is FlowUnit {
  if (typeof value !== 'object' || value === null) return false;
  const unit = value as Record<string, unknown>;
  if (unit.v !== FLOW_VERSION || !int(unit.n) || (unit.n as number) < 2) return false;
  const { f, c, a, o } = unit;
  if (!Array.isArray(f) || !Array.isArray(c) || !Array.isArray(a) || !Array.isArray(o)) return false;
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  for (const fn of f) if (!isRecord(fn) || !fieldsOk(fn, FN_FIELDS.req, FN_FIELDS.opt)) return false;
  for (const cls of c) if (!isRecord(cls) || !fieldsOk(cls, CLASS_FIELDS.req, CLASS_FIELDS.opt)) return false;
  for (const kind of a) if (!ALLOC_KINDS.has(kind as string)) return false;
  for (const op of o) {
    if (!isRecord(op)) return false;
    const fields = OP_FIELDS[op.o as Op['o']];
    if (!fields || !fieldsOk(op, fields.req, fields.opt)) return false;
  }
  return true;
}
