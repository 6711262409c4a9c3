// JS/TS class hierarchy: subclasses, the classes implementing an interface, and the overrides a call may dispatch to.
import type { MemberHit } from './class-members.js';
import type { Evaluator } from './types.js';

interface ClassRef {
  readonly f: number;
  readonly c: number;
}

const key = (f: number, n: number): string => `${f}:${n}`;

export class Hierarchy {
  private children: Map<string, ClassRef[]> | undefined;
  private implementors: Map<string, ClassRef[]> | undefined;
  private subInterfaces: Map<string, Array<{ f: number; i: number }>> | undefined;
  private readonly descendantsMemo = new Map<string, ClassRef[]>();

  constructor(private readonly ev: Evaluator) {}

  /** Indexes every class's bases and interfaces once, on first use. */
  private build(): void {
    if (this.children) return;
    const children = new Map<string, ClassRef[]>();
    const implementors = new Map<string, ClassRef[]>();
    const subInterfaces = new Map<string, Array<{ f: number; i: number }>>();
    const push = <T>(map: Map<string, T[]>, at: string, item: T): void => {
      const list = map.get(at);
      if (list) list.push(item);
      else map.set(at, [item]);
    };
    for (const file of this.ev.files) {
      const f = file.index;
      file.facts.cls.forEach((fact, c) => {
        for (const base of this.ev.classes.superclasses(f, c).bases)
          push(children, key(base.f, base.c), { f, c });
        for (const shape of fact.impl ?? [])
          for (const value of this.ev.evaluate(f, shape, 'type'))
            if (value.k === 'ifc') push(implementors, key(value.f, value.i), { f, c });
      });
      file.facts.ifc.forEach((fact, i) => {
        for (const shape of fact.ext)
          for (const value of this.ev.evaluate(f, shape, 'type'))
            if (value.k === 'ifc') push(subInterfaces, key(value.f, value.i), { f, i });
      });
    }
    this.children = children;
    this.implementors = implementors;
    this.subInterfaces = subInterfaces;
  }

  /** Every class extending this one, directly or not. */
  descendants(f: number, c: number): readonly ClassRef[] {
    this.build();
    const at = key(f, c);
    const known = this.descendantsMemo.get(at);
    if (known) return known;
    const out: ClassRef[] = [];
    const seen = new Set([at]);
    const queue = [...(this.children!.get(at) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift()!;
      const nextKey = key(next.f, next.c);
      if (seen.has(nextKey)) continue;
      seen.add(nextKey);
      out.push(next);
      queue.push(...(this.children!.get(nextKey) ?? []));
    }
    this.descendantsMemo.set(at, out);
    return out;
  }

  /** Methods of subclasses overriding `name` (what a call on a non-exact instance may reach). */
  overrides(f: number, c: number, name: string): MemberHit[] {
    const out: MemberHit[] = [];
    for (const sub of this.descendants(f, c)) {
      const fact = this.ev.classes.classFact(sub.f, sub.c);
      for (const member of fact?.mem ?? [])
        if (member.n === name && !member.st && member.s !== undefined)
          out.push({ f: sub.f, c: sub.c, member });
    }
    return out;
  }

  /** Classes implementing an interface: through `implements` of it or of an interface extending it, and their subclasses. */
  implementingClasses(f: number, i: number): ClassRef[] {
    this.build();
    const out: ClassRef[] = [];
    const seenClasses = new Set<string>();
    const seenInterfaces = new Set<string>();
    const addClass = (ref: ClassRef): void => {
      const at = key(ref.f, ref.c);
      if (seenClasses.has(at)) return;
      seenClasses.add(at);
      out.push(ref);
      for (const sub of this.descendants(ref.f, ref.c)) addClass(sub);
    };
    const visitInterface = (at: number, index: number): void => {
      const k = key(at, index);
      if (seenInterfaces.has(k)) return;
      seenInterfaces.add(k);
      for (const ref of this.implementors!.get(k) ?? []) addClass(ref);
      for (const sub of this.subInterfaces!.get(k) ?? []) visitInterface(sub.f, sub.i);
    };
    visitInterface(f, i);
    return out;
  }

  /** The method each implementing class runs for `name` (its own or an inherited one), without duplicates. */
  implementations(f: number, i: number, name: string): MemberHit[] {
    const out: MemberHit[] = [];
    const seen = new Set<string>();
    for (const ref of this.implementingClasses(f, i)) {
      for (const hit of this.ev.classes.findMember(ref.f, ref.c, name, false).hits) {
        if (hit.member.s === undefined) continue;
        const at = key(hit.f, hit.member.s);
        if (seen.has(at)) continue;
        seen.add(at);
        out.push(hit);
      }
    }
    return out;
  }
}
