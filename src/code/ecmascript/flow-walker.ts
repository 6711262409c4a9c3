// JS/TS flow walker state (code intelligence): the value-flow unit being written for one file, and JavaScript's
// scoping — which variable an identifier means, what `this` is, which symbol runs the code being walked.
//
// Bindings owned by the function being walked are read as the versions that reach the read (flow-sensitive);
// bindings of an enclosing function are read as every version they ever get (a closure runs at an unknown time).
import type { Node } from '@babel/types';
import { type FnDraft, UnitBuilder, VersionedScope } from '../flow/builder.js';
import { EXPORTS_VAR, MODULE_VAR } from '../flow/ir.js';
import type { ExtractState } from './extract-state.js';
import type { JsBinding, JsScan, JsScope } from './flow-scan.js';

/** The class whose body is being walked: for `super`, field initialisers and static members. */
export interface ClassContext {
  readonly index: number;
  readonly classVar: number;
  readonly protoVar: number;
  /** `this` of instance field initialisers (every instance). */
  readonly instanceThis: number;
}

/** A function being walked (or the module, or a class field initialiser: code that runs as one unit). */
export interface FunctionContext {
  readonly node: Node;
  /** Symbol index whose code this is (for call sites). */
  readonly owner: number;
  readonly names: VersionedScope;
  readonly fn?: FnDraft;
  readonly thisVar: number;
  readonly parent: FunctionContext | undefined;
  readonly classContext?: ClassContext;
  /** Parameter bindings by key: their index and first version (for parameters returned unchanged). */
  readonly params: Map<string, { readonly index: number; readonly v: number }>;
}

const MAX_CALLEE_TEXT = 60;

export class JsWalker {
  readonly b = new UnitBuilder();
  ctx: FunctionContext;
  scope: JsScope;
  /** Flow op index of each call fact (-1 where the walk made none). */
  readonly callOps: number[];
  readonly #globals = new Map<string, number>();
  /** Where ops are reported when the code walked is not where it stands (a string given to `eval`). */
  siteOverride: { readonly l: number; readonly c: number } | undefined;
  /** Whether the file has ES module syntax. */
  esm = false;
  /** `export { local as exported }` of bindings of the module: written once the module is walked. */
  readonly exported: Array<[exported: string, local: string]> = [];

  constructor(
    readonly st: ExtractState,
    readonly scan: JsScan,
    readonly text: string,
    program: Node,
  ) {
    this.callOps = st.calls.map(() => -1);
    this.scope = scan.scopes.get(program)!;
    this.ctx = {
      node: program,
      owner: 0,
      names: new VersionedScope(this.b, scan.unstable),
      thisVar: EXPORTS_VAR,
      parent: undefined,
      params: new Map(),
    };
  }

  /** Runs `body` with the lexical scope of `node` current (when it opens one). */
  inScope<T>(node: Node, body: () => T): T {
    const scope = this.scan.scopes.get(node);
    if (!scope || scope === this.scope) return body();
    const outer = this.scope;
    this.scope = scope;
    try {
      return body();
    } finally {
      this.scope = outer;
    }
  }

  /** Runs `body` as function context `ctx`, then writes the context's closure variables. */
  inFunction<T>(ctx: FunctionContext, body: () => T): T {
    const outer = this.ctx;
    this.ctx = ctx;
    try {
      return this.inScope(ctx.node, body);
    } finally {
      ctx.names.finish();
      this.ctx = outer;
    }
  }

  resolve(name: string): JsBinding | undefined {
    for (let scope: JsScope | undefined = this.scope; scope; scope = scope.parent) {
      const binding = scope.names.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  /** The function context owning `binding` (undefined when it is not on the current chain). */
  ownerOf(binding: JsBinding): FunctionContext | undefined {
    for (let ctx: FunctionContext | undefined = this.ctx; ctx; ctx = ctx.parent)
      if (ctx.node === binding.owner) return ctx;
    return undefined;
  }

  /** The variable an identifier read here gives, as a value: a literal known field by field escapes. */
  read(name: string): number {
    const v = this.readForMember(name);
    this.ctx.names.escape(v);
    return v;
  }

  /** The variable an identifier gives where only a member of it is read or written (`d.a`, `d.a = f`). */
  readForMember(name: string): number {
    const binding = this.resolve(name);
    if (!binding) {
      if (name === 'module') return MODULE_VAR;
      if (name === 'exports') return EXPORTS_VAR;
      return this.global(name);
    }
    return this.readBinding(binding);
  }

  readBinding(binding: JsBinding): number {
    const owner = this.ownerOf(binding);
    if (!owner) return this.b.nothing();
    if (owner !== this.ctx) return owner.names.all(binding.key);
    return owner.names.read(binding.key) ?? owner.names.all(binding.key);
  }

  /** Assigns `value` to identifier `name` (a new version of its binding). */
  assign(name: string, value: number): void {
    const binding = this.resolve(name);
    if (!binding) return;
    this.ownerOf(binding)?.names.assign(binding.key, value);
  }

  /** A name no scope of the file declares: a global or a builtin. */
  global(name: string): number {
    let v = this.#globals.get(name);
    if (v === undefined) {
      v = this.b.into((d) => ({ o: 'glb', d, n: name }));
      this.#globals.set(name, v);
    }
    return v;
  }

  /** `w`, `l`, `c` of an op reported at `node`. */
  site(node: Node): { w: number; l: number; c: number } {
    if (this.siteOverride) return { w: this.ctx.owner, ...this.siteOverride };
    const start = node.loc?.start;
    return { w: this.ctx.owner, l: start?.line ?? 1, c: (start?.column ?? 0) + 1 };
  }

  /** The source of a callee, cut to a readable length (what a hop into library code is named by). */
  calleeText(node: Node): string {
    const raw = this.text.slice(node.start ?? 0, node.end ?? 0).replace(/\s+/g, '');
    return raw.length > MAX_CALLEE_TEXT ? `${raw.slice(0, MAX_CALLEE_TEXT)}…` : raw;
  }

  /** The class whose body holds the code being walked (for `super`). */
  classContext(): ClassContext | undefined {
    for (let ctx: FunctionContext | undefined = this.ctx; ctx; ctx = ctx.parent) {
      if (ctx.classContext) return ctx.classContext;
      if (ctx.fn && ctx.node.type !== 'ArrowFunctionExpression') return undefined;
    }
    return undefined;
  }

  /** The symbol of a function node (made by extraction). */
  symbolOf(node: Node): number | undefined {
    return this.st.fnSymbols.get(node);
  }
}
