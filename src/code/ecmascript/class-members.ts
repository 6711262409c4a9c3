// JS/TS class and interface members: base classes, constructor functions, and member lookup along a chain.
import type { ClassFact, MemberFact, Shape } from './facts.js';
import type { FileRecord, Mode, Value } from './values.js';

/** A member found by walking a class chain. */
export interface MemberHit {
  readonly f: number;
  readonly c: number;
  readonly member: MemberFact;
}

export interface MemberLookup {
  readonly hits: readonly MemberHit[];
  /** The chain reaches a class outside the tree (or one that cannot be evaluated). */
  readonly external: boolean;
  readonly unknown: boolean;
}

/** An interface member found along its `extends` chain: a method signature or a property, with its type. */
export interface InterfaceMember {
  readonly f: number;
  readonly i: number;
  readonly k: 'm' | 'p';
  readonly t?: Shape | undefined;
}

export interface Superclasses {
  readonly bases: Array<{ f: number; c: number }>;
  external: boolean;
  unknown: boolean;
}

export class ClassMembers {
  private readonly pseudoClasses = new Map<number, Map<number, number>>();
  private readonly superMemo = new Map<string, Superclasses>();

  constructor(
    private readonly files: readonly FileRecord[],
    /** Evaluates `extends` clauses (the evaluator's `evaluate`). */
    private readonly evaluate: (f: number, shape: Shape, mode?: Mode) => Value[],
  ) {}

  private file(index: number): FileRecord {
    return this.files[index]!;
  }

  classFact(f: number, c: number): ClassFact | undefined {
    return this.file(f).facts.cls[c];
  }

  /** The class a constructor function became through `F.prototype.m = ...`, if it did. */
  pseudoClass(f: number, s: number): number | undefined {
    let byFunction = this.pseudoClasses.get(f);
    if (!byFunction) {
      byFunction = new Map();
      this.file(f).facts.cls.forEach((fact, c) => {
        if (fact.fnc) byFunction!.set(fact.s, c);
      });
      this.pseudoClasses.set(f, byFunction);
    }
    return byFunction.get(s);
  }

  /** The direct base classes of a class (usually one; more when `extends` is a conditional expression). */
  superclasses(f: number, c: number): Superclasses {
    const key = `${f}:${c}`;
    const known = this.superMemo.get(key);
    if (known) return known;
    const result: Superclasses = { bases: [], external: false, unknown: false };
    this.superMemo.set(key, result);
    const sup = this.classFact(f, c)?.sup;
    if (!sup) return result;
    const values = this.evaluate(f, sup);
    for (const value of values) {
      if (value.k === 'cls') result.bases.push({ f: value.f, c: value.c });
      else if (value.k === 'fn') {
        const pseudo = this.pseudoClass(value.f, value.s);
        if (pseudo !== undefined) result.bases.push({ f: value.f, c: pseudo });
      } else if (value.k === 'ext' || value.k === 'any') result.external = true;
    }
    if (values.length === 0) result.unknown = true;
    return result;
  }

  /**
   * Finds `name` on a class or the nearest ancestor declaring it (instance members, or statics when
   * `statics`). All same-named entries of that class are returned (an overload signature and its body).
   */
  findMember(f: number, c: number, name: string, statics: boolean): MemberLookup {
    const seen = new Set<string>();
    let frontier = [{ f, c }];
    let external = false;
    let unknown = false;
    while (frontier.length > 0) {
      const hits: MemberHit[] = [];
      const next: Array<{ f: number; c: number }> = [];
      for (const at of frontier) {
        const key = `${at.f}:${at.c}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const fact = this.classFact(at.f, at.c);
        if (!fact) continue;
        for (const member of fact.mem)
          if (member.n === name && Boolean(member.st) === statics) hits.push({ f: at.f, c: at.c, member });
        const sup = this.superclasses(at.f, at.c);
        external ||= sup.external;
        unknown ||= sup.unknown;
        next.push(...sup.bases);
      }
      if (hits.length > 0) return { hits, external: false, unknown: false };
      frontier = next;
    }
    return { hits: [], external, unknown };
  }

  /** Members named `name` of an interface and the interfaces it extends (nearest first). */
  interfaceMembers(f: number, i: number, name: string): InterfaceMember[] {
    const out: InterfaceMember[] = [];
    const seen = new Set<string>();
    const visitInterface = (at: number, index: number): void => {
      const key = `${at}:${index}`;
      if (seen.has(key) || seen.size > 64) return;
      seen.add(key);
      const fact = this.file(at).facts.ifc[index];
      if (!fact) return;
      for (const member of fact.mem)
        if (member.n === name) out.push({ f: at, i: index, k: member.k, t: member.t });
      if (out.length > 0) return;
      for (const parent of fact.ext)
        for (const value of this.evaluate(at, parent, 'type'))
          if (value.k === 'ifc') visitInterface(value.f, value.i);
    };
    visitInterface(f, i);
    return out;
  }
}
