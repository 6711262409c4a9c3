// JS/TS extraction state: the facts being built for one file and where the walk is (scope, owner, `this`).
import type { Node } from '@babel/types';
import type { TypeContext } from './annotations.js';
import type {
  CallFact,
  ClassFact,
  EcmascriptFacts,
  InterfaceFact,
  ObjectFact,
  Shape,
  SymbolFact,
} from './facts.js';
import { BindingTable, Scope } from './scopes.js';

export const OPAQUE: Shape = { k: 'x' };
export const UNKNOWN: Shape = { k: 'q' };
export const ANY: Shape = { k: 'any' };

/** Bounds on what one function records: facts stay small on generated or minified files. */
const MAX_RETURNS = 8;

export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export function positionOf(node: Node): Position {
  const start = node.loc?.start;
  return { line: start?.line ?? 1, column: (start?.column ?? 0) + 1, offset: node.start ?? 0 };
}

export class ExtractState implements TypeContext {
  readonly table = new BindingTable();
  readonly sym: SymbolFact[] = [];
  readonly cls: ClassFact[] = [];
  readonly ifc: InterfaceFact[] = [];
  readonly obj: ObjectFact[] = [];
  readonly calls: CallFact[] = [];
  readonly ex: EcmascriptFacts['ex'] = [];
  readonly rx: EcmascriptFacts['rx'] = [];
  readonly star: string[] = [];
  readonly cjs: Shape[] = [];
  readonly deps = new Set<string>();
  /**
   * Bodies (start, end offsets) of functions whose signature alone fixes their type in TypeScript: an annotated
   * return type, constructors and setters. Nothing in them changes a type seen outside (see surface.ts).
   */
  readonly sealedBodies: Array<readonly [number, number]> = [];
  /** `x = value` for a plain name: added to the binding once references are resolved. */
  readonly assigns: Array<{ target: Shape; value: Shape }> = [];
  /** `X.prototype.m = value` (proto) and `X.m = value`: members of X once X is known. */
  readonly memberAssigns: Array<{ target: Shape; name: string; value: Shape; proto: boolean }> = [];
  /**
   * ES5 inheritance between constructor functions: `util.inherits(C, P)`, `C.prototype = Object.create(P.prototype)`,
   * `Object.setPrototypeOf(C.prototype, P.prototype)`, `C.prototype = new P()`: C's class extends P.
   */
  readonly inherits: Array<{ child: Shape; parent: Shape }> = [];
  /** `this.x = value` inside a plain function: fields if the function turns out to be a constructor. */
  readonly thisAssigns = new Map<number, Array<{ n: string; v: Shape }>>();

  /** The symbol of each function node (what the value-flow walker needs to name them). */
  readonly fnSymbols = new Map<Node, number>();
  /** The class fact of each class node, and the call fact of each call, `new`, `super(...)` and JSX element. */
  readonly classOf = new Map<Node, number>();
  readonly callOf = new Map<Node, number>();
  /** The next function walked is a callback whose parameters are typed by context. */
  contextual = false;
  /**
   * The binding whose initialiser is being read (`const handler = debounce(...)`): an anonymous function passed to
   * a call there is named after it.
   */
  bindingName: string | undefined;

  scope = new Scope(undefined, true);
  /** The symbol that owns calls made here. */
  owner = 0;
  /** Qualified-name prefix for symbols declared here (`outer.`). */
  prefix = '';
  thisShape: Shape | undefined;
  /** The class whose body we are in (for `super`). */
  classIndex: number | undefined;
  /** Return shapes of the function we are in. */
  returns: Shape[] | undefined;

  constructor(
    /** TypeScript: unannotated parameters of callbacks are typed by context, so they are unknown, not `any`. */
    readonly typescript: boolean,
    lines: number,
  ) {
    this.sym.push({ n: '<module>', q: '<module>', k: 'module', l: 1, c: 1, el: lines, no: 0 });
  }

  reference(name: string): Shape {
    return this.table.reference(this.scope, name);
  }

  typeLiteral(props: Array<{ n: string; v: Shape }>): Shape {
    this.obj.push({ p: props });
    return { k: 'obj', o: this.obj.length - 1 };
  }

  thisType(): Shape {
    return this.thisShape?.k === 'cls' ? { k: 'this', c: this.thisShape.c } : (this.thisShape ?? UNKNOWN);
  }

  addSymbol(fact: Omit<SymbolFact, 'q'> & { q?: string }): number {
    this.sym.push({ ...fact, q: fact.q ?? this.prefix + fact.n });
    return this.sym.length - 1;
  }

  addReturn(shape: Shape): void {
    if (this.returns && this.returns.length < MAX_RETURNS) this.returns.push(shape);
  }

  /** Records a call site; returns its index (what `r` shapes refer to). */
  addCall(fact: CallFact): number {
    this.calls.push(fact);
    return this.calls.length - 1;
  }

  /** Runs `body` with the walk state saved and restored around it. */
  nested<T>(body: () => T): T {
    const { scope, owner, prefix, thisShape, classIndex, returns } = this;
    try {
      return body();
    } finally {
      this.scope = scope;
      this.owner = owner;
      this.prefix = prefix;
      this.thisShape = thisShape;
      this.classIndex = classIndex;
      this.returns = returns;
    }
  }

  inBlock(body: () => void): void {
    const outer = this.scope;
    this.scope = new Scope(outer, false);
    try {
      body();
    } finally {
      this.scope = outer;
    }
  }
}
