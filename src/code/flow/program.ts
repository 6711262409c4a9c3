// Value-flow program (code intelligence): what a language's linker hands the solver, and what it gets back.
import type { EdgeKind } from '../model.js';
import type { WhyStep } from './explain.js';
import type { FlowUnit } from './ir.js';

export type FlowLanguage = 'python' | 'js';

/** Where an import leads: a module of the tree, or a dotted name outside it. */
export type ImportTarget = { readonly module: number } | { readonly external: string };

export interface FlowFile {
  readonly unit: FlowUnit;
  /** Relative path, for call sites. */
  readonly path: string;
  /** Global symbol number of each of the file's symbols (what the unit's symbol indices mean). */
  readonly symbols: readonly number[];
  /** The module object this file is. */
  readonly module: number;
  /** Resolves a specifier written in this file (`lv`: Python relative-import dots). */
  resolve(specifier: string, level: number | undefined): ImportTarget;
}

/**
 * A callee the type layer found for a call. Declared types (TypeScript) seed the call from the start, beside what
 * flows there; a weaker guess (`fallback`) is used only if no value of the tree reached the call.
 */
export interface SeededTarget {
  readonly symbol: number;
  readonly kind: EdgeKind;
  readonly note?: string;
  readonly fallback?: true;
}

export interface FlowProgram {
  readonly language: FlowLanguage;
  readonly files: readonly FlowFile[];
  /** Number of global symbols (hops made by the solver are numbered after them). */
  readonly symbolCount: number;
  /** Number of module objects (files, and Python packages without an `__init__.py`). */
  readonly moduleCount: number;
  /** Module m has member `name`, module `child` (`import a.b` makes `a.b` reachable from `a`). */
  readonly submodules?: ReadonlyArray<readonly [number, string, number]>;
  /** Modules that are ES modules (`import x from` them reads `default`); the others are CommonJS. */
  readonly esModules?: ReadonlySet<number>;
  /** Targets the type layer found for call `op` of file `file`, if any. */
  seeds?(file: number, op: number): readonly SeededTarget[] | undefined;
  /** Qualified name of a global symbol, for edge notes. */
  nameOf(symbol: number): string;
  /** Remember where values come from, so that `FlowResult.explain` can say why a call goes where it goes. */
  readonly provenance?: boolean;
}

/** A call edge the solver found, between global symbols (hops included). */
export interface FlowEdge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  readonly file: number;
  readonly line: number;
  readonly column: number;
  readonly note?: string;
}

/** Library code a function of the tree is handed to at one call site: a symbol of its own in the graph. */
export interface Hop {
  /** What was called, as written or as the library names it (`arr.forEach`, `Promise.then`). */
  readonly name: string;
  readonly file: number;
  readonly line: number;
  readonly column: number;
}

/** A call whose callee nothing resolved: the linker may still guess by name (a `heuristic` edge). */
export interface UnresolvedCall {
  readonly file: number;
  readonly op: number;
  /** The member name called, for a method call. */
  readonly member?: string;
}

export interface FlowResult {
  readonly edges: readonly FlowEdge[];
  readonly hops: readonly Hop[];
  readonly unresolved: readonly UnresolvedCall[];
  /** Work done: values added to variables, variables made. */
  readonly stats: { readonly added: number; readonly variables: number; readonly values: number };
  /** With `provenance`: the way function `target` came to the call at file:line:column (see flow/explain.ts). */
  readonly explain?: (file: number, line: number, column: number, target: number) => WhyStep[] | undefined;
}
