// JS/TS call resolution: what a call site may run, most precise first (direct, method, constructor, dispatch).
import type { EdgeKind } from '../model.js';
import type { CallFact, Shape } from './facts.js';
import type { Hierarchy } from './hierarchy.js';
import type { MemberHit } from './class-members.js';
import type { Evaluator } from './types.js';
import { addValues, type Value } from './values.js';

/** Methods of an array (or set) that return one of its elements. */
const ARRAY_ELEMENT_METHODS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);
/** Methods of an array that return an array of the same elements. */
const ARRAY_COPYING_METHODS = new Set([
  'filter',
  'slice',
  'concat',
  'reverse',
  'sort',
  'toSorted',
  'toReversed',
  'values',
]);
/** `Map#get` returns a value; `values()` iterates them. */
const MAP_ELEMENT_METHODS = new Set(['get']);
const MAP_ITERATING_METHODS = new Set(['values']);

export interface Target {
  readonly f: number;
  readonly s: number;
  readonly kind: EdgeKind;
  readonly note?: string;
}

/** The targets of one call, and why there may be none: outside the tree, untyped (`any`), or unknown here. */
export interface Resolution {
  readonly targets: Target[];
  /** Values the call returns that no target symbol accounts for (declared on interfaces, abstract methods). */
  readonly returns: Value[];
  external: boolean;
  any: boolean;
  unknown: boolean;
}

export class CallResolver {
  constructor(
    private readonly ev: Evaluator,
    private readonly hierarchy: Hierarchy,
  ) {}

  /** What calling `callee` returns (the evaluator's hook for `f().g()` chains). */
  readonly callResult = (f: number, callee: Shape): Value[] => {
    const out: Value[] = [];
    if (callee.k === 'm' && callee.n === 'bind') {
      addValues(
        out,
        this.ev.evaluate(f, callee.o).filter((value) => value.k === 'fn'),
      );
    } else {
      const resolution = this.resolve(f, callee, 'c');
      for (const target of resolution.targets) addValues(out, this.ev.returnsOf(target.f, target.s));
      addValues(out, resolution.returns);
      if (resolution.external) addValues(out, [{ k: 'ext' }]);
      if (resolution.any) addValues(out, [{ k: 'any' }]);
    }
    return out;
  };

  resolve(f: number, callee: Shape, kind: CallFact['t']): Resolution {
    const r: Resolution = { targets: [], returns: [], external: false, any: false, unknown: false };
    if (kind === 'c' && callee.k === 'm') {
      this.methodTargets(this.ev.evaluate(f, callee.o), callee.n, r);
      return r;
    }
    if (kind === 's') {
      if (callee.k !== 'sup') return r;
      const sup = this.ev.classes.superclasses(f, callee.c);
      for (const base of sup.bases) this.constructorTarget(base.f, base.c, r);
      r.external = sup.external;
      r.unknown = sup.unknown;
      return r;
    }
    const values = this.ev.evaluate(f, callee);
    if (values.length === 0) r.unknown = true;
    for (const value of values) {
      if (value.k === 'ext') r.external = true;
      else if (value.k === 'any') r.any = true;
      else if (kind === 'n') {
        if (value.k === 'cls') this.constructorTarget(value.f, value.c, r);
        else if (value.k === 'fn') {
          const pseudo = this.ev.classes.pseudoClass(value.f, value.s);
          if (pseudo !== undefined) this.constructorTarget(value.f, pseudo, r);
          else r.targets.push({ f: value.f, s: value.s, kind: 'constructor' });
        }
      } else if (value.k === 'fn') r.targets.push({ f: value.f, s: value.s, kind: 'direct' });
      else if (kind === 'j' && value.k === 'cls') {
        // A class component runs through its render method.
        const render = this.ev.classes
          .findMember(value.f, value.c, 'render', false)
          .hits.find((hit) => hit.member.s !== undefined);
        const fact = this.ev.classes.classFact(value.f, value.c);
        if (render?.member.s !== undefined)
          r.targets.push({ f: render.f, s: render.member.s, kind: 'direct' });
        else if (fact) r.targets.push({ f: value.f, s: fact.s, kind: 'direct' });
      }
    }
    return r;
  }

  private constructorTarget(f: number, c: number, r: Resolution): void {
    const fact = this.ev.classes.classFact(f, c);
    if (!fact) return;
    r.targets.push({ f, s: fact.ctor ?? fact.s, kind: 'constructor' });
  }

  private methodTargets(receiver: readonly Value[], name: string, r: Resolution): void {
    if (receiver.length === 0) r.unknown = true;
    for (const value of receiver) {
      switch (value.k) {
        case 'inst':
        case 'cls': {
          const statics = value.k === 'cls';
          const lookup = this.ev.classes.findMember(value.f, value.c, name, statics);
          this.memberTargets(lookup.hits, r);
          const overrides =
            value.k === 'inst' && !value.exact ? this.hierarchy.overrides(value.f, value.c, name) : [];
          const through = `dispatch through ${this.ev.classes.classFact(value.f, value.c)?.n ?? '?'}.${name}`;
          for (const hit of overrides)
            r.targets.push({ f: hit.f, s: hit.member.s!, kind: 'dispatch', note: through });
          if (lookup.hits.length === 0 && overrides.length === 0) {
            if (lookup.external) r.external = true;
            else r.unknown = true;
          }
          break;
        }
        case 'ifc': {
          const declared = this.ev.classes.interfaceMembers(value.f, value.i, name);
          for (const member of declared)
            if (member.k === 'm' && member.t) addValues(r.returns, this.ev.evaluate(member.f, member.t));
          const owner = this.ev.file(declared[0]?.f ?? value.f).facts.ifc[declared[0]?.i ?? value.i];
          const through = `dispatch through ${owner?.n ?? '?'}.${name}`;
          const implementations = this.hierarchy.implementations(value.f, value.i, name);
          for (const hit of implementations)
            r.targets.push({ f: hit.f, s: hit.member.s!, kind: 'dispatch', note: through });
          if (declared.length === 0 && implementations.length === 0) r.unknown = true;
          break;
        }
        case 'obj':
        case 'mod':
          this.valueTargets(this.ev.member([value], name), 'method', r);
          break;
        case 'fn':
          if (name === 'call' || name === 'apply') r.targets.push({ f: value.f, s: value.s, kind: 'direct' });
          else r.external = true;
          break;
        case 'array':
        case 'map':
          this.containerMethod(value.k, value.of, name, r);
          break;
        case 'any':
          r.any = true;
          break;
        default:
          r.external = true;
      }
    }
  }

  /**
   * A library method of an array, set or map whose type the tree declares (`Map<string, Lane>`): no edge, but
   * what it returns is known, so a call on the result resolves (`lanes.get(id).fail()`).
   */
  private containerMethod(kind: 'array' | 'map', of: readonly Value[], name: string, r: Resolution): void {
    const element = kind === 'map' ? MAP_ELEMENT_METHODS : ARRAY_ELEMENT_METHODS;
    const same = kind === 'map' ? MAP_ITERATING_METHODS : ARRAY_COPYING_METHODS;
    if (element.has(name)) addValues(r.returns, of);
    else if (same.has(name)) addValues(r.returns, [{ k: 'array', of }]);
    else r.external = true;
  }

  /** Class members a call reaches: methods directly, fields through the functions they hold. */
  private memberTargets(hits: readonly MemberHit[], r: Resolution): void {
    for (const hit of hits) {
      const member = hit.member;
      if (member.s !== undefined && member.k !== 'get' && member.k !== 'set') {
        r.targets.push({ f: hit.f, s: member.s, kind: 'method' });
      } else if (member.k === 'f' || member.k === 'get') {
        this.valueTargets(this.ev.memberValue(hit), 'method', r);
      } else if (member.k === 'abs') {
        if (member.t) addValues(r.returns, this.ev.evaluate(hit.f, member.t));
      }
    }
  }

  private valueTargets(values: readonly Value[], kind: EdgeKind, r: Resolution): void {
    if (values.length === 0) r.unknown = true;
    for (const value of values) {
      if (value.k === 'fn') r.targets.push({ f: value.f, s: value.s, kind });
      else if (value.k === 'any') r.any = true;
      else if (value.k === 'ext') r.external = true;
    }
  }
}
