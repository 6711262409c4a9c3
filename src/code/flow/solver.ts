// Value-flow solver (code intelligence): one engine for every language. Loads each file's operations as constraints
// on the shared variables, propagates values to a fixpoint, and turns the calls it resolves into call edges.
//
// Flow-insensitive and context-insensitive, like PyCG and Jelly (front ends split locals into versions where the
// order is known). After the fixpoint, what is still unknown gets a conservative answer and the fixpoint runs again:
// a call nothing resolved is library code (functions passed to it are handed over), a function nothing calls may be
// called by anyone (its parameters hold anything, its defaults apply), and a key nothing names means any key.
import { type CallContext, Calls, type How, type NativeModel } from './calls.js';
import { ANY_KEY, type CallOp, EXPORTS_VAR, MODULE_VAR, type Op } from './ir.js';
import { Explainer } from './explain.js';
import { Members } from './members.js';
import type { FlowProgram, FlowResult, SeededTarget, UnresolvedCall } from './program.js';
import { type At, FlowState } from './state.js';
import { UNKNOWN_VALUE } from './values.js';

/** Rounds of "assume the worst about what is still unknown, then propagate again". */
const MAX_ROUNDS = 4;

interface PendingCall {
  readonly file: number;
  readonly op: number;
  readonly call: CallOp;
  readonly ctx: CallContext;
}

/** How long the solver runs before it lets the event loop turn (Ctrl-C, progress, a spinner). */
const SLICE_MS = 50;

/**
 * Solves `program`. A large program takes seconds: the solve yields to the event loop every ~50 ms, and stops with
 * the signal's reason as soon as `signal` is aborted.
 */
export function solveFlow(
  program: FlowProgram,
  natives: NativeModel,
  signal?: AbortSignal,
): Promise<FlowResult> {
  return new FlowSolver(program, natives, signal).solve();
}

class FlowSolver {
  readonly s: FlowState;
  readonly members: Members;
  readonly calls: Calls;
  readonly #sourceCalls: PendingCall[] = [];
  readonly #keyed: Array<{ k: number; apply: (key: string) => void }> = [];
  readonly #declared: Array<{ d: number; type: number; when: number }> = [];
  readonly #seeds = new Map<number, readonly SeededTarget[]>();
  readonly #starModules = new Set<number>();
  #thisDone = false;

  #turned = performance.now();

  constructor(
    program: FlowProgram,
    private readonly natives: NativeModel,
    private readonly signal?: AbortSignal,
  ) {
    this.s = new FlowState(program);
    this.members = new Members(this.s, natives);
    this.calls = new Calls(this.s, this.members);
    this.calls.natives = natives;
    this.calls.access = {
      load: (b, k, d, at) => this.#keyedAccess(k, b, (value, key) => this.#load(value, key, d, at)),
      store: (b, k, src) => this.#keyedAccess(k, b, (value, key) => this.#store(value, key, src, undefined)),
    };
    if (program.provenance) this.s.prop.trackOrigins();
    this.members.accessors = program.files.some((file) => file.unit.o.some((op) => op.o === 'acc'));
    program.files.forEach((file, f) => {
      if (file.unit.o.some((op) => op.o === 'star' && op.d === MODULE_VAR)) this.#starModules.add(f);
    });
  }

  async solve(): Promise<FlowResult> {
    this.signal?.throwIfAborted();
    const { s } = this;
    const { program } = s;
    const moduleValue = (m: number) => s.values.intern('module', m);
    for (const [parent, name, child] of program.submodules ?? [])
      s.prop.add(s.own(moduleValue(parent), name), moduleValue(child));
    program.files.forEach((file, f) => {
      const module = moduleValue(file.module);
      s.prop.add(s.var(f, MODULE_VAR), module);
      if (program.language === 'js') {
        const exports = s.object('o', `exports:${file.module}`);
        s.prop.add(s.own(module, 'exports'), exports);
        s.prop.add(s.var(f, EXPORTS_VAR), exports);
      } else s.prop.add(s.var(f, EXPORTS_VAR), module);
    });
    for (const [f, file] of program.files.entries()) {
      file.unit.o.forEach((op, index) => {
        this.#op(f, op, index);
      });
      if (performance.now() - this.#turned > SLICE_MS) await this.#turn();
    }
    await this.#settle();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = s.prop.added;
      this.#assumeWorst();
      await this.#settle();
      if (s.prop.added === before) break;
    }
    const unresolved: UnresolvedCall[] = [];
    for (const pending of this.#sourceCalls) {
      if (this.calls.resolved.has(pending.ctx.id) || pending.call.i) continue;
      const member = pending.call.m;
      unresolved.push(
        member === undefined
          ? { file: pending.file, op: pending.op }
          : { file: pending.file, op: pending.op, member },
      );
    }
    return {
      edges: s.edges(),
      hops: s.hops,
      unresolved,
      stats: { added: s.prop.added, variables: s.prop.size, values: s.values.count },
      ...(program.provenance ? { explain: this.#explainer() } : {}),
    };
  }

  /** `FlowResult.explain`: the way a function came to a call, read off the provenance kept. */
  #explainer(): NonNullable<FlowResult['explain']> {
    const explainer = new Explainer(this.s, this.members);
    return (file, line, column, target) => explainer.explain(file, line, column, target);
  }

  async #settle(): Promise<void> {
    do {
      while (!this.s.prop.run(this.#turned + SLICE_MS)) await this.#turn();
    } while (this.members.refresh() || this.members.release());
  }

  /** Lets the event loop turn, then goes on unless the signal was aborted meanwhile. */
  async #turn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.signal?.throwIfAborted();
    this.#turned = performance.now();
  }

  /** What is still unknown after a fixpoint gets the conservative answer. */
  #assumeWorst(): void {
    const { s, calls } = this;
    // Declared types first: they speak for variables nothing of the tree reached.
    const reached = (v: number) =>
      [...s.prop.values(v)].some((value) => value !== UNKNOWN_VALUE && s.values.kind[value] !== 'decl');
    for (const { d, type, when } of this.#declared.splice(0)) {
      if (reached(when)) continue;
      s.prop.on(type, (c) => {
        if (s.values.kind[c] === 'cls') s.prop.add(d, s.values.intern('decl', c));
      });
    }
    for (const pending of this.#sourceCalls) {
      if (!calls.resolved.has(pending.ctx.id))
        this.#seed(pending.ctx, pending.call, pending.file, (seed) => seed.fallback === true);
      if (calls.reached.has(pending.ctx.id) || pending.call.i) continue;
      calls.external(pending.ctx, pending.ctx.name);
    }
    this.#thisOfUncalled();
    for (const [symbol, fn] of s.fns) {
      if (calls.called.has(symbol)) continue;
      // A method nobody here calls still runs on its class: `self` (`cls`) is any instance of it (the class).
      const self = fn.fact.p[0];
      if (fn.owner !== undefined && self !== undefined && (fn.fact.m === 'i' || fn.fact.m === 'c')) {
        const cls = s.classes[fn.owner]!.value;
        s.prop.add(s.var(fn.file, self), fn.fact.m === 'c' ? cls : s.values.intern('decl', cls));
      }
      calls.escape(s.fnValue(symbol));
      for (const [i, v] of fn.fact.d ?? []) s.prop.edge(s.var(fn.file, v), s.var(fn.file, fn.fact.p[i]!));
    }
    for (const keyed of this.#keyed) if (s.prop.values(keyed.k).size === 0) keyed.apply(ANY_KEY);
  }

  /**
   * JS: a function nobody here calls that uses `this` and is stored on an object (`res.json = function () {
   * this.send() }`, a prototype's method) is the library's to call, as a method of that object: `this` is the object.
   */
  #thisOfUncalled(): void {
    const { s, calls } = this;
    // Once, after the first fixpoint: what is uncalled then mostly stays so, and the scan is of every property.
    if (s.program.language !== 'js' || this.#thisDone) return;
    this.#thisDone = true;
    const uncalled = new Map<number, number>();
    for (const [symbol, fn] of s.fns) {
      if (calls.called.has(symbol) || fn.owner !== undefined || fn.fact.th === undefined) continue;
      uncalled.set(s.fnValue(symbol), s.var(fn.file, fn.fact.th));
    }
    if (uncalled.size === 0) return;
    for (const [holder, v] of s.ownProperties()) {
      if (s.values.kind[holder] !== 'obj' && s.values.kind[holder] !== 'proto') continue;
      for (const value of s.prop.values(v)) {
        const th = uncalled.get(value);
        if (th !== undefined) s.prop.add(th, holder);
      }
    }
  }

  #at(f: number, site: { w?: number; l?: number; c?: number }): At | undefined {
    if (site.w === undefined || site.l === undefined || site.c === undefined) return undefined;
    const owner = this.s.symbolOf(f, site.w);
    return owner === undefined ? undefined : { file: f, owner, line: site.l, column: site.c };
  }

  #op(f: number, op: Op, index: number): void {
    const { s, members, calls } = this;
    const v = (local: number) => s.var(f, local);
    switch (op.o) {
      case 'fn': {
        const symbol = s.symbolOf(f, op.s);
        if (symbol !== undefined) s.prop.add(v(op.d), s.fnValue(symbol));
        return;
      }
      case 'cls': {
        const c = s.classNumber(f, op.c);
        if (c !== undefined) s.prop.add(v(op.d), s.classes[c]!.value);
        return;
      }
      case 'new': {
        const a = s.allocNumber(f, op.a);
        if (a !== undefined) s.prop.add(v(op.d), s.values.intern('obj', a));
        return;
      }
      case 'lit':
        s.prop.add(v(op.d), s.lit(op.v));
        return;
      case 'unk':
        s.prop.add(v(op.d), UNKNOWN_VALUE);
        return;
      case 'cp':
        s.prop.edge(v(op.s), v(op.d));
        return;
      case 'ld': {
        const d = v(op.d);
        const at = this.#at(f, op);
        s.prop.on(v(op.b), (value) => this.#load(value, op.p, d, at));
        return;
      }
      case 'ldk': {
        const d = v(op.d);
        const at = this.#at(f, op);
        this.#keyedAccess(v(op.k), v(op.b), (value, key) => this.#load(value, key, d, at));
        return;
      }
      case 'st': {
        const src = v(op.s);
        const at = this.#at(f, op);
        s.prop.on(v(op.b), (value) => this.#store(value, op.p, src, at));
        return;
      }
      case 'stk': {
        const src = v(op.s);
        this.#keyedAccess(v(op.k), v(op.b), (value, key) => this.#store(value, key, src, undefined));
        return;
      }
      case 'acc': {
        const getter = op.g === undefined ? undefined : s.symbolOf(f, op.g);
        const setter = op.t === undefined ? undefined : s.symbolOf(f, op.t);
        s.prop.on(v(op.b), (value) => {
          const own = s.own(value, op.p);
          if (getter !== undefined) s.prop.add(own, s.values.intern('getter', s.fnValue(getter)));
          if (setter !== undefined) s.prop.add(own, s.values.intern('setter', s.fnValue(setter)));
        });
        return;
      }
      case 'call':
        this.#call(f, op, index);
        return;
      case 'imp':
        this.#import(f, op.m, op.n, op.lv, v(op.d));
        return;
      case 'glb': {
        const d = v(op.d);
        const starred = this.#starModules.has(f);
        if (starred)
          s.prop.edge(members.load(s.values.intern('module', s.program.files[f]!.module), op.n), d);
        if (!starred || this.natives.isGlobal(op.n)) s.prop.add(d, members.external(op.n));
        return;
      }
      case 'iter': {
        const at = this.#at(f, op);
        if (at) calls.iterate(v(op.s), v(op.d), at);
        return;
      }
      case 'aw':
        calls.await(v(op.s), v(op.d));
        return;
      case 'star': {
        if (op.x === 1) {
          // `from m import *`: public names only (the module object is one value: no need to join through one).
          const dst = v(op.d);
          s.prop.on(v(op.s), (source) => s.prop.on(dst, (target) => s.copyProps(source, target, true)));
        } else s.copyAll([v(op.s)], v(op.d), `star:${f}:${index}`);
        return;
      }
      case 'proto': {
        const src = v(op.s);
        s.prop.on(v(op.d), (value) => s.prop.edge(src, members.protoOf(value)));
        return;
      }
      case 'is':
        this.#declared.push({ d: v(op.d), type: v(op.s), when: v(op.c ?? op.d) });
        return;
    }
  }

  /** Calls `apply(value, key)` for every pair of a value of `b` and a key of `k` (constants; anything else: any key). */
  #keyedAccess(k: number, b: number, apply: (value: number, key: string) => void): void {
    const { s } = this;
    const keys = new Set<string>();
    const seen = new Set<string>();
    const pair = (value: number, key: string) => {
      const id = `${value}:${key}`;
      if (seen.has(id)) return;
      seen.add(id);
      apply(value, key);
    };
    const addKey = (key: string) => {
      if (keys.has(key)) return;
      keys.add(key);
      for (const value of s.prop.values(b)) pair(value, key);
    };
    s.prop.on(k, (key) => addKey(s.values.kind[key] === 'lit' ? s.values.name[key]! : ANY_KEY));
    s.prop.on(b, (value) => {
      for (const key of keys) pair(value, key);
    });
    this.#keyed.push({ k, apply: addKey });
  }

  /** d ⊇ value.key; a getter found there is called at `at`. */
  #load(value: number, key: string, d: number, at: At | undefined): void {
    const { s, members, calls } = this;
    const found = members.load(value, key);
    if (!members.accessors) {
      s.prop.edge(found, d);
      return;
    }
    s.prop.on(found, (member) => {
      const kind = s.values.kind[member];
      if (kind === 'setter') return;
      if (kind !== 'getter') {
        s.prop.add(d, member);
        return;
      }
      if (!at) return;
      const ctx: CallContext = { id: calls.newId(), at, args: [], result: d, name: key };
      calls.invoke(s.values.a[member]!, ctx, this.#receiver(value, 'method', 'getter'));
    });
  }

  /** value.key ⊇ src; a setter found there is called at `at`. */
  #store(value: number, key: string, src: number, at: At | undefined): void {
    const { s, members, calls } = this;
    s.prop.edge(src, s.own(value, key));
    if (!members.accessors || !at) return;
    s.prop.on(members.load(value, key), (member) => {
      if (s.values.kind[member] !== 'setter') return;
      const ctx: CallContext = { id: calls.newId(), at, args: [src], name: key };
      calls.invoke(s.values.a[member]!, ctx, this.#receiver(value, 'method', 'setter'));
    });
  }

  /** How a member read from `value` is bound when called. */
  #receiver(value: number, kind: 'method' | 'direct', note?: string): How {
    const python = this.s.program.language === 'python';
    const base = note === undefined ? { kind } : { kind, note };
    return python ? { ...base, self: value } : { ...base, recv: value };
  }

  #import(
    f: number,
    specifier: string,
    name: string | undefined,
    level: number | undefined,
    d: number,
  ): void {
    const { s, members } = this;
    const target = s.program.files[f]!.resolve(specifier, level);
    if ('external' in target) {
      const external = members.external(target.external);
      if (name === undefined || name === '*' || name === 'default') s.prop.add(d, external);
      else s.prop.edge(members.load(external, name), d);
      return;
    }
    const module = s.values.intern('module', target.module);
    if (s.program.language === 'python') {
      if (name === undefined || name === '*') s.prop.add(d, module);
      else s.prop.edge(members.load(module, name), d);
      return;
    }
    const exports = members.load(module, 'exports');
    if (name === undefined || name === '*') s.prop.edge(exports, d);
    else if (name === 'default' && !s.program.esModules?.has(target.module)) s.prop.edge(exports, d);
    else s.prop.on(exports, (value) => s.prop.edge(members.load(value, name), d));
  }

  #call(f: number, op: CallOp, index: number): void {
    const { s, members, calls } = this;
    const v = (local: number) => s.var(f, local);
    const at = this.#at(f, op);
    if (!at) return;
    const ctx: CallContext = {
      id: this.#sourceCalls.length,
      at,
      args: op.a.map(v),
      ...(op.sp === undefined ? {} : { spread: op.sp }),
      ...(op.k === undefined ? {} : { keywords: op.k.map(([name, local]) => [name, v(local)] as const) }),
      ...(op.kw === undefined ? {} : { kwargs: v(op.kw) }),
      ...(op.d === undefined ? {} : { result: v(op.d) }),
      ...(op.n === 1 ? { isNew: true } : {}),
      ...(op.dc === 1 ? { decorator: true } : {}),
      name: op.x ?? op.m ?? '',
    };
    this.#sourceCalls.push({ file: f, op: index, call: op, ctx });
    const seeds = s.program.seeds?.(f, index) ?? [];
    if (seeds.length > 0) this.#seeds.set(ctx.id, seeds);
    this.#seed(ctx, op, f, (seed) => !seed.fallback);
    if (op.sup !== undefined) {
      this.#superCall(f, op, ctx);
      return;
    }
    if (op.r !== undefined && (op.m !== undefined || op.mk !== undefined)) {
      const recv = v(op.r);
      // A function read from a module is called directly; from anything else, as a method.
      const run = (value: number, key: string) => {
        const how =
          s.values.kind[value] === 'module' ? { kind: 'direct' as const } : this.#receiver(value, 'method');
        s.prop.on(members.load(value, key), (m) => calls.invoke(m, ctx, how));
      };
      if (op.m !== undefined) {
        const key = op.m;
        s.prop.on(recv, (value) => run(value, key));
      } else this.#keyedAccess(v(op.mk!), recv, run);
      return;
    }
    if (op.f === undefined) return;
    // A callee with a receiver but no member: a method the front end already read off the receiver.
    const how: How = op.r === undefined ? { kind: 'direct' } : { kind: 'method', thisVar: v(op.r) };
    s.prop.on(v(op.f), (value) => calls.invoke(value, ctx, how));
  }

  /** Runs the seeded callees of a call that `which` selects. */
  #seed(ctx: CallContext, op: CallOp, f: number, which: (seed: SeededTarget) => boolean): void {
    const thisVar = op.r === undefined ? undefined : this.s.var(f, op.r);
    for (const seed of this.#seeds.get(ctx.id) ?? []) {
      if (!which(seed)) continue;
      const how: How = { kind: seed.kind, ...(seed.note ? { note: seed.note } : {}) };
      this.calls.invoke(this.s.fnValue(seed.symbol), ctx, thisVar === undefined ? how : { ...how, thisVar });
    }
  }

  /** `super(...)`, `super.m(...)` (JS) and `super().m(...)` (Python) inside class `op.sup`. */
  #superCall(f: number, op: CallOp, ctx: CallContext): void {
    const { s, members, calls } = this;
    const c = s.classNumber(f, op.sup!);
    if (c === undefined || op.r === undefined) return;
    const self = s.var(f, op.r);
    const info = s.classes[c]!;
    if (info.fact.py) {
      if (op.m === undefined) return;
      const key = op.m;
      const run = (m: number) => calls.invoke(m, ctx, { kind: 'method', selfVar: self });
      s.prop.on(self, (value) => {
        const kind = s.values.kind[value];
        // Past `c` in the order of the instance's class (the class itself, in a classmethod); the lookup stays
        // empty until `c` is in that order.
        const cls =
          kind === 'inst' || kind === 'decl' ? s.values.a[value]! : kind === 'cls' ? value : undefined;
        s.prop.on(members.above(c, key, cls), run);
      });
      return;
    }
    for (const base of info.bases) {
      s.prop.on(base, (b) => {
        if (op.m === undefined) {
          const run = (ctor: number, note?: string) =>
            calls.invoke(ctor, ctx, { kind: 'constructor', thisVar: self, ...(note ? { note } : {}) });
          if (s.values.kind[b] === 'cls') {
            calls.instantiates(s.values.a[b]!, ctx.at);
            calls.constructors(s.values.a[b]!, run);
          } else run(b);
          return;
        }
        const key = op.m;
        s.prop.on(members.load(b, 'prototype'), (proto) =>
          s.prop.on(members.load(proto, key), (m) => calls.invoke(m, ctx, { kind: 'method', thisVar: self })),
        );
      });
    }
  }
}
