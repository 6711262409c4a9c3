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

export class VersionedScope {
  #env: Env = new Map();
  readonly #versions = new Map<string, number[]>();
  readonly #all = new Map<string, number>();

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

  /** Assigns `value` to `name` as a new version. */
  assign(name: string, value: number): void {
    this.b.copy(this.define(name), value);
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

  /** Every version of `name`, whenever assigned (filled in by `finish`). */
  all(name: string): number {
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

  snapshot(): Env {
    return new Map(this.#env);
  }

  restore(env: Env): void {
    this.#env = new Map(env);
  }

  /** The versions reaching after either of these paths. */
  join(envs: readonly Env[]): void {
    const joined: Env = new Map();
    for (const env of envs)
      for (const [name, versions] of env)
        joined.set(name, [...new Set([...(joined.get(name) ?? []), ...versions])]);
    this.#env = joined;
  }

  /**
   * Walks a loop body: at the head, each name the body assigns reads a version that also receives what the
   * body assigned (the previous iteration), and after the loop that version holds both.
   */
  loop(assigned: Iterable<string>, body: () => void): void {
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
  }

  /** Writes the `all` variables: each receives every version of its name. */
  finish(): void {
    for (const [name, all] of this.#all) for (const v of this.#versions.get(name) ?? []) this.b.copy(all, v);
  }
}
