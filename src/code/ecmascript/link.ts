// JS/TS linking: turns every file's facts into symbols and call edges, and leaves what needs the checker pending.
import type { CallEdge, CallSite, CodeSymbol, LinkContext, SourceFile } from '../model.js';
import { CallResolver, type Target } from './calls.js';
import { extractedInThisProcess, extractFacts } from './extract.js';
import { type CallFact, type EcmascriptFacts, ecmascriptFactsSchema } from './facts.js';
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

  constructor(
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
    for (const record of this.records) this.linkFile(record);
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

  symbolId(f: number, s: number): string | undefined {
    return this.symbolIds[f]?.[s];
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
    if (!to) return undefined;
    const key = `${from}\0${to}\0${at.f}:${at.line}:${at.column}`;
    if (this.edgeKeys.has(key)) return undefined;
    this.edgeKeys.add(key);
    const edge: CallEdge = { from, to, kind: target.kind, call: this.site(at.f, at.line, at.column) };
    if (target.note) edge.note = target.note;
    this.edges.push(edge);
    return edge;
  }

  private linkFile(record: FileRecord): void {
    const f = record.index;
    for (const call of record.facts.calls) {
      const from = this.symbolId(f, call.o);
      if (!from) continue;
      const site = { f, line: call.l, column: call.c };
      const resolution = this.resolver.resolve(f, call.f, call.t);
      // The same target may be reached precisely and by dispatch (a union of a class and its subclass): keep precise.
      const targets = resolution.targets.sort(
        (a, b) => Number(a.kind === 'dispatch') - Number(b.kind === 'dispatch'),
      );
      for (const target of targets) this.addEdge(from, target, site);
      if (resolution.targets.length === 0) {
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
      for (const arg of call.a ?? []) {
        const argSite = { f, line: arg.l, column: arg.c };
        for (const value of this.ev.evaluate(f, arg.v))
          if (value.k === 'fn') this.addEdge(from, { f: value.f, s: value.s, kind: 'callback' }, argSite);
      }
    }
    this.implicitSuperCalls(record);
  }

  /** A class without a constructor runs its base class's constructor when constructed. */
  private implicitSuperCalls(record: FileRecord): void {
    const f = record.index;
    record.facts.cls.forEach((fact, c) => {
      if (fact.ctor !== undefined || !fact.sup || fact.fnc) return;
      const from = this.symbolId(f, fact.s);
      const symbol = record.facts.sym[fact.s];
      if (!from || !symbol) return;
      const site = { f, line: symbol.l, column: symbol.c };
      const resolution = this.resolver.resolve(f, { k: 'sup', c }, 's');
      for (const target of resolution.targets)
        this.addEdge(from, { ...target, note: 'implicit super()' }, site);
    });
  }
}

/** Facts as the indexer hands them back (possibly from a cache on disk): checked, and re-extracted if unusable. */
function usableFacts(file: SourceFile, facts: unknown): EcmascriptFacts {
  if (extractedInThisProcess(facts) && facts.lang === dialectOf(file.path)) return facts;
  const parsed = ecmascriptFactsSchema.safeParse(facts);
  if (parsed.success && parsed.data.lang === dialectOf(file.path)) return parsed.data;
  return extractFacts(file.text, file.path);
}
