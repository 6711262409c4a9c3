// Why a call goes where it goes (code intelligence, value-flow core): with provenance on, the solver remembers
// where each value of each variable came from; walking that back from a call's callee (or receiver) gives the
// path the function (or the instance) took: made here, passed as this argument, received as that parameter,
// stored in that property, returned by that function.
import type { CallEdge, CodeSymbol } from '../model.js';
import type { CallOp } from './ir.js';
import type { Members } from './members.js';
import type { FlowState } from './state.js';

/** One step of the way a value came to a call, oldest first. Files and symbols are the solver's numbers. */
export type WhyStep =
  /** Where the value was made: a function, a class's instance, an object. */
  | { readonly kind: 'made'; readonly symbol?: number; readonly what: string }
  | {
      readonly kind: 'argument';
      readonly index: number;
      readonly file: number;
      readonly line: number;
      readonly column: number;
    }
  | { readonly kind: 'parameter'; readonly index: number; readonly symbol: number }
  | { readonly kind: 'returned'; readonly symbol: number }
  | { readonly kind: 'result'; readonly file: number; readonly line: number; readonly column: number }
  | { readonly kind: 'property'; readonly key: string }
  /** The method looked up on the receiver the steps before brought. */
  | { readonly kind: 'method'; readonly key: string };

const MAX_STEPS = 64;

export class Explainer {
  #roles: Map<number, WhyStep> | undefined;
  /** Variables passed as arguments, with each place they are passed at (a named variable may be passed at many). */
  #arguments: Map<number, Extract<WhyStep, { kind: 'argument' }>[]> | undefined;

  constructor(
    private readonly s: FlowState,
    private readonly members: Members,
  ) {}

  /**
   * How function `target` reached the call at `line`:`column` of file `file`: the steps of its value (a plain
   * call) or of the receiver's value and the method found on it; undefined when no value explains it (a call the
   * type layer resolved, for one).
   */
  explain(file: number, line: number, column: number, target: number): WhyStep[] | undefined {
    const { s } = this;
    const ops = s.program.files[file]?.unit.o ?? [];
    for (const op of ops) {
      if (op.o !== 'call' || op.l !== line || op.c !== column) continue;
      const found = this.#explainCall(file, op, target);
      if (found) return found;
    }
    return undefined;
  }

  #explainCall(file: number, op: CallOp, target: number): WhyStep[] | undefined {
    const { s, members } = this;
    if (op.f !== undefined) {
      const callee = s.var(file, op.f);
      for (const value of s.prop.values(callee))
        if (this.s.values.functionOf(value) === target) return this.#way(callee, value);
    }
    if (op.r !== undefined && op.m !== undefined) {
      const receiver = s.var(file, op.r);
      for (const value of s.prop.values(receiver)) {
        const found = [...s.prop.values(members.load(value, op.m))].some(
          (m) => this.s.values.functionOf(m) === target,
        );
        if (found) return [...this.#way(receiver, value), { kind: 'method', key: op.m }];
      }
    }
    return undefined;
  }

  /** The steps that brought `value` into variable `v`, oldest first. */
  #way(v: number, value: number): WhyStep[] {
    const { s } = this;
    const roles = this.#rolesOfVariables();
    const steps: WhyStep[] = [];
    const seen = new Set<number>();
    let at: number | undefined = v;
    let role: WhyStep | undefined;
    while (at !== undefined && at >= 0 && !seen.has(at) && steps.length < MAX_STEPS) {
      seen.add(at);
      // A parameter's value came from an argument: the call that passed it is the one with this variable at the
      // parameter's position (a named variable is an argument wherever it is passed; only that call says why).
      const index = role?.kind === 'parameter' ? role.index : undefined;
      const passed =
        index === undefined ? undefined : this.#arguments?.get(at)?.find((a) => a.index === index);
      role = passed ?? roles.get(at);
      if (role && !same(role, steps.at(-1))) steps.push(role);
      at = s.prop.origin(at, value);
    }
    steps.reverse();
    const symbol = this.s.values.functionOf(value);
    steps.unshift(
      symbol === undefined
        ? { kind: 'made', what: this.#describe(value) }
        : { kind: 'made', symbol, what: 'function' },
    );
    return steps;
  }

  #describe(value: number): string {
    const { s } = this;
    const kind = s.values.kind[value];
    if (kind === 'inst' || kind === 'decl') {
      const cls = s.values.a[value]!;
      const symbol = s.classes[s.values.a[cls]!]?.symbol;
      const name = symbol === undefined ? 'a class' : s.program.nameOf(symbol);
      return kind === 'inst' ? `an instance of ${name}` : `a ${name} (by its declared type)`;
    }
    if (kind === 'cls') {
      const symbol = s.classes[s.values.a[value]!]?.symbol;
      return symbol === undefined ? 'a class' : `class ${s.program.nameOf(symbol)}`;
    }
    if (kind === 'proto') {
      const cls = s.values.a[value]!;
      const symbol = s.values.kind[cls] === 'cls' ? s.classes[s.values.a[cls]!]?.symbol : undefined;
      return symbol === undefined ? 'a prototype' : `${s.program.nameOf(symbol)}.prototype`;
    }
    if (kind === 'module') return 'a module';
    if (kind === 'obj') return 'an object literal';
    return kind ?? 'a value';
  }

  /** What each variable is, where the program says: call arguments and results, parameters, returns, properties. */
  #rolesOfVariables(): Map<number, WhyStep> {
    if (this.#roles) return this.#roles;
    const { s } = this;
    const roles = new Map<number, WhyStep>();
    const passed = new Map<number, Extract<WhyStep, { kind: 'argument' }>[]>();
    s.program.files.forEach((file, f) => {
      for (const op of file.unit.o) {
        if (op.o !== 'call' || op.l === undefined || op.c === undefined) continue;
        const site = { file: f, line: op.l, column: op.c };
        op.a.forEach((a, index) => {
          const v = s.var(f, a);
          passed.set(v, [...(passed.get(v) ?? []), { kind: 'argument', index, ...site }]);
        });
        if (op.d !== undefined) roles.set(s.var(f, op.d), { kind: 'result', ...site });
      }
    });
    this.#arguments = passed;
    for (const [symbol, fn] of s.fns) {
      fn.fact.p.forEach((p, index) => {
        roles.set(s.var(fn.file, p), { kind: 'parameter', index, symbol });
      });
      roles.set(s.var(fn.file, fn.fact.r), { kind: 'returned', symbol });
    }
    for (const [, v, key] of s.ownProperties()) if (!roles.has(v)) roles.set(v, { kind: 'property', key });
    this.#roles = roles;
    return roles;
  }
}

function same(a: WhyStep, b: WhyStep | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** What `FlowResult.explain` answers, for one call. */
export type ExplainCall = (
  file: number,
  line: number,
  column: number,
  target: number,
) => WhyStep[] | undefined;

/**
 * `LinkedGraph.explain` for a language on the flow core: each edge's steps as a person reads them. `ids` gives the
 * symbol id of each of the solver's symbol numbers, `paths` the path of each of its files.
 */
export function explainEdges(
  edges: readonly CallEdge[],
  explain: ExplainCall,
  ids: ReadonlyArray<string | undefined>,
  symbols: readonly CodeSymbol[],
  paths: readonly string[],
): Array<string[] | undefined> {
  const numberOf = new Map<string, number>();
  ids.forEach((id, n) => {
    if (id !== undefined && !numberOf.has(id)) numberOf.set(id, n);
  });
  const fileOf = new Map(paths.map((path, f) => [path, f]));
  const byId = new Map(symbols.map((symbol) => [symbol.id, symbol]));
  const symbolOf = (n: number) => byId.get(ids[n] ?? '');
  return edges.map((edge) => {
    const f = fileOf.get(edge.call.file);
    const target = numberOf.get(edge.to);
    if (f === undefined || target === undefined) return undefined;
    return explain(f, edge.call.line, edge.call.column, target)?.map((step) =>
      stepText(step, paths, symbolOf),
    );
  });
}

/** One step, as a person reads it: names and file:line. */
function stepText(
  step: WhyStep,
  paths: readonly string[],
  symbolOf: (n: number) => CodeSymbol | undefined,
): string {
  const where = (f: number, line: number) => `${paths[f] ?? '?'}:${line}`;
  const name = (n: number) => symbolOf(n)?.qualified_name ?? '?';
  switch (step.kind) {
    case 'made': {
      const symbol = step.symbol === undefined ? undefined : symbolOf(step.symbol);
      return symbol ? `function ${symbol.qualified_name} (${symbol.file}:${symbol.line})` : step.what;
    }
    case 'argument':
      return `passed as argument ${step.index + 1} at ${where(step.file, step.line)}`;
    case 'parameter':
      return `parameter ${step.index + 1} of ${name(step.symbol)}`;
    case 'returned':
      return `returned by ${name(step.symbol)}`;
    case 'result':
      return `the result of the call at ${where(step.file, step.line)}`;
    case 'property':
      return `stored as .${step.key}`;
    case 'method':
      return `its method .${step.key}`;
  }
}
