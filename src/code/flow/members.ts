// Member lookup (code intelligence, value-flow core): what `value.key` can be, inherited members included.
//
// JavaScript follows prototype chains (instances → `C.prototype` → the base's prototype; classes → their base for
// statics); Python follows the C3 method resolution order, and binds a method found on an instance's class to the
// instance. A class that declares the key in its body ends the lookup there, so an override hides what it overrides.
// Bases are values too (`class C extends mixin(B)`), so hierarchies are recomputed when a base variable grows.
import { ANY_KEY } from './ir.js';
import type { ClassInfo, FlowState } from './state.js';

/** Library methods of built-in objects, by model name (`Array.push`, `dict.get`). */
export interface NativeNames {
  has(name: string): boolean;
  /** Model-name prefix of a container kind (`Array`, `list`, `dict`). */
  prefixOf(allocKind: string): string | undefined;
}

const FUNCTION_NATIVES = new Set(['call', 'apply', 'bind']);
const INDEX = /^\d+$/;

export class Members {
  /** The variable of each `value.key` read so far, by value then key (no string made per read). */
  readonly #loads: Array<Map<string, number> | undefined> = [];
  readonly #supers = new Map<string, number>();
  readonly #protos = new Map<number, number>();
  /**
   * Python class lookups to redo when a hierarchy changes: class number, key, variable, self value; `after`: the
   * class value the lookup starts past in that order (`super()`).
   */
  readonly #classLookups: ClassLookup[] = [];
  /** Class values whose every attribute already flows into a variable (`getattr(o, name)`), as `class:variable`. */
  readonly #everyAttribute = new Set<string>();
  readonly #dispatchLookups: Array<{ c: number; key: string; v: number; seen: Set<number> }> = [];
  readonly #deferred: Array<{ value: number; key: string; v: number }> = [];
  /** Methods of subclasses bound for a call through a declared type: the declared class's symbol. */
  readonly dispatched = new Map<number, number>();
  #hierarchyVersion = 0;
  #seenVersion = 0;
  #mro = new Map<number, number[]>();
  #subclasses: Map<number, number[]> | undefined;

  constructor(
    private readonly s: FlowState,
    private readonly natives: NativeNames,
  ) {
    // Python hierarchies are recomputed when a base expression gains a value; JS chains follow by themselves.
    for (const info of s.classes) {
      if (!info.fact.py) continue;
      for (const base of info.bases) s.prop.on(base, () => this.#hierarchyVersion++);
    }
  }

  /** The variable of what reading `key` from `value` gives. Getters are left in it for the reader to call. */
  load(value: number, key: string): number {
    let byKey = this.#loads[value];
    if (byKey === undefined) {
      byKey = new Map();
      this.#loads[value] = byKey;
    }
    let v = byKey.get(key);
    if (v !== undefined) return v;
    v = this.s.temp();
    byKey.set(key, v);
    this.#fill(value, key, v);
    return v;
  }

  #fill(value: number, key: string, v: number): void {
    const { s } = this;
    const kind = s.values.kind[value];
    const a = s.values.a[value]!;
    switch (kind) {
      case 'obj':
      case 'module':
      case 'proto': {
        this.#ownInto(value, key, v);
        if (key === ANY_KEY) return;
        if (kind === 'obj') this.#nativeMember(s.allocKinds[a]!, value, key, v);
        if (kind === 'proto' && s.values.kind[a] === 'cls' && this.#declares(s.classes[s.values.a[a]!]!, key))
          return;
        if (kind !== 'module') this.#inherit(value, key, v);
        return;
      }
      case 'cls': {
        const info = s.classes[a]!;
        if (info.fact.py) {
          this.#pyClassLookup(a, key, v, value);
          return;
        }
        if (key === 'prototype') s.prop.add(s.own(value, key), s.values.intern('proto', value));
        this.#ownInto(value, key, v);
        if (FUNCTION_NATIVES.has(key)) s.prop.add(v, s.values.intern('native', -1, value, `Function.${key}`));
        // Statics are inherited; every class has a `prototype` of its own.
        if (key !== 'prototype' && !this.#declares(info, key)) this.#inherit(value, key, v);
        return;
      }
      case 'fn':
        if (key === 'prototype') s.prop.add(s.own(value, key), s.values.intern('proto', value));
        this.#ownInto(value, key, v);
        if (FUNCTION_NATIVES.has(key)) s.prop.add(v, s.values.intern('native', -1, value, `Function.${key}`));
        return;
      case 'bound':
      case 'partial':
        if (FUNCTION_NATIVES.has(key)) s.prop.add(v, s.values.intern('native', -1, value, `Function.${key}`));
        return;
      case 'inst':
      case 'decl': {
        this.#ownInto(value, key, v);
        const cls = s.values.kind[a] === 'cls' ? s.classes[s.values.a[a]!] : undefined;
        if (cls?.fact.py) {
          const found = s.temp();
          this.#pyClassLookup(s.values.a[a]!, key, found, value);
          s.prop.edge(found, v);
          if (kind === 'decl') {
            const lookup = { c: s.values.a[a]!, key, v, seen: new Set<number>() };
            this.#dispatchLookups.push(lookup);
            this.#refreshDispatch(lookup);
          }
        } else this.#inherit(value, key, v);
        return;
      }
      case 'ext': {
        // Library values are named only as deep as library models are (`Object.assign`, `functools.partial`):
        // deeper, they are just unknown (naming every path into a library would make values without end).
        const name = s.values.name[value]!;
        if (key !== ANY_KEY && !name.includes('.')) s.prop.add(v, this.external(`${name}.${key}`));
        else s.unknown(v);
        return;
      }
      case 'promise':
      case 'gen':
        if (this.natives.has(`${kind}.${key}`))
          s.prop.add(v, s.values.intern('native', -1, value, `${kind}.${key}`));
        return;
      case 'unknown':
        s.unknown(v);
        return;
      default:
        return;
    }
  }

  /** An external value (a library or global, or one of its members). */
  external(name: string): number {
    return this.s.values.intern('ext', -1, -1, name);
  }

  #ownInto(value: number, key: string, v: number): void {
    const { s } = this;
    if (key === ANY_KEY) {
      s.eachOwn(value, (_k, own) => s.prop.edge(own, v));
      return;
    }
    s.prop.edge(s.own(value, key), v);
    // A store under an unknown key may have been this one, in a container (`a[i] = f; a[0]()`). An object read by
    // name is not searched among its computed keys: `o[k] = v` is how code fills a record by data, and giving each
    // named read of such an object everything stored by data makes any record that flows widely a hub of it all.
    if (this.#elementKey(value, key)) s.prop.edge(s.own(value, ANY_KEY), v);
  }

  /**
   * Whether `key` of `value` may name one of its elements: an index of an array, list or tuple (`a[0]`, Python's
   * `#0`), any key of a dict. A named member of an array (`a.filter`) is no element, whatever the array holds.
   */
  #elementKey(value: number, key: string): boolean {
    const { s } = this;
    if (s.values.kind[value] !== 'obj') return false;
    switch (s.allocKinds[s.values.a[value]!]) {
      case 'a':
        return INDEX.test(key);
      case 'l':
      case 't':
        return key.startsWith('#');
      case 'd':
        return true;
      default:
        return false;
    }
  }

  #nativeMember(allocKind: string, value: number, key: string, v: number): void {
    const prefix = this.natives.prefixOf(allocKind);
    if (prefix && this.natives.has(`${prefix}.${key}`))
      this.s.prop.add(v, this.s.values.intern('native', -1, value, `${prefix}.${key}`));
  }

  #declares(info: ClassInfo, key: string): boolean {
    return info.fact.dn.includes(key);
  }

  /**
   * JS: what the prototype chain above `value` gives for `key`, unless `value` has the key itself: an own property
   * shadows the chain. Whether it has one is known once the values in flight have settled, so the chain is
   * followed then (`release`).
   */
  #inherit(value: number, key: string, v: number): void {
    this.#deferred.push({ value, key, v });
  }

  /** Follows the chains of lookups whose own property stayed empty; true when some were followed. */
  release(): boolean {
    if (this.#deferred.length === 0) return false;
    const { s } = this;
    for (const { value, key, v } of this.#deferred.splice(0)) {
      if (s.prop.values(s.own(value, key)).size === 0) {
        s.prop.on(this.protoOf(value), (parent) => s.prop.edge(this.load(parent, key), v));
        continue;
      }
      // An assignment through a setter makes no own property: the accessors above stay visible whatever was stored.
      if (!this.accessors) continue;
      s.prop.on(this.protoOf(value), (parent) =>
        s.prop.on(this.load(parent, key), (member) => {
          const kind = s.values.kind[member];
          if (kind === 'getter' || kind === 'setter') s.prop.add(v, member);
        }),
      );
    }
    return true;
  }

  /** JS: the variable of `value`'s prototypes (`__proto__`), filled by what made the value and by `proto` facts. */
  protoOf(value: number): number {
    let v = this.#protos.get(value);
    if (v !== undefined) return v;
    const { s } = this;
    v = s.temp();
    this.#protos.set(value, v);
    const kind = s.values.kind[value];
    const a = s.values.a[value]!;
    const target = v;
    if (kind === 'inst' || kind === 'decl') s.prop.edge(this.load(a, 'prototype'), target);
    else if (kind === 'cls') for (const base of s.classes[a]!.bases) s.prop.edge(base, target);
    else if (kind === 'proto' && s.values.kind[a] === 'cls') {
      for (const base of s.classes[s.values.a[a]!]!.bases)
        s.prop.on(base, (b) => s.prop.edge(this.load(b, 'prototype'), target));
    }
    return v;
  }

  /** Python: the class values of class `c`'s method resolution order (C3; depth-first when C3 fails). */
  mro(c: number): number[] {
    this.#dropStale();
    return this.#mroOf(c, new Set());
  }

  /** Whether some code stores getters or setters (JS): only then is an own property no end to a lookup. */
  accessors = false;

  #dropStale(): void {
    if (this.#seenVersion === this.#hierarchyVersion) return;
    this.#mro = new Map();
    this.#subclasses = undefined;
    this.#seenVersion = this.#hierarchyVersion;
  }

  #mroOf(c: number, visiting: Set<number>): number[] {
    const cached = this.#mro.get(c);
    if (cached) return cached;
    const { s } = this;
    const self = s.classes[c]!.value;
    if (visiting.has(c)) return [self];
    visiting.add(c);
    const bases: number[] = [];
    for (const base of s.classes[c]!.bases)
      for (const b of s.prop.values(base))
        if (s.values.kind[b] === 'cls' && !bases.includes(b)) bases.push(b);
    const lists = bases.map((b) => this.#mroOf(s.values.a[b]!, visiting));
    const order = [self, ...(c3([...lists.map((l) => [...l]), [...bases]]) ?? lists.flat())];
    const unique = [...new Set(order)];
    visiting.delete(c);
    this.#mro.set(c, unique);
    return unique;
  }

  /** Python: `key` looked up on class `c` (for an instance `self`, or the class itself), methods bound. */
  #pyClassLookup(c: number, key: string, v: number, self: number, above = false): void {
    const found = this.s.temp();
    this.#classLookups.push({ c, key, v: found, self, ...(above ? { super: true as const } : {}) });
    this.#refreshClass(this.#classLookups.at(-1)!);
    const { s } = this;
    s.prop.on(found, (member) => s.prop.add(v, this.#bind(member, self, c)));
  }

  /** Python `super().key` inside class `c`: the classes after `c` in its MRO. Methods stay unbound. */
  above(c: number, key: string, self?: number): number {
    // Past `c` in the order of the instance's own class, as Python does: in a diamond, `super()` in the left base
    // goes to the right one. Without a class of the instance, past `c` in its own order.
    const { s } = this;
    const own = self === undefined ? c : s.values.a[self]!;
    const memo = `${c}:${key}:${own}`;
    let v = this.#supers.get(memo);
    if (v !== undefined) return v;
    v = s.temp();
    this.#supers.set(memo, v);
    this.#classLookups.push({ c: own, key, v, self: -1, super: true, after: s.classes[c]!.value });
    this.#refreshClass(this.#classLookups.at(-1)!);
    return v;
  }

  #refreshClass(lookup: ClassLookup): void {
    const { s } = this;
    const order = this.mro(lookup.c);
    const start = lookup.after === undefined ? 0 : order.indexOf(lookup.after) + 1;
    if (lookup.after !== undefined && start === 0) return;
    for (const cls of lookup.super ? order.slice(Math.max(start, 1)) : order) {
      if (lookup.key === ANY_KEY) {
        // Any attribute (`getattr(o, name)` with a name not known): every attribute of every class in the order.
        const id = `${cls}:${lookup.v}`;
        if (!this.#everyAttribute.has(id)) {
          this.#everyAttribute.add(id);
          s.eachOwn(cls, (_k, own) => s.prop.edge(own, lookup.v));
        }
        continue;
      }
      s.prop.edge(s.own(cls, lookup.key), lookup.v);
      const info = s.classes[s.values.a[cls]!]!;
      if (this.#declares(info, lookup.key)) break;
    }
  }

  /** A member found on a class, as reading it from `self` gives it (`self` is -1 for a raw class attribute). */
  #bind(member: number, self: number, c: number): number {
    const { s } = this;
    if (self < 0 || s.values.kind[member] !== 'fn') return member;
    const fn = s.fns.get(s.values.a[member]!);
    const mode = fn?.fact.m;
    const selfKind = s.values.kind[self];
    if (mode === 'c')
      return s.values.intern('bound', member, selfKind === 'cls' ? self : s.classes[c]!.value);
    if (mode === 'i' && selfKind !== 'cls') return s.values.intern('bound', member, self);
    return member;
  }

  /** Python: the classes below class `c`, transitively. */
  subclasses(c: number): number[] {
    this.#dropStale();
    if (!this.#subclasses) {
      const below = new Map<number, number[]>();
      this.s.classes.forEach((info, number) => {
        if (!info.fact.py) return;
        for (const cls of this.mro(number).slice(1)) {
          const k = this.s.values.a[cls]!;
          const list = below.get(k) ?? [];
          list.push(number);
          below.set(k, list);
        }
      });
      this.#subclasses = below;
    }
    return this.#subclasses.get(c) ?? [];
  }

  /** A declared instance of class `c`: what its subclasses declare under `key` may run (dispatch). */
  #refreshDispatch(lookup: { c: number; key: string; v: number; seen: Set<number> }): void {
    const { s } = this;
    for (const sub of this.subclasses(lookup.c)) {
      const info = s.classes[sub]!;
      if (lookup.seen.has(sub) || !this.#declares(info, lookup.key)) continue;
      lookup.seen.add(sub);
      const self = s.values.intern('decl', info.value);
      const declared = s.classes[lookup.c]!.symbol;
      s.prop.on(s.own(info.value, lookup.key), (member) => {
        const bound = this.#bind(member, self, sub);
        if (bound !== member) this.dispatched.set(bound, declared);
        s.prop.add(lookup.v, bound);
      });
    }
  }

  /** Redoes Python lookups whose hierarchy changed; true when something was added. */
  refresh(): boolean {
    if (this.#seenVersion === this.#hierarchyVersion) return false;
    this.#dropStale();
    const before = this.s.prop.added;
    for (const lookup of this.#classLookups) this.#refreshClass(lookup);
    for (const lookup of this.#dispatchLookups) this.#refreshDispatch(lookup);
    return this.s.prop.added !== before;
  }
}

interface ClassLookup {
  readonly c: number;
  readonly key: string;
  readonly v: number;
  readonly self: number;
  readonly super?: true;
  readonly after?: number;
}

/** C3 linearisation merge; undefined when the hierarchy has no consistent order. */
function c3(lists: number[][]): number[] | undefined {
  const result: number[] = [];
  for (;;) {
    const nonEmpty = lists.filter((l) => l.length > 0);
    if (nonEmpty.length === 0) return result;
    const head = nonEmpty
      .map((l) => l[0]!)
      .find((candidate) => !nonEmpty.some((l) => l.indexOf(candidate) > 0));
    if (head === undefined) return undefined;
    result.push(head);
    for (const l of nonEmpty) if (l[0] === head) l.shift();
  }
}
