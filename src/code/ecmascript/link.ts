// JS/TS linking: turns every file's facts into symbols and call edges, and leaves what needs the checker pending.
import { FLOW_VERSION, type FlowUnit } from '../flow/ir.js';
import { jsNatives } from '../flow/natives-js.js';
import { explainEdges } from '../flow/explain.js';
import type { FlowFile, FlowResult, SeededTarget } from '../flow/program.js';
import { solveFlow } from '../flow/solver.js';
import {
  type CallEdge,
  type CallSite,
  type CodeSymbol,
  type EdgeKind,
  externalSymbol,
  type LinkContext,
  type SourceFile,
} from '../model.js';
import { CallResolver, type Resolution, type Target } from './calls.js';
import { extractedInThisProcess, extractFacts } from './extract.js';
import { type CallFact, type EcmascriptFacts, ecmascriptFactsSchema, type SymbolFact } from './facts.js';
import { heuristicCandidates, methodsByName } from './heuristics.js';
import { Hierarchy } from './hierarchy.js';
import { ModuleConfig, ModuleResolver } from './modules.js';
import { dialectOf } from './parse.js';
import { Evaluator } from './types.js';
import type { FileRecord } from './values.js';

/** A call the syntactic pass could not resolve in a TypeScript file: the checker may (see `checker.ts`). */
export interface PendingSite {
  /** `<file>@<offset>`: stable while the file's text is. */
  readonly id: string;
  readonly f: number;
  readonly call: CallFact;
  readonly owner: string;
}

/** Everything linking knows, kept for lazy refinement. */
export class LinkedProgram {
  readonly records: FileRecord[];
  readonly sources: SourceFile[];
  readonly symbols: CodeSymbol[] = [];
  /** Symbol ids by file index and symbol index. */
  readonly symbolIds: string[][] = [];
  readonly ev: Evaluator;
  readonly hierarchy: Hierarchy;
  readonly resolver: CallResolver;
  readonly edges: CallEdge[] = [];
  readonly pending: PendingSite[] = [];
  private readonly edgeKeys = new Set<string>();
  private readonly lineStarts = new Map<number, number[]>();
  private methods: ReturnType<typeof methodsByName> | undefined;

  /** The linked program of `inputs`: symbols, then every call through the value-flow solve (which may be aborted). */
  static async create(
    inputs: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
    ctx: LinkContext,
  ): Promise<LinkedProgram> {
    const program = new LinkedProgram(inputs, ctx);
    await program.link(ctx.signal, ctx.provenance === true);
    return program;
  }

  private constructor(
    inputs: ReadonlyArray<{ readonly file: SourceFile; readonly facts: unknown }>,
    ctx: LinkContext,
  ) {
    this.sources = inputs.map((input) => input.file);
    this.records = inputs.map((input, index) => ({
      index,
      path: input.file.path,
      facts: usableFacts(input.file, input.facts),
      typescript: dialectOf(input.file.path) !== 'js',
    }));
    const paths = new Set(this.records.map((record) => record.path));
    const modules = new ModuleResolver(paths, new ModuleConfig(ctx.root));
    this.ev = new Evaluator(this.records, modules);
    this.hierarchy = new Hierarchy(this.ev);
    this.resolver = new CallResolver(this.ev, this.hierarchy);
    this.ev.callResult = this.resolver.callResult;
    for (const record of this.records) this.addSymbols(record);
  }

  private addSymbols(record: FileRecord): void {
    const language = record.typescript ? 'typescript' : 'javascript';
    const seen = new Map<string, number>();
    const ids: string[] = [];
    for (const fact of record.facts.sym) {
      const count = (seen.get(fact.q) ?? 0) + 1;
      seen.set(fact.q, count);
      const id = `${record.path}#${fact.q}${count > 1 ? `~${count}` : ''}`;
      ids.push(id);
      if (fact.in !== undefined) continue;
      this.symbols.push({
        id,
        name: fact.n,
        qualified_name: fact.q,
        kind: fact.k,
        file: record.path,
        line: fact.l,
        column: fact.c,
        end_line: Math.max(fact.el, fact.l),
        language,
      });
    }
    this.symbolIds.push(ids);
  }

  private byId: Map<string, CodeSymbol> | undefined;

  symbolById(id: string): CodeSymbol | undefined {
    this.byId ??= new Map(this.symbols.map((symbol) => [symbol.id, symbol]));
    return this.byId.get(id);
  }

  /** The id of symbol `s` of file `f`; undefined for an inline callback, which is no node of the graph. */
  symbolId(f: number, s: number): string | undefined {
    return this.records[f]?.facts.sym[s]?.in === undefined ? this.symbolIds[f]?.[s] : undefined;
  }

  /** The node whose code symbol `s` of file `f` is: itself, or for an inline callback the function holding it. */
  ownerId(f: number, s: number): string | undefined {
    const sym = this.records[f]?.facts.sym;
    let at = s;
    for (let hops = 0; sym?.[at]?.in !== undefined && hops < 64; hops++) at = sym[at]!.in!;
    return this.symbolIds[f]?.[at];
  }

  /**
   * The TypeScript files of the tree `f` imports, transitively, with `f`: what the checker's project holds for a
   * call in `f`, hence all its answer for that call can depend on.
   */
  typescriptClosure(f: number): Set<number> {
    const files = new Set([f]);
    const queue = [f];
    while (queue.length > 0) {
      const at = queue.pop()!;
      for (const specifier of this.records[at]!.facts.deps) {
        const target = this.ev.resolveModule(at, specifier);
        if (typeof target !== 'number' || files.has(target) || !this.records[target]!.typescript) continue;
        files.add(target);
        queue.push(target);
      }
    }
    return files;
  }

  /** The call site a fact describes (or, for a callback, the argument's position). */
  site(f: number, line: number, column: number): CallSite {
    return { file: this.records[f]!.path, line, column, text: this.lineText(f, line) };
  }

  private lineText(f: number, line: number): string {
    const text = this.sources[f]!.text;
    let starts = this.lineStarts.get(f);
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(f, starts);
    }
    const start = starts[line - 1] ?? 0;
    const end = starts[line] ?? text.length;
    return text.slice(start, end).trim().slice(0, 200);
  }

  /** Adds an edge unless an edge between the same symbols at the same site exists; returns it when new. */
  addEdge(
    from: string,
    target: Target,
    at: { f: number; line: number; column: number },
  ): CallEdge | undefined {
    const to = this.symbolId(target.f, target.s);
    return to ? this.addEdgeById(from, to, target.kind, at, target.note) : undefined;
  }

  private addEdgeById(
    from: string,
    to: string,
    kind: EdgeKind,
    at: { f: number; line: number; column: number },
    note: string | undefined,
  ): CallEdge | undefined {
    const key = `${from}\0${to}\0${at.f}:${at.line}:${at.column}`;
    if (this.edgeKeys.has(key)) return undefined;
    this.edgeKeys.add(key);
    const edge: CallEdge = { from, to, kind, call: this.site(at.f, at.line, at.column) };
    if (note) edge.note = note;
    this.edges.push(edge);
    return edge;
  }

  /**
   * Links every call: the value-flow solver runs the files' flow units, seeded at each call with what the type layer
   * resolved there (declared types, interfaces, the hierarchy); a call neither resolves is guessed by name when its
   * receiver is untyped, or left pending for the checker in TypeScript.
   */
  private async link(signal: AbortSignal | undefined, provenance: boolean): Promise<void> {
    const resolutions = this.records.map((record) =>
      record.facts.calls.map((call) => this.resolver.resolve(record.index, call.f, call.t)),
    );
    const numbers = this.symbolNumbers();
    const factOfOp = this.records.map((record) => {
      const map = new Map<number, number>();
      (record.facts.fc ?? []).forEach((op, fact) => {
        if (op >= 0) map.set(op, fact);
      });
      return map;
    });
    const files: FlowFile[] = this.records.map((record) => ({
      unit: record.facts.fl ?? EMPTY_UNIT,
      path: record.path,
      symbols: numbers[record.index]!,
      module: record.index,
      resolve: (specifier) => {
        const target = this.ev.resolveModule(record.index, specifier);
        return typeof target === 'number' ? { module: target } : { external: packageName(specifier) };
      },
    }));
    const esModules = new Set(
      this.records.filter((record) => record.facts.esm).map((record) => record.index),
    );
    const facts = this.allSymbolFacts();
    const result = await solveFlow(
      {
        language: 'js',
        files,
        symbolCount: facts.length,
        moduleCount: this.records.length,
        esModules,
        seeds: (f, op) => {
          const fact = factOfOp[f]!.get(op);
          if (fact === undefined) return undefined;
          return this.seedsOf(resolutions[f]![fact]!, numbers, facts, !this.records[f]!.typescript);
        },
        nameOf: (symbol) => facts[symbol]?.q ?? '?',
        provenance,
      },
      jsNatives,
      signal,
    );
    // Edges leave a callback written inline from the function holding it, and none enter it.
    const from: Array<string | undefined> = [];
    const to: Array<string | undefined> = [];
    this.records.forEach((record) => {
      record.facts.sym.forEach((_, s) => {
        from.push(this.ownerId(record.index, s));
        to.push(this.symbolId(record.index, s));
      });
    });
    if (result.explain) this.#explained = { explain: result.explain, ids: to };
    const hops = result.hops.map((hop) =>
      externalSymbol(hop.name, this.records[hop.file]!.path, hop.line, hop.column, 'javascript'),
    );
    for (const hop of hops) {
      from.push(hop.id);
      to.push(hop.id);
    }
    const kept = result.edges.filter((edge) => from[edge.from] !== undefined && to[edge.to] !== undefined);
    // A library hop is shown only when it leads to a node.
    const leading = new Set(kept.filter((edge) => edge.kind === 'callback').map((edge) => from[edge.from]));
    this.symbols.push(...hops.filter((hop) => leading.has(hop.id)));
    for (const edge of kept) {
      const target = to[edge.to]!;
      if (edge.kind === 'external' && !leading.has(target)) continue;
      this.addEdgeById(
        from[edge.from]!,
        target,
        edge.kind,
        { f: edge.file, line: edge.line, column: edge.column },
        edge.note,
      );
    }
    const unresolved = new Set(result.unresolved.map((call) => `${call.file}:${call.op}`));
    for (const record of this.records) {
      const ops = record.facts.fc ?? [];
      record.facts.calls.forEach((call, fact) => {
        const op = ops[fact] ?? -1;
        if (op >= 0 && !unresolved.has(`${record.index}:${op}`)) return;
        this.unresolvedCall(record, call, resolutions[record.index]![fact]!, op < 0);
      });
    }
  }

  /** With provenance: the solver's explainer, and the id of each of its symbol numbers. */
  #explained:
    | { explain: NonNullable<FlowResult['explain']>; ids: ReadonlyArray<string | undefined> }
    | undefined;

  /** Why each edge goes where it goes (see `LinkedGraph.explain`); needs a program linked with provenance. */
  explain(edges: readonly CallEdge[]): Array<string[] | undefined> {
    const explained = this.#explained;
    if (!explained) return edges.map(() => undefined);
    const paths = this.records.map((record) => record.path);
    return explainEdges(edges, explained.explain, explained.ids, this.symbols, paths);
  }

  /** Global symbol number of each file's symbols (inline callbacks included), as the flow solver numbers them. */
  private symbolNumbers(): number[][] {
    let next = 0;
    return this.symbolIds.map((ids) => ids.map(() => next++));
  }

  /** Every symbol fact of the tree, in the solver's numbering. */
  private allSymbolFacts(): SymbolFact[] {
    return this.records.flatMap((record) => record.facts.sym);
  }

  /**
   * What the type layer found for a call, as flow seeds: functions only (a class is no callee of its own). In
   * TypeScript they are declared types and seed every call; in JavaScript the syntactic evaluator guesses, and its
   * answer stands in only where no value reached the call (`fallback`).
   */
  private seedsOf(
    resolution: Resolution,
    numbers: number[][],
    facts: readonly SymbolFact[],
    fallback: boolean,
  ): SeededTarget[] {
    const seeds: SeededTarget[] = [];
    for (const target of resolution.targets) {
      if (target.kind === 'heuristic') continue;
      const symbol = numbers[target.f]?.[target.s];
      if (symbol === undefined || facts[symbol]?.k === 'class') continue;
      seeds.push({
        symbol,
        kind: target.kind,
        ...(target.note ? { note: target.note } : {}),
        ...(fallback ? { fallback: true as const } : {}),
      });
    }
    return seeds;
  }

  /** A call the flow did not resolve: the type layer's targets (when the flow had no op for it), a guess, or the checker. */
  private unresolvedCall(record: FileRecord, call: CallFact, resolution: Resolution, noFlow: boolean): void {
    const f = record.index;
    const from = this.ownerId(f, call.o);
    if (!from) return;
    const site = { f, line: call.l, column: call.c };
    if (noFlow) for (const target of resolution.targets) this.addEdge(from, target, site);
    if (resolution.targets.length > 0) return;
    const untyped = resolution.any || (resolution.unknown && !record.typescript);
    if (untyped && call.t === 'c' && call.f.k === 'm') {
      this.methods ??= methodsByName(this.records);
      for (const candidate of heuristicCandidates(this.methods, call.nm))
        this.addEdge(
          from,
          { ...candidate, kind: 'heuristic', note: 'matched by method name: receiver is untyped' },
          site,
        );
    } else if (resolution.unknown && record.typescript && !resolution.external) {
      this.pending.push({ id: `${record.path}@${call.off}`, f, call, owner: from });
    }
  }
}

/** The package a bare specifier names (`lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`); others as written. */
function packageName(specifier: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const EMPTY_UNIT: FlowUnit = { v: FLOW_VERSION, n: 2, f: [], c: [], a: [], o: [] };

/** Facts as the indexer hands them back (possibly from a cache on disk): checked, and re-extracted if unusable. */
function usableFacts(file: SourceFile, facts: unknown): EcmascriptFacts {
  if (extractedInThisProcess(facts) && facts.lang === dialectOf(file.path)) return facts;
  const parsed = ecmascriptFactsSchema.safeParse(facts);
  if (parsed.success && parsed.data.lang === dialectOf(file.path)) return parsed.data;
  return extractFacts(file.text, file.path);
}
