// Calls (code intelligence, value-flow core): running a callee value at a call — edges, arguments into parameters,
// results back — and the protocols that call code implicitly (iteration, await, getters and setters).
//
// A callee becomes known when a value reaches the call's callee variable; the call is then linked to it once:
// an edge from the calling symbol, each argument into its parameter, the callee's return into the call's result.
// A function handed to code outside the tree gets an edge from that code (a hop symbol for the library at that
// call site) instead of one from the caller that only passed it along.
import type { EdgeKind } from '../model.js';
import { ANY_KEY } from './ir.js';
import type { Members } from './members.js';
import type { At, FlowState, FnInfo } from './state.js';
import { UNKNOWN_VALUE } from './values.js';

/** One call, as the solver runs it (a call of the source, or one a library model makes). */
export interface CallContext {
  /** Unique per call: allocation sites and deduplication are keyed by it. */
  readonly id: number;
  readonly at: At;
  readonly args: readonly number[];
  readonly spread?: number;
  readonly keywords?: ReadonlyArray<readonly [string, number]>;
  readonly kwargs?: number;
  readonly result?: number;
  readonly isNew?: boolean;
  /** A decorator application (see `CallOp.dc`). */
  readonly decorator?: boolean;
  /** The callee as written (or the library's name for it), for hops. */
  readonly name: string;
}

/** How the callee was reached, which decides the binding of `this`/`self` and the edge kind. */
export interface How {
  readonly kind: EdgeKind;
  readonly note?: string;
  /** JS: the value the member was read from (`this`). */
  readonly recv?: number;
  /** JS: a variable whose values are `this` (`f.call(x)`, `super.m()`). */
  readonly thisVar?: number;
  /** Python: the value bound to the first parameter. */
  readonly self?: number;
  /** Python: a variable bound to the first parameter (`super().m()`). */
  readonly selfVar?: number;
}

/** Library models: run library code called at a call; false when the name is not modelled. */
export interface NativeCalls {
  call(name: string, recv: number, call: CallContext, calls: Calls): boolean;
}

export interface KeyedAccess {
  /** d ⊇ b[k] for the keys k holds. */
  load(b: number, k: number, d: number, at: At | undefined): void;
  /** b[k] ⊇ src. */
  store(b: number, k: number, src: number): void;
}

/** A language's library models, as the solver uses them. */
export interface NativeModel extends NativeCalls {
  /** Model-name prefix of a container kind (`Array`, `list`, `dict`), when the language has such containers. */
  prefixOf(allocKind: string): string | undefined;
  /** Whether a library method of that name is modelled (`Array.push`, `dict.get`, `promise.then`). */
  has(name: string): boolean;
  /** Whether an undeclared name is the language's builtin (not a star-imported name). */
  isGlobal(name: string): boolean;
}

/** How library code is reached, for deduplication: the receiver does not change what it does. */
const LIBRARY: How = { kind: 'direct' };

/** Construction sites of one class that each get an instance of their own. */
const SITES_PER_CLASS = 8;

export class Calls {
  readonly #done = new Map<number, Map<number, How[]>>();
  readonly #escaped = new Set<number>();
  readonly #partials = new Map<number, { fn: number; thisVar?: number; args: readonly number[] }>();
  readonly #inner = new Map<string, number>();
  readonly #sites = new Map<number, Set<number>>();
  readonly #memberVars = new Map<string, number>();
  /** Functions some call of the tree reached. */
  readonly called = new Set<number>();
  /** Calls that reached some callee value. */
  readonly reached = new Set<number>();
  /** Calls that reached a callee value other than an unknown one. */
  readonly resolved = new Set<number>();
  #nextId = 0;
  natives: NativeCalls | undefined;
  /** Keyed reads and writes as the solver does them (getters and setters included), for library models. */
  access: KeyedAccess | undefined;

  constructor(
    readonly s: FlowState,
    readonly members: Members,
  ) {}

  /** A fresh call number (calls of the source are numbered by the solver from 0; these come after). */
  newId(): number {
    return 1_000_000_000 + this.#nextId++;
  }

  /** Runs callee value `callee` at `call`. */
  invoke(callee: number, call: CallContext, how: How): void {
    const { s } = this;
    this.reached.add(call.id);
    const kind = s.values.kind[callee];
    if (kind !== 'unknown') this.resolved.add(call.id);
    // Library code is called the same whatever the receiver: once per call and callee.
    const library = kind === 'unknown' || kind === 'ext' || kind === 'native';
    if (this.#seen(call.id, callee, library ? LIBRARY : how)) return;
    const a = s.values.a[callee]!;
    const b = s.values.b[callee]!;
    switch (s.values.kind[callee]) {
      case 'fn':
        this.#function(a, call, how);
        return;
      case 'bound': {
        const declared = this.members.dispatched.get(callee);
        if (declared !== undefined) {
          const name = `${s.program.nameOf(declared)}.${s.program.nameOf(s.values.a[a]!).split('.').pop()}`;
          this.invoke(a, call, { ...how, kind: 'dispatch', note: `dispatch through ${name}`, self: b });
        } else this.invoke(a, call, { ...how, kind: how.kind === 'direct' ? 'method' : how.kind, self: b });
        return;
      }
      case 'partial': {
        const partial = this.#partials.get(callee);
        if (!partial) return;
        const inner: CallContext = {
          ...call,
          id: this.#innerId(call.id, callee),
          args: [...partial.args, ...call.args],
        };
        this.invoke(
          partial.fn,
          inner,
          partial.thisVar === undefined ? how : { ...how, thisVar: partial.thisVar },
        );
        return;
      }
      case 'cls':
        this.#construct(a, call, how);
        return;
      case 'inst':
      case 'decl': {
        // Python: an instance called runs its class's `__call__`.
        const cls = s.values.a[a];
        if (s.values.kind[a] !== 'cls' || !s.classes[cls!]?.fact.py) return;
        s.prop.on(this.members.load(callee, '__call__'), (m) => this.invoke(m, call, { kind: 'method' }));
        return;
      }
      case 'native':
        this.natives?.call(s.values.name[callee]!, b, call, this);
        return;
      case 'ext':
        if (this.natives?.call(s.values.name[callee]!, -1, call, this)) return;
        this.external(call, call.name);
        return;
      case 'unknown':
        this.opaque(call);
        return;
      default:
        return;
    }
  }

  #function(symbol: number, call: CallContext, how: How): void {
    const { s } = this;
    const fn = s.fns.get(symbol);
    const kind = call.isNew ? { kind: 'constructor' as const } : this.#dispatchKind(fn, how);
    s.addEdge(call.at, symbol, kind.kind, kind.note);
    if (!fn) return;
    this.called.add(symbol);
    const fact = fn.fact;
    const param = (i: number) => s.var(fn.file, fact.p[i]!);
    let self: number | undefined;
    if ((fact.m === 'i' || fact.m === 'c') && fact.p.length > 0) {
      if (how.self !== undefined) {
        self = s.temp();
        s.prop.add(self, how.self);
      } else self = how.selfVar;
      if (self !== undefined) s.prop.edge(self, param(0));
    }
    const shift = self === undefined ? 0 : 1;
    if (fact.th !== undefined) {
      const th = s.var(fn.file, fact.th);
      if (how.recv !== undefined) s.prop.add(th, how.recv);
      if (how.thisVar !== undefined) s.prop.edge(how.thisVar, th);
      if (call.isNew) {
        const instance = this.instance(s.fnValue(symbol), call.id);
        s.prop.add(th, instance);
        if (call.result !== undefined) s.prop.add(call.result, instance);
      }
    }
    const bound = this.#bindArguments(fn, call, shift);
    if (self !== undefined) bound.set(0, [self]);
    if (fact.pf) this.#storeOnReceiver(fact.pf, bound, self ?? how.thisVar, how.recv, call, symbol);
    if (call.result === undefined || call.isNew) return;
    if (fact.g) s.prop.add(call.result, s.values.intern('gen', s.fnValue(symbol)));
    else if (fact.as) s.prop.add(call.result, s.values.intern('promise', s.var(fn.file, fact.r)));
    else {
      s.prop.edge(s.var(fn.file, fact.r), call.result);
      for (const i of fact.rp ?? []) for (const v of bound.get(i) ?? []) s.prop.edge(v, call.result);
    }
  }

  /** `this.fn = fn` of this call: this call's argument on this call's receiver. */
  #storeOnReceiver(
    stores: ReadonlyArray<readonly [number, string]>,
    bound: ReadonlyMap<number, number[]>,
    receiverVar: number | undefined,
    receiver: number | undefined,
    call: CallContext,
    symbol: number,
  ): void {
    const { s } = this;
    const receivers: number[] = [];
    if (receiverVar !== undefined) receivers.push(receiverVar);
    if (receiver !== undefined) receivers.push(holdingValue(s, receiver));
    if (call.isNew) receivers.push(holdingValue(s, this.instance(s.fnValue(symbol), call.id)));
    for (const [i, key] of stores) {
      const args = bound.get(i) ?? [];
      for (const v of receivers)
        s.prop.on(v, (target) => {
          for (const arg of args) s.prop.edge(arg, s.own(target, key));
        });
    }
  }

  /**
   * Whether `callee` was already run at call `id` the same way (the kind counts: a callee reached precisely after a
   * dispatch keeps the precise edge). Records it otherwise: per call, per callee, the ways it was reached.
   */
  #seen(id: number, callee: number, how: How): boolean {
    let byCallee = this.#done.get(id);
    if (!byCallee) {
      byCallee = new Map();
      this.#done.set(id, byCallee);
    }
    const list = byCallee.get(callee);
    if (!list) {
      byCallee.set(callee, [how]);
      return false;
    }
    for (const h of list)
      if (
        h.kind === how.kind &&
        h.recv === how.recv &&
        h.thisVar === how.thisVar &&
        h.self === how.self &&
        h.selfVar === how.selfVar
      )
        return true;
    list.push(how);
    return false;
  }

  /** A call through a declared type reaching a subclass's override is a dispatch. */
  #dispatchKind(fn: FnInfo | undefined, how: How): { kind: EdgeKind; note?: string } {
    const { s } = this;
    const recv = how.self ?? how.recv;
    if (recv === undefined || s.values.kind[recv] !== 'decl' || fn?.owner === undefined) return how;
    const declared = s.values.a[s.values.a[recv]!]!;
    if (fn.owner === declared) return how;
    const name = s.program.nameOf(s.classes[declared]!.symbol);
    return {
      kind: 'dispatch',
      note: `dispatch through ${name}.${s.program.nameOf(fn.symbol).split('.').pop()}`,
    };
  }

  /** Arguments into parameters; returns the variables bound to each parameter (for returned parameters). */
  #bindArguments(fn: FnInfo, call: CallContext, shift: number): Map<number, number[]> {
    const { s } = this;
    const fact = fn.fact;
    const params = fact.p.map((p) => s.var(fn.file, p));
    const bound = new Map<number, number[]>();
    const bind = (i: number, v: number) => {
      s.prop.edge(v, params[i]!);
      const list = bound.get(i);
      if (list) list.push(v);
      else bound.set(i, [v]);
    };
    const rest = fact.rs === undefined ? undefined : s.var(fn.file, fact.rs);
    const restValue =
      rest === undefined
        ? undefined
        : s.object(s.program.language === 'python' ? 't' : 'a', `rest:${fn.symbol}`);
    if (rest !== undefined && restValue !== undefined) s.prop.add(rest, restValue);
    const positional = Math.min(fact.np ?? params.length, params.length);
    const spreadAt = call.spread ?? call.args.length;
    for (let i = 0; i < Math.min(spreadAt, call.args.length); i++) {
      const j = i + shift;
      if (j < positional) bind(j, call.args[i]!);
      else if (restValue !== undefined)
        s.prop.edge(call.args[i]!, s.own(restValue, s.indexKey(j - positional)));
    }
    if (call.spread !== undefined) {
      const elements = this.elements(call.args.slice(call.spread));
      for (let j = call.spread + shift; j < positional; j++) bind(j, elements);
      if (restValue !== undefined) s.prop.edge(elements, s.own(restValue, ANY_KEY));
    }
    const named = fact.pn ?? [];
    for (const [name, v] of call.keywords ?? []) {
      const i = named.indexOf(name);
      if (i >= 0) bind(i, v);
      else if (fact.kw !== undefined) s.prop.edge(v, s.own(this.#kwargs(fn), name));
    }
    if (call.kwargs !== undefined) {
      for (let i = shift; i < params.length; i++) {
        if (bound.has(i) || !named[i]) continue;
        bind(i, this.member(call.kwargs, named[i]!));
      }
      if (fact.kw !== undefined)
        s.prop.edge(this.member(call.kwargs, ANY_KEY), s.own(this.#kwargs(fn), ANY_KEY));
    }
    if (fact.kw !== undefined) s.prop.add(s.var(fn.file, fact.kw), this.#kwargs(fn));
    const missing = call.spread === undefined && call.kwargs === undefined;
    for (const [i, v] of fact.d ?? []) if (missing && !bound.has(i)) bind(i, s.var(fn.file, v));
    return bound;
  }

  #kwargs(fn: FnInfo): number {
    return this.s.object('d', `kwargs:${fn.symbol}`);
  }

  /** A variable holding member `key` of every value of `v` (one per variable and key). */
  member(v: number, key: string): number {
    const memo = `${v}.${key}`;
    let out = this.#memberVars.get(memo);
    if (out !== undefined) return out;
    out = this.s.temp();
    this.#memberVars.set(memo, out);
    const into = out;
    this.s.prop.on(v, (value) => this.s.prop.edge(this.members.load(value, key), into));
    return out;
  }

  /** A variable holding every element of the containers in `vars` (spread arguments). */
  elements(vars: readonly number[]): number {
    const out = this.s.temp();
    for (const v of vars)
      this.s.prop.on(v, (value) => this.s.prop.edge(this.members.load(value, ANY_KEY), out));
    return out;
  }

  #construct(c: number, call: CallContext, how: How): void {
    const { s } = this;
    const info = s.classes[c]!;
    if (!info.fact.py && !call.isNew) return; // a JS class called without `new` throws
    const instance = this.instance(info.value, call.id);
    if (call.result !== undefined) s.prop.add(call.result, instance);
    const { result: _result, isNew: _isNew, ...init } = call;
    this.instantiates(c, call.at);
    if (info.fact.py) {
      s.prop.on(this.members.load(instance, '__init__'), (m) =>
        this.invoke(m, init, { kind: 'constructor', ...(how.note ? { note: how.note } : {}) }),
      );
      return;
    }
    this.fieldThis(c, instance);
    this.constructors(c, (ctor, note) =>
      this.invoke(ctor, init, { kind: 'constructor', recv: instance, ...(note ? { note } : {}) }),
    );
  }

  /**
   * The instance of class (or constructor function) `cls` made at call `site`. What is stored on it is also what
   * any instance of its class and of the classes above reads (`decl` values: `self` of a method nobody here calls,
   * a parameter typed by its annotation).
   */
  instance(cls: number, site: number): number {
    const { s } = this;
    // One instance per construction site keeps objects built apart apart; past a few sites of one class, further
    // sites share one instance (a class built in hundreds of places would multiply every set it reaches).
    let sites = this.#sites.get(cls);
    if (!sites) {
      sites = new Set();
      this.#sites.set(cls, sites);
    }
    if (!sites.has(site) && sites.size >= SITES_PER_CLASS) site = -1;
    else sites.add(site);
    const before = s.values.count;
    const instance = s.values.intern('inst', cls, site);
    if (s.values.count === before) return instance;
    // Only Python gives values a declared class (`self` of a method nobody here calls, an annotation).
    const python = s.values.kind[cls] === 'cls' && s.classes[s.values.a[cls]!]!.fact.py === 1;
    const declared = python ? this.#classesFrom(cls).map((c) => s.values.intern('decl', c)) : [];
    if (declared.length > 0)
      s.eachOwn(instance, (key, v) => {
        for (const d of declared) s.prop.edge(v, s.own(d, key));
      });
    return instance;
  }

  /** The class values at and above class value `cls` (as far as its bases are known now). */
  #classesFrom(cls: number): number[] {
    const { s } = this;
    if (s.values.kind[cls] !== 'cls') return [];
    const c = s.values.a[cls]!;
    if (s.classes[c]!.fact.py) return this.members.mro(c);
    const out: number[] = [];
    const visit = (value: number) => {
      if (out.includes(value) || s.values.kind[value] !== 'cls') return;
      out.push(value);
      for (const base of s.classes[s.values.a[value]!]!.bases) for (const b of s.prop.values(base)) visit(b);
    };
    visit(cls);
    return out;
  }

  /**
   * `new C()` (or `super()` into C) where C declares no constructor: no code of C runs (what does, a base's
   * constructor, has its own edge), but the call still makes a C; the edge to the class says so.
   */
  instantiates(c: number, at: At): void {
    const { s } = this;
    const info = s.classes[c]!;
    const declares = info.fact.py ? info.fact.dn.includes('__init__') : info.fact.ct !== undefined;
    if (!declares && info.symbol >= 0)
      s.addEdge(at, info.symbol, 'constructor', `${s.program.nameOf(info.symbol)} declares no constructor`);
  }

  /** JS: the constructor functions `new C()` runs first: C's own, else (implicit constructor) its base's. */
  constructors(c: number, run: (ctor: number, note?: string) => void, via?: string): void {
    const { s } = this;
    const info = s.classes[c]!;
    if (info.fact.ct !== undefined) {
      const symbol = s.symbolOf(info.file, info.fact.ct);
      if (symbol !== undefined) run(s.fnValue(symbol), via);
      return;
    }
    const note = via ?? `implicit constructor of ${s.program.nameOf(info.symbol)}`;
    for (const base of info.bases) {
      s.prop.on(base, (b) => {
        if (s.values.kind[b] === 'cls') this.constructors(s.values.a[b]!, run, note);
        else if (s.values.kind[b] === 'fn') run(b, note);
      });
    }
  }

  /** JS: an instance of class `c` is `this` in the field initialisers of `c` and of its bases. */
  fieldThis(c: number, instance: number): void {
    const { s } = this;
    const info = s.classes[c]!;
    if (info.fact.th !== undefined) s.prop.add(s.var(info.file, info.fact.th), instance);
    for (const base of info.bases)
      s.prop.on(base, (b) => {
        if (s.values.kind[b] === 'cls') this.fieldThis(s.values.a[b]!, instance);
      });
  }

  /**
   * A `partial` value: `fn` with `this` and leading arguments fixed (`f.bind(x, a)`, `functools.partial`). Binding a
   * partial again makes a partial of the same function (its `this` stays; arguments add up), so that
   * `f = f.bind(o)`, where `f` may already be bound, never builds an endless chain of values.
   */
  partial(fn: number, call: CallContext, thisVar: number | undefined, args: readonly number[]): number {
    const inner = this.s.values.kind[fn] === 'partial' ? this.#partials.get(fn) : undefined;
    if (inner) return this.partial(inner.fn, call, inner.thisVar ?? thisVar, [...inner.args, ...args]);
    const value = this.s.values.intern('partial', fn, call.id);
    if (!this.#partials.has(value))
      this.#partials.set(value, thisVar === undefined ? { fn, args } : { fn, thisVar, args });
    return value;
  }

  /** The number of the call a callee value makes on behalf of call `outer` (the same each time it is asked). */
  #innerId(outer: number, callee: number): number {
    const key = `${outer}:${callee}`;
    let id = this.#inner.get(key);
    if (id === undefined) {
      id = this.newId();
      this.#inner.set(key, id);
    }
    return id;
  }

  /**
   * Code outside the tree called at `call`: every function of the tree among the arguments may be called back by it.
   * The edge goes caller → hop (the library at this call site) → function.
   */
  external(call: CallContext, name: string): void {
    this.#unseen(call, (value) => this.handOver(value, call, name));
  }

  /**
   * A call of something the solver lost track of (a variable past its bound, a parameter of a function called from
   * outside): it returns anything, and the functions handed to it may run with any arguments. Which code that is,
   * nobody knows, so no edge and no library hop is made up for it.
   */
  opaque(call: CallContext): void {
    this.#unseen(call, (value) => {
      const target = this.s.values.functionOf(value);
      if (target !== undefined && this.s.values.kind[value] !== 'cls') this.escape(this.s.fnValue(target));
    });
  }

  #unseen(call: CallContext, passed: (value: number) => void): void {
    const { s } = this;
    if (call.result !== undefined) s.unknown(call.result);
    if (call.decorator && call.result !== undefined && call.args[0] !== undefined)
      s.prop.edge(call.args[0], call.result);
    const args = [...call.args, ...(call.keywords ?? []).map(([, v]) => v)];
    if (call.kwargs !== undefined) args.push(this.member(call.kwargs, ANY_KEY));
    for (const v of args) s.prop.on(v, passed);
  }

  /** Function value `value` handed to library code `name` at `call`. */
  handOver(value: number, call: CallContext, name: string): void {
    const { s } = this;
    if (!s.values.callsTree(value) || s.values.kind[value] === 'cls') return;
    const hop = this.hopAt(call, name);
    const target = this.s.values.functionOf(value);
    if (target === undefined) return;
    s.addEdge({ ...call.at, owner: hop }, target, 'callback');
    this.escape(s.fnValue(target));
  }

  /** The hop symbol for library code `name` called at `call`, with its edge from the caller. */
  hopAt(call: CallContext, name: string): number {
    const hop = this.s.hop(call.at, name);
    this.s.addEdge(call.at, hop, 'external');
    return hop;
  }

  /** A call library code makes of callback variable `fn` (an edge from the hop), with these arguments. */
  callBack(
    fn: number,
    call: CallContext,
    name: string,
    args: readonly number[],
    result?: number,
    thisVar?: number,
  ) {
    const { s } = this;
    const inner: CallContext = {
      id: this.newId(),
      at: call.at,
      args,
      name,
      ...(result === undefined ? {} : { result }),
    };
    s.prop.on(fn, (value) => {
      if (!s.values.callsTree(value)) return;
      const hop = this.hopAt(call, name);
      const at = { ...call.at, owner: hop };
      this.invoke(
        value,
        { ...inner, at },
        { kind: 'callback', ...(thisVar === undefined ? {} : { thisVar }) },
      );
    });
  }

  /** A function that code outside the tree may call: its parameters may hold anything. */
  escape(fnValue: number): void {
    const { s } = this;
    if (this.#escaped.has(fnValue)) return;
    this.#escaped.add(fnValue);
    const fn = s.fns.get(s.values.a[fnValue]!);
    if (!fn) return;
    const method = fn.fact.m === 'i' || fn.fact.m === 'c';
    fn.fact.p.forEach((p, i) => {
      if (!(method && i === 0)) s.unknown(s.var(fn.file, p));
    });
  }

  /** `d` receives what iterating the values of `source` yields; protocol methods run are calls at `at`. */
  iterate(source: number, d: number, at: At): void {
    const { s, members } = this;
    const python = s.program.language === 'python';
    s.prop.on(source, (value) => {
      switch (s.values.kind[value]) {
        case 'obj': {
          const kind = s.allocKinds[s.values.a[value]!];
          if (kind === 'd') s.eachOwn(value, (key) => key !== ANY_KEY && s.prop.add(d, s.lit(key)));
          else if (kind !== 'o') s.prop.edge(members.load(value, ANY_KEY), d);
          else this.#iterateProtocol(value, d, at, python);
          return;
        }
        case 'gen': {
          const fn = s.fns.get(s.values.a[s.values.a[value]!]!);
          if (fn?.fact.y !== undefined) s.prop.edge(s.var(fn.file, fn.fact.y), d);
          return;
        }
        case 'inst':
        case 'decl':
          this.#iterateProtocol(value, d, at, python);
          return;
        case 'ext':
        case 'unknown':
          s.prop.add(d, UNKNOWN_VALUE);
          return;
        default:
          return;
      }
    });
  }

  /**
   * The iteration protocol on `value` at `at`: its `__iter__`/`[Symbol.iterator]` gives an iterator whose
   * `__next__`/`next` gives the elements. Each call made is an edge from the code at `at`; what the methods return
   * is kept per value (not per loop), so that many loops over many iterables do not multiply the work.
   */
  #iterateProtocol(value: number, d: number, at: At, python: boolean): void {
    const { s, members } = this;
    const first = python ? '__iter__' : '@@iterator';
    const next = python ? '__next__' : 'next';
    const iterator = s.keyedVar(`iterator:${value}`);
    const make: CallContext = { id: this.newId(), at, args: [], result: iterator, name: first };
    s.prop.on(members.load(value, first), (m) =>
      this.invoke(m, make, { kind: 'method', recv: value, note: python ? 'for loop: __iter__' : 'for…of' }),
    );
    s.prop.on(iterator, (it) => {
      if (s.values.kind[it] === 'gen') {
        this.iterate(holdingValue(s, it), d, at);
        return;
      }
      const step = s.keyedVar(`step:${it}`);
      const stepCall: CallContext = { id: this.newId(), at, args: [], result: step, name: next };
      s.prop.on(members.load(it, next), (m) =>
        this.invoke(m, stepCall, {
          kind: 'method',
          recv: it,
          note: python ? 'for loop: __next__' : 'for…of: next',
        }),
      );
      if (python) s.prop.edge(step, d);
      else s.prop.edge(this.member(step, 'value'), d);
    });
  }

  /** `d` receives what awaiting the values of `source` gives. */
  await(source: number, d: number): void {
    const { s } = this;
    s.prop.on(source, (value) => {
      if (s.values.kind[value] === 'promise') s.prop.edge(s.values.a[value]!, d);
      else s.prop.add(d, value);
    });
  }
}

/** A variable holding just `value`. */
function holdingValue(s: FlowState, value: number): number {
  const v = s.temp();
  s.prop.add(v, value);
  return v;
}
