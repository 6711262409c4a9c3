// JS/TS lazy refinement: the declarations the TypeScript checker names for a call, as the checker gives them (by
// position) and as refinement remembers them (by symbol id, stable across edits that move them), and what each
// is a call to in the current link: the symbol itself, and every implementation or override for dispatch.
import { z } from 'zod';
import type { Target } from './calls.js';
import type { LinkedProgram, PendingSite } from './link.js';

/** A declaration the checker named, by position in the linked program: what `Checker` answers. */
export interface CheckedDeclaration {
  /** The declaring file, relative to the indexed directory. */
  readonly path: string;
  /** Where the declaration's name starts (what extraction records as a symbol's name offset). */
  readonly at: number;
  /** For a member of an interface: where the interface's name starts. */
  readonly ifc?: number;
  /** For a member of a class: where the class's name (or, unnamed, the class) starts. */
  readonly cls?: number;
  readonly isStatic?: boolean;
}

/**
 * A declaration the checker named, by symbol ids rather than positions: it still names the same declaration after
 * an edit that moved it (a changed function body above it), as long as the declaring file keeps its surface.
 */
export const declRefSchema = z.strictObject({
  /** The declaration's symbol, when it is one (a method, function, class, constructor). */
  sym: z.string().optional(),
  /** For a member of a class: the class's symbol. */
  cls: z.string().optional(),
  /** For an interface member: the interface, as the `k`-th interface named `n` in its file (merged declarations). */
  ifc: z.strictObject({ path: z.string(), n: z.string(), k: z.number().int().min(0) }).optional(),
  isStatic: z.boolean().optional(),
});
export type DeclRef = z.infer<typeof declRefSchema>;

interface FileIndex {
  readonly symbolByName: Map<number, number>;
  readonly classByName: Map<number, number>;
  readonly interfaceByName: Map<number, number>;
  /** The class each method/field/constructor symbol belongs to. */
  readonly classOfSymbol: Map<number, number>;
}

/** Maps the checker's declarations to this link's symbols, and to dispatch targets through its hierarchy. */
export class DeclarationTargets {
  private readonly fileIndexes = new Map<number, FileIndex>();
  private symbolAt: Map<string, readonly [number, number]> | undefined;

  constructor(private readonly program: LinkedProgram) {}

  /** The declaration by symbol ids, as remembered. */
  ref(declaration: CheckedDeclaration): DeclRef {
    const f = this.program.ev.fileIndex(declaration.path);
    if (f === undefined) return {};
    const index = this.fileIndex(f);
    const facts = this.program.records[f]!.facts;
    if (declaration.ifc !== undefined) {
      const i = index.interfaceByName.get(declaration.ifc);
      if (i === undefined) return {};
      const n = facts.ifc[i]!.n;
      const k = facts.ifc.slice(0, i).filter((fact) => fact.n === n).length;
      return { ifc: { path: declaration.path, n, k } };
    }
    const s = index.symbolByName.get(declaration.at);
    const c = declaration.cls !== undefined ? index.classByName.get(declaration.cls) : undefined;
    const sym = s !== undefined ? this.program.symbolId(f, s) : undefined;
    const cls = c !== undefined ? this.program.symbolId(f, facts.cls[c]!.s) : undefined;
    return {
      ...(sym !== undefined ? { sym } : {}),
      ...(cls !== undefined ? { cls } : {}),
      ...(declaration.isStatic ? { isStatic: true } : {}),
    };
  }

  targets(ref: DeclRef, site: PendingSite): Target[] {
    const name = site.call.nm;
    if (ref.ifc) {
      const at = this.interfaceAt(ref.ifc);
      if (!at) return [];
      const [f, i] = at;
      const through = `dispatch through ${ref.ifc.n}.${name}`;
      return this.program.hierarchy
        .implementations(f, i, name)
        .map((hit) => ({ f: hit.f, s: hit.member.s!, kind: 'dispatch' as const, note: through }));
    }
    const symbol = ref.sym !== undefined ? this.symbol(ref.sym) : undefined;
    const classSymbol = ref.cls !== undefined ? this.symbol(ref.cls) : undefined;
    const f = symbol?.[0] ?? classSymbol?.[0];
    if (f === undefined) return [];
    const index = this.fileIndex(f);
    const facts = this.program.records[f]!.facts;
    const s = symbol?.[1];
    const c = classSymbol ? facts.cls.findIndex((fact) => fact.s === classSymbol[1]) : -1;
    const out: Target[] = [];
    if (s !== undefined) {
      const fact = facts.sym[s]!;
      if (fact.k === 'class') {
        const cls = facts.cls.find((candidate) => candidate.s === s);
        out.push({ f, s: cls?.ctor ?? s, kind: site.call.t === 'n' ? 'constructor' : 'direct' });
        return out;
      }
      const kind = fact.k === 'constructor' ? 'constructor' : site.call.f.k === 'm' ? 'method' : 'direct';
      out.push({ f, s, kind });
    }
    // The checker gives the declared type's member: a subclass's override may be what runs.
    const owner = c >= 0 ? c : s !== undefined ? index.classOfSymbol.get(s) : undefined;
    if (owner !== undefined && site.call.t === 'c' && !ref.isStatic) {
      const through = `dispatch through ${facts.cls[owner]!.n}.${name}`;
      for (const hit of this.program.hierarchy.overrides(f, owner, name))
        out.push({ f: hit.f, s: hit.member.s!, kind: 'dispatch', note: through });
    }
    return out;
  }

  private symbol(id: string): readonly [number, number] | undefined {
    if (!this.symbolAt) {
      const at = new Map<string, readonly [number, number]>();
      this.program.symbolIds.forEach((ids, f) => {
        ids.forEach((symbolId, s) => {
          at.set(symbolId, [f, s]);
        });
      });
      this.symbolAt = at;
    }
    return this.symbolAt.get(id);
  }

  private interfaceAt(ifc: NonNullable<DeclRef['ifc']>): readonly [number, number] | undefined {
    const f = this.program.ev.fileIndex(ifc.path);
    if (f === undefined) return undefined;
    let seen = 0;
    const facts = this.program.records[f]!.facts.ifc;
    for (let i = 0; i < facts.length; i++) {
      if (facts[i]!.n !== ifc.n) continue;
      if (seen++ === ifc.k) return [f, i];
    }
    return undefined;
  }

  private fileIndex(f: number): FileIndex {
    let index = this.fileIndexes.get(f);
    if (index) return index;
    const facts = this.program.records[f]!.facts;
    index = {
      symbolByName: new Map(),
      classByName: new Map(),
      interfaceByName: new Map(),
      classOfSymbol: new Map(),
    };
    facts.sym.forEach((symbol, s) => {
      if (s > 0) index!.symbolByName.set(symbol.no, s);
    });
    facts.cls.forEach((fact, c) => {
      index!.classByName.set(fact.no, c);
      if (fact.ctor !== undefined) index!.classOfSymbol.set(fact.ctor, c);
      for (const member of fact.mem) if (member.s !== undefined) index!.classOfSymbol.set(member.s, c);
    });
    facts.ifc.forEach((fact, i) => {
      index!.interfaceByName.set(fact.no, i);
    });
    this.fileIndexes.set(f, index);
    return index;
  }
}
