// JS/TS lazy refinement: which pending calls a request reaches, answered from what the checker said on an
// earlier index when that answer still holds, and by the TypeScript checker (checker.ts, loaded only then)
// otherwise. The checker's answer for a call is the declarations it resolves the called name to, by symbol id;
// they are mapped to this index's symbols (and to every implementation or override, for dispatch) on the current
// link (decl-targets.ts), so an answer kept across an edit still dispatches to the classes the tree has now.
//
// What the checker's project holds for a call is the call's file and the TypeScript files it imports,
// transitively (`LinkedProgram.typescriptClosure`); of an imported file the checker can only see its type surface
// (surface.ts). So an answer holds while every imported file keeps its surface, the call's own file keeps its
// surface, and the text that surface leaves out around the call is unchanged: the outermost sealed body holding
// the call (a function whose signature fixes its type), or, for a call in no sealed body, the whole file. A call
// in a sealed body is remembered by its offset in that body, so edits elsewhere in the file (moving it) keep it.
// The link inputs (tsconfig chains, package.json files) and the adapter version are checked by the indexer
// before it hands a memo over.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CallEdge, RefineRequest, RefineScope } from '../model.js';
import { type CheckedDeclaration, DeclarationTargets, type DeclRef, declRefSchema } from './decl-targets.js';
import type { LinkedProgram, PendingSite } from './link.js';

/** Resolves pending sites with the checker: one list of declarations per site, in order. */
export interface Checker {
  declarations(sites: readonly PendingSite[]): CheckedDeclaration[][];
}

/** What refinement remembers between indexes: per file with pending calls, what its answers depend on, and them. */
const memoSchema = z.strictObject({
  format: z.literal(2),
  files: z.record(
    z.string(),
    z.strictObject({
      /** Digest of the surfaces of the TypeScript files the file imports, transitively (content without one). */
      imports: z.string(),
      /** The file's own surface digest, and its content hash. */
      surface: z.string(),
      content: z.string(),
      /**
       * The checker's declarations for each pending call, by where the call is: `b<digest of the outermost sealed
       * body>+<offset in it>`, or `@<offset in the file>` for a call in no sealed body (valid only for this content).
       */
      sites: z.record(z.string(), z.array(declRefSchema)),
    }),
  ),
});
type Memo = z.infer<typeof memoSchema>;
type MemoFile = Memo['files'][string];

export class Refiner {
  private readonly answered = new Set<string>();
  private readonly byOwner = new Map<string, PendingSite[]>();
  private readonly byName = new Map<string, PendingSite[]>();
  private readonly closures = new Map<number, { files: Set<number>; digest: string }>();
  private readonly bodyDigests = new Map<string, string>();
  private readonly previous: Memo['files'];
  /** Answers given on this link, per file path; with `previous`, what `memo()` returns. */
  private readonly current = new Map<string, MemoFile>();
  private readonly targetIndex: DeclarationTargets;
  private checker: Promise<Checker> | undefined;

  constructor(
    private readonly program: LinkedProgram,
    memo: unknown,
    private readonly loadChecker: (program: LinkedProgram) => Promise<Checker>,
  ) {
    for (const site of program.pending) {
      push(this.byOwner, site.owner, site);
      push(this.byName, site.call.nm, site);
    }
    const parsed = memoSchema.safeParse(memo);
    this.previous = parsed.success ? parsed.data.files : {};
    this.targetIndex = new DeclarationTargets(program);
  }

  /** The symbols a refine request can add edges for: owners of pending calls, and symbols such a call may name. */
  scope(): RefineScope {
    const incomingTo = this.program.symbols
      .filter((symbol) => this.calledNames(symbol.id).some((name) => this.byName.has(name)))
      .map((symbol) => symbol.id);
    return { outgoingFrom: [...this.byOwner.keys()], incomingTo };
  }

  /**
   * Resolves the pending calls made inside `outgoingFrom` and those whose called name is the name of a symbol
   * in `incomingTo`. Each site is resolved once; returns only edges not returned before (by link or refine).
   */
  async refine(request: RefineRequest): Promise<CallEdge[]> {
    const sites: PendingSite[] = [];
    for (const id of request.outgoingFrom ?? []) sites.push(...(this.byOwner.get(id) ?? []));
    for (const id of request.incomingTo ?? []) {
      for (const name of this.calledNames(id)) sites.push(...(this.byName.get(name) ?? []));
    }
    const todo = new Map<string, PendingSite>();
    for (const site of sites) if (!this.answered.has(site.id)) todo.set(site.id, site);
    if (todo.size === 0) return [];
    const edges: CallEdge[] = [];
    const unknown: PendingSite[] = [];
    for (const site of todo.values()) {
      this.answered.add(site.id);
      const remembered = this.remembered(site);
      if (remembered) this.addEdges(site, remembered, edges);
      else unknown.push(site);
    }
    if (unknown.length > 0) {
      this.checker ??= this.loadChecker(this.program);
      const answers = (await this.checker).declarations(unknown);
      unknown.forEach((site, i) => {
        const checked = answers[i] ?? [];
        // Declarations that are no symbol of the tree give no edge, now or after an edit that keeps surfaces.
        const declarations = checked
          .map((declaration) => this.targetIndex.ref(declaration))
          .filter((ref) => ref.sym !== undefined || ref.cls !== undefined || ref.ifc !== undefined);
        this.remember(site, checked, declarations);
        this.addEdges(site, declarations, edges);
      });
    }
    return edges;
  }

  /** What to remember for the next index: answers that may still hold there (each is checked again then). */
  memo(): Memo {
    const files: Memo['files'] = {};
    for (const [path, entry] of Object.entries(this.previous)) {
      if (this.program.ev.fileIndex(path) !== undefined) files[path] = entry;
    }
    for (const [path, entry] of this.current) {
      const earlier = files[path];
      if (earlier?.imports !== entry.imports || earlier.surface !== entry.surface) {
        files[path] = entry;
        continue;
      }
      // Answers by offset in the file hold only for the content they were given for.
      const kept = Object.entries(earlier.sites).filter(
        ([key]) => earlier.content === entry.content || !key.startsWith('@'),
      );
      files[path] = { ...entry, sites: { ...Object.fromEntries(kept), ...entry.sites } };
    }
    return { format: 2, files };
  }

  private remembered(site: PendingSite): readonly DeclRef[] | undefined {
    const entry = this.previous[this.program.records[site.f]!.path];
    if (!entry) return undefined;
    const own = this.ownFile(site.f);
    if (entry.imports !== this.closure(site.f).digest || entry.surface !== own.surface) return undefined;
    const key = this.siteKey(site);
    if (key.startsWith('@') && entry.content !== own.content) return undefined;
    return entry.sites[key];
  }

  private remember(
    site: PendingSite,
    checked: readonly CheckedDeclaration[],
    declarations: readonly DeclRef[],
  ): void {
    const closure = this.closure(site.f);
    // An answer naming a declaration outside the closure (a global the project held for another call) depends
    // on more than the closure: it is not kept.
    for (const declaration of checked) {
      const f = this.program.ev.fileIndex(declaration.path);
      if (f === undefined || !closure.files.has(f)) return;
    }
    const path = this.program.records[site.f]!.path;
    let entry = this.current.get(path);
    if (!entry) {
      entry = { imports: closure.digest, ...this.ownFile(site.f), sites: {} };
      this.current.set(path, entry);
    }
    entry.sites[this.siteKey(site)] = [...declarations];
  }

  private ownFile(f: number): { surface: string; content: string } {
    const source = this.program.sources[f]!;
    // A file without a surface digest (it could not be parsed) has its content as its surface.
    return { surface: this.program.records[f]!.facts.sh ?? source.hash, content: source.hash };
  }

  /** Where a call is, as the memo keys it: in its outermost sealed body if it is in one, else in its file. */
  private siteKey(site: PendingSite): string {
    const off = site.call.off;
    const body = outermostBody(this.program.records[site.f]!.facts.sb ?? [], off);
    if (!body) return `@${off}`;
    const [start, end] = body;
    const text = this.program.sources[site.f]!.text;
    const id = `${site.f}:${start}`;
    let digest = this.bodyDigests.get(id);
    if (digest === undefined) {
      digest = createHash('sha256').update(text.slice(start, end)).digest('hex').slice(0, 32);
      this.bodyDigests.set(id, digest);
    }
    return `b${digest}+${off - start}`;
  }

  private addEdges(site: PendingSite, declarations: readonly DeclRef[], edges: CallEdge[]): void {
    const at = { f: site.f, line: site.call.l, column: site.call.c };
    for (const ref of declarations) {
      for (const target of this.targetIndex.targets(ref, site)) {
        const edge = this.program.addEdge(site.owner, target, at);
        if (edge) edges.push(edge);
      }
    }
  }

  /** The TypeScript files `f` imports, transitively, with `f`; and a digest of the surfaces of those it imports. */
  private closure(f: number): { files: Set<number>; digest: string } {
    const known = this.closures.get(f);
    if (known) return known;
    const files = this.program.typescriptClosure(f);
    const lines = [...files]
      .filter((i) => i !== f)
      .map((i) => {
        const source = this.program.sources[i]!;
        const surface = this.program.records[i]!.facts.sh;
        return `${source.path}\0${surface === undefined ? `content ${source.hash}` : `surface ${surface}`}`;
      });
    const digest = createHash('sha256').update(lines.sort().join('\n')).digest('hex');
    const closure = { files, digest };
    this.closures.set(f, closure);
    return closure;
  }

  /** The names a call to this symbol is written with (`new Repo()` calls `Repo.constructor`). */
  private calledNames(id: string): string[] {
    const symbol = this.program.symbolById(id);
    if (!symbol) return [];
    if (symbol.kind === 'constructor')
      return [symbol.qualified_name.split('.').slice(-2, -1)[0] ?? '', 'super'];
    return [symbol.name];
  }
}

/** The body among `bodies` (outermost ones, sorted by start) that holds `offset`, if one does. */
function outermostBody(
  bodies: ReadonlyArray<readonly [number, number]>,
  offset: number,
): readonly [number, number] | undefined {
  let low = 0;
  let high = bodies.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [start, end] = bodies[mid]!;
    if (offset < start) high = mid - 1;
    else if (offset >= end) low = mid + 1;
    else return bodies[mid];
  }
  return undefined;
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
