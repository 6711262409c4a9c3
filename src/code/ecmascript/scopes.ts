// JS/TS scopes: a chain of lexical scopes and name references resolved once the whole file is read (hoisting).
import type { BindingFact, Shape } from './facts.js';

export class Scope {
  readonly names = new Map<string, number>();
  constructor(
    readonly parent: Scope | undefined,
    /** Function (and module) scopes receive `var` declarations; block scopes do not. */
    readonly isFunction: boolean,
  ) {}

  functionScope(): Scope {
    let scope: Scope = this;
    while (!scope.isFunction && scope.parent) scope = scope.parent;
    return scope;
  }

  lookup(name: string): number | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.names.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/**
 * The bindings of one file and the references to them. A reference is a `g` shape made when the name is
 * read and rewritten in place into a `b` shape by `resolveReferences` if a scope of the chain declares the
 * name by the end of the file: declarations later in the scope (hoisted functions, `var`) count, and
 * an inner declaration (a parameter named like an import) shadows an outer one.
 */
export class BindingTable {
  readonly bindings: BindingFact[] = [];
  private readonly refs: Array<{ shape: Shape; scope: Scope; name: string }> = [];

  /** Declares `name` in `scope`; a second declaration of the name in the same scope merges into the first. */
  declare(scope: Scope, name: string, kind: BindingFact['d']): BindingFact {
    const existing = scope.names.get(name);
    if (existing !== undefined) return this.bindings[existing]!;
    const binding: BindingFact = { n: name, d: kind };
    scope.names.set(name, this.bindings.length);
    this.bindings.push(binding);
    return binding;
  }

  reference(scope: Scope, name: string): Shape {
    // Both fields exist from the start so that resolving never deletes a property (slow in V8); the unused
    // one stays undefined, which JSON leaves out.
    const shape = { k: 'g', n: name, b: undefined } as Shape;
    this.refs.push({ shape, scope, name });
    return shape;
  }

  resolveReferences(): void {
    for (const { shape, scope, name } of this.refs) {
      const index = scope.lookup(name);
      if (index === undefined) continue;
      const target = shape as { k: string; n: string | undefined; b: number | undefined };
      target.k = 'b';
      target.b = index;
      target.n = undefined;
    }
    this.refs.length = 0;
  }
}

export function addValue(binding: BindingFact, value: Shape): void {
  if (binding.v) binding.v.push(value);
  else binding.v = [value];
}

/** Adds a type meaning (an interface, an alias) to a binding. */
export function addTypeMeaning(binding: BindingFact, meaning: Shape): void {
  if (binding.tm) binding.tm.push(meaning);
  else binding.tm = [meaning];
}
