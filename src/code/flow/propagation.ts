// Set propagation (code intelligence, value-flow core): variables holding sets of values, subset edges between them,
// and handlers run once per value a variable receives. Difference propagation: each value travels each edge once.
//
// Everything the solver knows is built from three moves: `add` a value to a variable, `edge` one variable into
// another, and `on` (run this for every value the variable holds, now or later). The worklist runs until no
// variable has values its edges and handlers have not seen. Most variables stay empty or small, so their sets,
// edges and handlers are made only when first needed.

export class Propagation {
  /** Variables that reached the limit. */
  readonly saturated = new Set<number>();
  #count = 0;
  /** Values of each variable (absent: none yet). */
  readonly #values: Array<Set<number> | undefined> = [];
  /** Subset edges out of each variable (deduplicated). */
  readonly #out: Array<Set<number> | undefined> = [];
  readonly #handlers: Array<Array<(value: number) => void> | undefined> = [];
  /** Values a variable received that its edges and handlers have not seen yet. */
  readonly #pending: Array<number[] | undefined> = [];
  #queue: number[] = [];
  #head = 0;
  /** Values added since construction: how much work the solve did. */
  added = 0;
  /**
   * With provenance on (`trackOrigins`), where each value of each variable came from: the variable it was copied
   * from along a subset edge, or -1 when something put it there directly. Off by default: it costs a map entry per
   * value.
   */
  #origins: Array<Map<number, number> | undefined> | undefined;
  #source = -1;

  /**
   * `limit`: how many values one variable holds at most; past it, it receives `overflow` instead (the solver's
   * "unknown"). A variable that many values reach says little about any one call, and without a bound a few such
   * hubs (a generic helper's parameter, a base class's `this`) make the solve quadratic.
   */
  constructor(
    readonly limit = Number.POSITIVE_INFINITY,
    readonly overflow = 0,
  ) {}

  get size(): number {
    return this.#count;
  }

  /** Records, from now on, where each value added comes from (see `origin`). */
  trackOrigins(): void {
    this.#origins ??= [];
  }

  /** The variable `value` of `v` was copied from, -1 if it was put there directly, undefined if unknown. */
  origin(v: number, value: number): number | undefined {
    return this.#origins?.[v]?.get(value);
  }

  newVar(): number {
    // Holes would turn the arrays sparse (slow): every variable has its slots, empty until needed.
    this.#values.push(undefined);
    this.#out.push(undefined);
    this.#handlers.push(undefined);
    this.#pending.push(undefined);
    return this.#count++;
  }

  /** Makes variables 0..count-1 exist. */
  ensure(count: number): void {
    while (this.#count < count) this.newVar();
  }

  values(v: number): ReadonlySet<number> {
    return this.#values[v] ?? EMPTY;
  }

  has(v: number, value: number): boolean {
    return this.#values[v]?.has(value) === true;
  }

  add(v: number, value: number): void {
    let set = this.#values[v];
    if (!set) {
      if (v >= this.#count) return;
      set = new Set<number>();
      this.#values[v] = set;
    } else if (set.has(value)) return;
    else if (set.size >= this.limit && value !== this.overflow) {
      // Past the limit a variable stands for "many things": it takes the overflow value instead (once).
      if (!this.saturated.has(v)) {
        this.saturated.add(v);
        this.add(v, this.overflow);
      }
      return;
    }
    set.add(value);
    this.added++;
    if (this.#origins) {
      let from = this.#origins[v];
      if (!from) {
        from = new Map();
        this.#origins[v] = from;
      }
      from.set(value, this.#source);
    }
    const pending = this.#pending[v];
    if (pending) pending.push(value);
    else {
      this.#pending[v] = [value];
      this.#queue.push(v);
    }
  }

  /** from ⊆ to, from now on. */
  edge(from: number, to: number): void {
    if (from === to) return;
    let out = this.#out[from];
    if (!out) {
      out = new Set();
      this.#out[from] = out;
    }
    if (out.has(to)) return;
    out.add(to);
    const values = this.#values[from];
    if (!values) return;
    const source = this.#source;
    this.#source = from;
    for (const value of values) this.add(to, value);
    this.#source = source;
  }

  /** Runs `handler` for every value `v` holds and will hold. Handlers must tolerate seeing a value twice. */
  on(v: number, handler: (value: number) => void): void {
    const handlers = this.#handlers[v];
    if (handlers) handlers.push(handler);
    else this.#handlers[v] = [handler];
    // A value still pending reaches the handler twice (now and when `v` is processed): handlers are idempotent.
    const values = this.#values[v];
    if (values) for (const value of [...values]) handler(value);
  }

  /**
   * Propagates until nothing is pending, or until `deadline` (a `performance.now()` time) has passed: true when
   * nothing is pending. The caller lets other work run between slices (Ctrl-C, progress) and calls again.
   */
  run(deadline = Number.POSITIVE_INFINITY): boolean {
    let steps = 0;
    while (this.#head < this.#queue.length) {
      if ((++steps & 1023) === 0 && performance.now() > deadline) return false;
      const v = this.#queue[this.#head++]!;
      const pending = this.#pending[v];
      this.#pending[v] = undefined;
      if (!pending) continue;
      const out = this.#out[v];
      const handlers = this.#handlers[v];
      for (let i = 0; i < pending.length; i++) {
        const value = pending[i]!;
        if (out) {
          this.#source = v;
          for (const to of out) this.add(to, value);
          this.#source = -1;
        }
        if (handlers) for (let h = 0; h < handlers.length; h++) handlers[h]!(value);
      }
      if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
    return true;
  }
}

const EMPTY: ReadonlySet<number> = new Set();
