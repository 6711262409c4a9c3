// Python flow walker state (code intelligence): the unit being built for one file, its symbols, and Python's
// scoping rules — which variable a name means where it is read or assigned.
//
// A function's locals are known for its whole body (scan.ts); a read sees the versions of the local that reach it.
// A nested function reads an outer name as every version the outer scope ever gives it (it runs later, at an
// unknown time); class bodies are invisible to the functions they contain, as in Python.
import type { Node } from 'web-tree-sitter';
import { type FnDraft, UnitBuilder, VersionedScope } from '../../flow/builder.js';
import { MODULE_VAR } from '../../flow/ir.js';
import { spanOf } from '../syntax.js';
import type { PyDef } from './facts.js';
import type { ScopeFacts } from './scan.js';

export interface PyScope {
  readonly kind: 'module' | 'function' | 'class' | 'comprehension';
  readonly names: VersionedScope;
  readonly facts: ScopeFacts;
  readonly parent: PyScope | undefined;
  /** Symbol index whose code runs here (a class body and a comprehension run as their enclosing code). */
  readonly owner: number;
  /** Qualified-name prefix of what is defined here (`Class.`, `outer.`). */
  readonly prefix: string;
  readonly fn?: FnDraft;
  /** Parameter variables of the function, by name (set once they are bound). */
  params?: ReadonlyMap<string, { readonly index: number; readonly v: number }>;
  /** Methods: the variable of the first parameter (`self`, `cls`), for `super()`. */
  self?: number;
  /** Functions: the variable of each annotated parameter's declared classes. */
  readonly types?: Map<string, number>;
  /** Class bodies: the class index; methods: the index of the class defining them. */
  readonly classIndex?: number;
  /** Class bodies: the variable holding the class, and the properties declared with accessors. */
  readonly classVar?: number;
  readonly accessors?: Set<string>;
}

const EMPTY_FACTS: ScopeFacts = {
  locals: new Set(),
  globals: new Set(),
  nonlocals: new Set(),
  unstable: new Set(),
  yields: false,
};

export class PyWalker {
  readonly b = new UnitBuilder();
  readonly defs: PyDef[] = [];
  scope: PyScope;
  readonly #globals = new Map<string, number>();
  /** Where ops are reported when the code walked is not where it stands (a string given to `eval`). */
  siteOverride: { readonly l: number; readonly c: number } | undefined;

  constructor(
    readonly scopes: ReadonlyMap<number, ScopeFacts>,
    rootId: number,
  ) {
    const facts = scopes.get(rootId) ?? EMPTY_FACTS;
    this.scope = {
      kind: 'module',
      names: new VersionedScope(this.b, facts.unstable),
      facts,
      parent: undefined,
      owner: 0,
      prefix: '',
    };
  }

  get module(): PyScope {
    let scope = this.scope;
    while (scope.parent) scope = scope.parent;
    return scope;
  }

  factsOf(node: Node): ScopeFacts {
    return this.scopes.get(node.id) ?? EMPTY_FACTS;
  }

  /** Adds a symbol; returns its index in the flow unit (the module is 0). */
  addDef(def: PyDef): number {
    this.defs.push(def);
    return this.defs.length;
  }

  /** `w`, `l`, `c` of an op at `node`, run by the current scope's owner. */
  site(node: Node): { w: number; l: number; c: number } {
    if (this.siteOverride) return { w: this.scope.owner, ...this.siteOverride };
    const { line, column } = spanOf(node);
    return { w: this.scope.owner, l: line, c: column };
  }

  /** Runs `body` with `scope` current. */
  within<T>(scope: PyScope, body: () => T): T {
    const outer = this.scope;
    this.scope = scope;
    try {
      return body();
    } finally {
      this.scope.names.finish();
      this.scope = outer;
    }
  }

  /** The variable a read of `name` here gives. */
  read(name: string): number {
    let scope: PyScope | undefined = this.scope;
    let deferred = false;
    for (; scope; scope = scope.parent) {
      const { facts } = scope;
      if (scope === this.scope && facts.globals.has(name)) return this.module.names.all(name);
      const visible = !(deferred && scope.kind === 'class');
      if (visible && facts.locals.has(name) && !facts.nonlocals.has(name)) {
        if (deferred) return scope.names.all(name);
        return scope.names.read(name) ?? scope.names.all(name);
      }
      if (scope.kind === 'function') deferred = true;
    }
    return this.global(name);
  }

  /** A name no scope of the file binds: a builtin, or a member star-imported into the module. */
  global(name: string): number {
    let v = this.#globals.get(name);
    if (v === undefined) {
      v = this.b.into((d) => ({ o: 'glb', d, n: name }));
      this.#globals.set(name, v);
    }
    return v;
  }

  /** Assigns `value` to `name` in the scope Python binds it in. */
  assign(name: string, value: number): void {
    const facts = this.scope.facts;
    if (facts.globals.has(name)) {
      this.module.names.assign(name, value);
      return;
    }
    if (facts.nonlocals.has(name)) {
      for (let scope = this.scope.parent; scope; scope = scope.parent) {
        if (scope.kind === 'function' && scope.facts.locals.has(name)) {
          scope.names.assign(name, value);
          return;
        }
      }
    }
    this.scope.names.assign(name, value);
  }

  /** The enclosing function scope, if any (comprehensions and class bodies are not functions). */
  functionScope(): PyScope | undefined {
    for (let scope: PyScope | undefined = this.scope; scope; scope = scope.parent) {
      if (scope.kind === 'function') return scope;
      if (scope.kind === 'class') return undefined;
    }
    return undefined;
  }

  /** Makes the module's names its attributes (what `import` and `from … import` read). */
  exportModuleNames(): void {
    const module = this.module;
    for (const name of [...module.names.names()])
      this.b.emit({ o: 'st', b: MODULE_VAR, p: name, s: module.names.all(name) });
  }
}
