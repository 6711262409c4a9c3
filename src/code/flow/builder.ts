// Flow unit builder (code intelligence, value-flow core): what front ends use to write a file's `FlowUnit` —
// variables, operations, functions and classes — and scopes whose names are split into versions, so that a read
// sees the assignments that reach it in straight-line code (`p = f1; p = f2; p()` calls f2 only).
//
// A scope keeps, per name, the versions that reach the current point. Branches are walked from a snapshot and
// joined; a loop reads, at its head, a version that also receives what the loop body assigns. Closures and
// anything that runs at an unknown time (a nested function, a class attribute read later) read the union of every
// version: `all(name)`.
import {
  type AllocKind,
  type ClassFact,
  EXPORTS_VAR,
  FLOW_VERSION,
  type FlowUnit,
  type FnFact,
  MODULE_VAR,
  type Op,
} from './ir.js';

type Mutable<T> = { -readonly [K in keyof T]: NonNullable<T[K]> extends ReadonlyArray<infer U> ? U[] : T[K] };
export type FnDraft = Mutable<FnFact>;
export type ClassDraft = Mutable<ClassFact>;

export class UnitBuilder {
  #n = 2;
  readonly ops: Op[] = [];
  readonly fns: FnDraft[] = [];
  readonly classes: ClassDraft[] = [];
  readonly allocs: AllocKind[] = [];
  readonly #lits = new Map<string, number>();
  #unknown: number | undefined;
  #nothing: number | undefined;

  readonly module = MODULE_VAR;
  readonly exports = EXPORTS_VAR;

  newVar(): number {
    return this.#n++;
  }

  emit(op: Op): void {
    this.ops.push(op);
  }

  /** A new variable receiving `op`'s result (`op` built around the variable). */
  into(make: (d: number) => Op): number {
    const d = this.newVar();
    this.ops.push(make(d));
    return d;
  }

  fn(draft: FnDraft): FnDraft {
    this.fns.push(draft);
    return draft;
  }

  cls(draft: ClassDraft): number {
    this.classes.push(draft);
    return this.classes.length - 1;
  }

  alloc(kind: AllocKind): number {
    this.allocs.push(kind);
    return this.allocs.length - 1;
  }

  /** A variable holding constant `key` (one per key per file). */
  lit(key: string): number {
    let v = this.#lits.get(key);
    if (v === undefined) {
      v = this.into((d) => ({ o: 'lit', d, v: key }));
      this.#lits.set(key, v);
    }
    return v;
  }

  /** A variable holding an unknown value (one per file). */
  unknown(): number {
    this.#unknown ??= this.into((d) => ({ o: 'unk', d }));
    return this.#unknown;
  }

  /** A variable that never holds anything (an argument whose value does not matter). */
  nothing(): number {
    this.#nothing ??= this.newVar();
    return this.#nothing;
  }

  /** One variable holding what all of `vars` hold. */
  merge(vars: readonly number[]): number {
    const unique = [...new Set(vars)];
    if (unique.length === 1) return unique[0]!;
    if (unique.length === 0) return this.nothing();
    const d = this.newVar();
    for (const s of unique) this.ops.push({ o: 'cp', d, s });
    return d;
  }

  copy(d: number, s: number): void {
    if (d !== s) this.ops.push({ o: 'cp', d, s });
  }

  unit(): FlowUnit {
    return { v: FLOW_VERSION, n: this.#n, f: this.fns, c: this.classes, a: this.allocs, o: this.ops };
  }
}

/** Which versions of each name reach a point. */
export type Env = Map<string, readonly number[]>;

/** The constant-key fields of fresh literals (by variable) that nothing else can have changed yet. */
type Fields = Map<number, ReadonlyMap<string, number>>;

/** A point of the walk: the versions reaching, and the literals still known field by field. */
export interface Snapshot {
  readonly env: Env;
  readonly fields: Fields;
}

/**
 * Versions of names, and strong updates of fresh literals: while a literal (`d = {a: f}`) has not escaped — not
 * passed, returned, aliased, called through, or seen by a closure — a store to one of its constant keys replaces
 * that field for the reads that follow (`d.a = g; d.a()` calls g only). Stores are still written to the object
 * too, for whatever reads it another way.
 */
export class VersionedScope {
  #env: Env = new Map();
  #fields: Fields = new Map();
  readonly #versions = new Map<string, number[]>();
  readonly #all = new Map<string, number>();
  readonly #captured = new Set<string>();

  constructor(
    readonly b: UnitBuilder,
    /** Names every read of which must see every version (assigned where the order is unknown). */
    readonly unstable: ReadonlySet<string> = new Set(),
  ) {}

  /** A new version of `name`, from now on the only one reaching. */
  define(name: string): number {
    const v = this.b.newVar();
    this.#env.set(name, [v]);
    const list = this.#versions.get(name);
    if (list) list.push(v);
    else this.#versions.set(name, [v]);
    return v;
  }

  /** Assigns `value` to `name` as a new version (a literal known field by field stays known through the name). */
  assign(name: string, value: number): void {
    const version = this.define(name);
    this.b.copy(version, value);
    const fields = this.#fields.get(value);
    this.#fields.delete(value);
    if (fields && !this.#captured.has(name) && !this.unstable.has(name)) this.#fields.set(version, fields);
  }

  /** `v` holds a fresh literal with these constant-key fields. */
  track(v: number, fields: ReadonlyMap<string, number>): void {
    this.#fields.set(v, fields);
  }

  /** The variable of field `key` of the literal in `v`, while it is known. */
  field(v: number, key: string): number | undefined {
    return this.#fields.get(v)?.get(key);
  }

  /** A store to field `key` of the literal in `v`: true when the literal is known (the field is replaced). */
  setField(v: number, key: string, value: number): boolean {
    const fields = this.#fields.get(v);
    if (!fields) return false;
    const next = new Map(fields);
    next.set(key, value);
    this.#fields.set(v, next);
    return true;
  }

  /** `v` is used some other way: its literal may change behind the walk's back from now on. */
  escape(v: number): void {
    if (this.#fields.size === 0) return;
    const fields = this.#fields.get(v);
    if (!fields) return;
    this.#fields.delete(v);
    for (const inner of fields.values()) this.escape(inner);
  }

  /** The variable of `name` as read here, or undefined if no version reaches (not assigned yet here). */
  read(name: string): number | undefined {
    if (this.unstable.has(name)) return this.all(name);
    const reaching = this.#env.get(name);
    if (!reaching || reaching.length === 0) return undefined;
    return this.b.merge(reaching);
  }

  /** Exactly the versions reaching now. */
  reaching(name: string): readonly number[] | undefined {
    return this.#env.get(name);
  }

  /** Every version of `name`, whenever assigned (filled in by `finish`). A closure reads this: the name escapes. */
  all(name: string): number {
    this.#captured.add(name);
    for (const version of this.#versions.get(name) ?? []) this.escape(version);
    let v = this.#all.get(name);
    if (v === undefined) {
      v = this.b.newVar();
      this.#all.set(name, v);
    }
    return v;
  }

  /** The names assigned in this scope so far. */
  names(): IterableIterator<string> {
    return this.#versions.keys();
  }

  has(name: string): boolean {
    return this.#versions.has(name);
  }

  snapshot(): Snapshot {
    return { env: new Map(this.#env), fields: new Map(this.#fields) };
  }

  restore(point: Snapshot): void {
    this.#env = new Map(point.env);
    this.#fields = new Map(point.fields);
  }

  /** The versions reaching after either of these paths; a literal stays known where every path agrees on it. */
  join(points: readonly Snapshot[]): void {
    const joined: Env = new Map();
    for (const { env } of points)
      for (const [name, versions] of env)
        joined.set(name, [...new Set([...(joined.get(name) ?? []), ...versions])]);
    this.#env = joined;
    const [first, ...rest] = points;
    const fields: Fields = new Map();
    for (const [v, map] of first?.fields ?? [])
      if (rest.every((point) => sameFields(point.fields.get(v), map))) fields.set(v, map);
    this.#fields = fields;
  }

  /**
   * Walks a loop body: at the head, each name the body assigns reads a version that also receives what the
   * body assigned (the previous iteration), and after the loop that version holds both.
   */
  loop(assigned: Iterable<string>, body: () => void): void {
    // An iteration may store to a literal after the reads of the next one: none stays known across a loop.
    this.#fields = new Map();
    const heads = new Map<string, number>();
    for (const name of assigned) {
      const before = this.#env.get(name) ?? [];
      const head = this.b.newVar();
      for (const v of before) this.b.copy(head, v);
      heads.set(name, head);
      this.#env.set(name, [head]);
    }
    const count = new Map([...heads.keys()].map((name) => [name, this.#versions.get(name)?.length ?? 0]));
    body();
    for (const [name, head] of heads) {
      for (const v of (this.#versions.get(name) ?? []).slice(count.get(name))) this.b.copy(head, v);
      this.#env.set(name, [head]);
    }
    this.#fields = new Map();
  }

  /** Writes the `all` variables: each receives every version of its name. */
  finish(): void {
    for (const [name, all] of this.#all) for (const v of this.#versions.get(name) ?? []) this.b.copy(all, v);
  }
}

function sameFields(a: ReadonlyMap<string, number> | undefined, b: ReadonlyMap<string, number>): boolean {
  if (!a || a.size !== b.size) return false;
  for (const [key, v] of a) if (b.get(key) !== v) return false;
  return true;
}
