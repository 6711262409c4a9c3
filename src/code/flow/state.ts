// Solver state (code intelligence, value-flow core): the program's variables and values, the functions and classes
// they refer to, object properties, and the edges and library hops found so far.
import type { EdgeKind } from '../model.js';
import { ANY_KEY, type AllocKind, type ClassFact, type FnFact } from './ir.js';
import type { FlowEdge, FlowFile, FlowProgram, Hop } from './program.js';
import { Propagation } from './propagation.js';
import { UNKNOWN_VALUE, ValueTable } from './values.js';

export interface FnInfo {
  readonly file: number;
  readonly fact: FnFact;
  /** Global symbol number. */
  readonly symbol: number;
  /** The class (number) whose body defines it. */
  readonly owner?: number;
}

export interface ClassInfo {
  readonly file: number;
  readonly fact: ClassFact;
  readonly symbol: number;
  readonly value: number;
  /** Global variables of the base expressions. */
  readonly bases: readonly number[];
}

/** Where an edge or a value is made: a file, a position and the symbol whose code it is. */
export interface At {
  readonly file: number;
  readonly owner: number;
  readonly line: number;
  readonly column: number;
}

/** Objects a spread or `Object.assign` copies key by key; past them, under any key. */
const COPIED_OBJECTS = 4;

/**
 * Values one variable holds at most (see `Propagation`). Measured: 32 keeps the language service's recall on zod and
 * openai and the suites' figures exactly, raises precision a little (the values a hub passes on past 32 are mostly
 * noise: an object of methods handed to `Array.isArray`), and halves the solve on a 9k-file tree against 64.
 */
const VALUES_PER_VARIABLE = 32;

export class FlowState {
  readonly prop = new Propagation(VALUES_PER_VARIABLE, UNKNOWN_VALUE);
  readonly values = new ValueTable();
  /** First global variable of each file's unit. */
  readonly base: number[] = [];
  readonly fns = new Map<number, FnInfo>();
  readonly classes: ClassInfo[] = [];
  /** Kind of each allocation number. */
  readonly allocKinds: AllocKind[] = [];
  /** First global allocation number of each file's unit. */
  readonly allocBase: number[] = [];
  readonly #classBase: number[] = [];
  /** Own properties: value → key → variable. */
  readonly #own = new Map<number, Map<string, number>>();
  /** Handlers told of each new own property of a value. */
  readonly #propWatchers = new Map<number, Array<(key: string, v: number) => void>>();
  readonly #edges = new Map<string, FlowEdge>();
  readonly hops: Hop[] = [];
  readonly #hopAt = new Map<string, number>();
  readonly #lits = new Map<string, number>();
  readonly #made = new Map<string, number>();
  readonly #keyedVars = new Map<string, number>();
  readonly #copied = new Set<string>();
  #sink: number | undefined;

  constructor(readonly program: FlowProgram) {
    let classes = 0;
    for (const file of program.files) {
      this.base.push(this.prop.size);
      this.prop.ensure(this.prop.size + file.unit.n);
      this.allocBase.push(this.allocKinds.length);
      this.allocKinds.push(...file.unit.a);
      this.#classBase.push(classes);
      classes += file.unit.c.length;
    }
    program.files.forEach((file, f) => {
      this.#loadFile(file, f);
    });
  }

  #loadFile(file: FlowFile, f: number): void {
    const classBase = this.#classBase[f]!;
    for (const fact of file.unit.f) {
      const symbol = file.symbols[fact.s];
      if (symbol === undefined) continue;
      const owner = fact.cl !== undefined && fact.cl < file.unit.c.length ? classBase + fact.cl : undefined;
      this.fns.set(
        symbol,
        owner === undefined ? { file: f, fact, symbol } : { file: f, fact, symbol, owner },
      );
    }
    for (const fact of file.unit.c) {
      const symbol = file.symbols[fact.s] ?? -1;
      const value = this.values.intern('cls', this.classes.length);
      this.classes.push({ file: f, fact, symbol, value, bases: fact.b.map((b) => this.var(f, b)) });
    }
  }

  /** Global variable of file `f`'s variable `local` (a fresh one when out of range: bad facts stay harmless). */
  var(f: number, local: number): number {
    const unit = this.program.files[f]!.unit;
    return local < unit.n ? this.base[f]! + local : this.prop.newVar();
  }

  classNumber(f: number, c: number): number | undefined {
    const number = this.#classBase[f]! + c;
    return c < this.program.files[f]!.unit.c.length ? number : undefined;
  }

  allocNumber(f: number, a: number): number | undefined {
    return a < this.program.files[f]!.unit.a.length ? this.allocBase[f]! + a : undefined;
  }

  symbolOf(f: number, local: number): number | undefined {
    return this.program.files[f]!.symbols[local];
  }

  temp(): number {
    return this.prop.newVar();
  }

  /**
   * A variable the solver keeps under `key` (what a library call at one site settles to). Values made by library
   * models hang off such variables, never off fresh ones: a call site then makes one value however often it runs,
   * and a value that flows back into its own call cannot breed new ones without end.
   */
  keyedVar(key: string): number {
    let v = this.#keyedVars.get(key);
    if (v === undefined) {
      v = this.prop.newVar();
      this.#keyedVars.set(key, v);
    }
    return v;
  }

  /** An object the solver makes itself (a rest-parameter array, what a library call returns), once per `key`. */
  object(kind: AllocKind, key: string): number {
    let value = this.#made.get(key);
    if (value === undefined) {
      this.allocKinds.push(kind);
      value = this.values.intern('obj', this.allocKinds.length - 1);
      this.#made.set(key, value);
    }
    return value;
  }

  /** How the language spells an integer index as a key (Python keeps `1` apart from `'1'`). */
  indexKey(i: number): string {
    return this.program.language === 'python' ? `#${i}` : String(i);
  }

  lit(key: string): number {
    let value = this.#lits.get(key);
    if (value === undefined) {
      value = this.values.intern('lit', -1, -1, key);
      this.#lits.set(key, value);
    }
    return value;
  }

  unknown(v: number): void {
    this.prop.add(v, UNKNOWN_VALUE);
  }

  fnValue(symbol: number): number {
    return this.values.intern('fn', symbol);
  }

  /**
   * The variable of own property `key` of `value`, made on first use. Unknown and library objects have none the
   * solver tracks: what is stored on them goes to a variable nothing reads (else one `any`-typed store would reach
   * every read of every object the solver knows nothing about).
   */
  own(value: number, key: string): number {
    const kind = this.values.kind[value];
    if (kind === 'unknown' || kind === 'ext') {
      this.#sink ??= this.prop.newVar();
      return this.#sink;
    }
    let props = this.#own.get(value);
    if (!props) {
      props = new Map();
      this.#own.set(value, props);
    }
    let v = props.get(key);
    if (v === undefined) {
      v = this.prop.newVar();
      props.set(key, v);
      for (const watcher of this.#propWatchers.get(value) ?? []) watcher(key, v);
    }
    return v;
  }

  /** Every own property made so far, as [object value, variable, key]. */
  *ownProperties(): Generator<[number, number, string]> {
    for (const [value, props] of this.#own) for (const [key, v] of props) yield [value, v, key];
  }

  /** Runs `watcher` for every own property `value` has and will have. */
  eachOwn(value: number, watcher: (key: string, v: number) => void): void {
    const watchers = this.#propWatchers.get(value);
    if (watchers) watchers.push(watcher);
    else this.#propWatchers.set(value, [watcher]);
    for (const [key, v] of this.#own.get(value) ?? []) watcher(key, v);
  }

  /** Whether `value` has an own property `key` yet (without making one). */
  hasOwn(value: number, key: string): boolean {
    return this.#own.get(value)?.has(key) === true;
  }

  /**
   * Every own property of `source`, now and later, is also one of `target` (`Object.assign`, `dict.update`, star
   * imports). Class bodies' methods are not enumerable: copying a class prototype copies none of them.
   */
  copyProps(
    source: number,
    target: number,
    skipPrivate = false,
    keys: number = Number.POSITIVE_INFINITY,
  ): void {
    const id = `${source}>${target}`;
    if (this.#copied.has(id) || source === target) return;
    this.#copied.add(id);
    if (this.values.kind[source] === 'proto' && this.values.kind[this.values.a[source]!] === 'cls') return;
    let copied = 0;
    this.eachOwn(source, (key, v) => {
      if (skipPrivate && key.startsWith('_')) return;
      // Past `keys` properties, the rest arrive under any key: a spread of everything that flows somewhere would
      // otherwise give each literal it lands in every property name of the program.
      this.prop.edge(v, this.own(target, copied++ < keys ? key : ANY_KEY));
    });
  }

  /**
   * Every own property of every value of the `sources` variables becomes one of every value of `target`, through
   * one object made under `key`: sources and targets are joined once each, not pair by pair.
   */
  copyAll(sources: readonly number[], target: number, key: string): void {
    const through = this.object('o', key);
    let from = 0;
    // One object copied (`export *`, `{...options}`) keeps its keys; past a few, what is copied is a mix of many
    // objects (a spread of whatever flows into a parameter), kept under any key: per key, it would give every
    // literal it lands in every property name the program uses.
    for (const source of sources)
      this.prop.on(source, (value) =>
        this.copyProps(value, through, false, ++from > COPIED_OBJECTS ? 0 : undefined),
      );
    this.prop.on(target, (to) => this.copyProps(through, to));
  }

  addEdge(at: At, to: number, kind: EdgeKind, note?: string): void {
    const key = `${at.owner}\0${to}\0${at.file}:${at.line}:${at.column}`;
    const existing = this.#edges.get(key);
    // The same call found precisely and by dispatch (or through a hop's guess) keeps the most precise kind.
    if (existing && rank(existing.kind) <= rank(kind)) return;
    const edge: FlowEdge = { from: at.owner, to, kind, file: at.file, line: at.line, column: at.column };
    this.#edges.set(key, note === undefined ? edge : { ...edge, note });
  }

  /** The hop symbol for library code called at `at`, made once per call site. */
  hop(at: At, name: string): number {
    const key = `${at.file}:${at.line}:${at.column}`;
    let hop = this.#hopAt.get(key);
    if (hop === undefined) {
      hop = this.hops.length;
      this.hops.push({ name, file: at.file, line: at.line, column: at.column });
      this.#hopAt.set(key, hop);
    }
    return this.program.symbolCount + hop;
  }

  edges(): FlowEdge[] {
    return [...this.#edges.values()];
  }
}

const KIND_RANK: Record<EdgeKind, number> = {
  direct: 0,
  method: 0,
  constructor: 0,
  external: 0,
  callback: 0,
  dispatch: 1,
  heuristic: 2,
};

function rank(kind: EdgeKind): number {
  return KIND_RANK[kind];
}
