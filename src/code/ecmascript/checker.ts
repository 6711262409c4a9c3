// JS/TS lazy refinement: resolves the pending calls a query reaches with the TypeScript checker (ts-morph),
// building one in-memory project on first need that holds only the files those calls' modules import, and
// resolving imports there as linking did.
import { type Node as MorphNode, Node, Project, SyntaxKind, ts } from 'ts-morph';
import type { CallEdge, RefineRequest } from '../model.js';
import type { Target } from './calls.js';
import type { LinkedProgram, PendingSite } from './link.js';

/** Lib declarations the checker loads: the language only (no DOM), enough for Promise and Array. */
const LIBS = ['lib.es2023.d.ts'];

interface FileIndex {
  readonly symbolByName: Map<number, number>;
  readonly classByName: Map<number, number>;
  readonly interfaceByName: Map<number, number>;
  /** The class each method/field/constructor symbol belongs to. */
  readonly classOfSymbol: Map<number, number>;
}

export class CheckerRefiner {
  private project: Project | undefined;
  private readonly inProject = new Set<number>();
  private readonly answered = new Set<string>();
  private readonly byOwner = new Map<string, PendingSite[]>();
  private readonly byName = new Map<string, PendingSite[]>();
  private readonly fileIndexes = new Map<number, FileIndex>();
  private readonly fileByPath = new Map<string, number>();

  constructor(private readonly program: LinkedProgram) {
    for (const site of program.pending) {
      push(this.byOwner, site.owner, site);
      push(this.byName, site.call.nm, site);
    }
    for (const record of program.records) this.fileByPath.set(`/${record.path}`, record.index);
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
    const todo = sites.filter((site) => !this.answered.has(site.id));
    if (todo.length === 0) return [];
    this.addFiles(todo.map((site) => site.f));
    const edges: CallEdge[] = [];
    for (const site of todo) {
      if (this.answered.has(site.id)) continue;
      this.answered.add(site.id);
      const at = { f: site.f, line: site.call.l, column: site.call.c };
      for (const target of this.safeTargets(site)) {
        const edge = this.program.addEdge(site.owner, target, at);
        if (edge) edges.push(edge);
      }
    }
    return edges;
  }

  /** The names a call to this symbol is written with (`new Repo()` calls `Repo.constructor`). */
  private calledNames(id: string): string[] {
    const symbol = this.program.symbolById(id);
    if (!symbol) return [];
    if (symbol.kind === 'constructor')
      return [symbol.qualified_name.split('.').slice(-2, -1)[0] ?? '', 'super'];
    return [symbol.name];
  }

  private ensureProject(): Project {
    this.project ??= new Project({
      useInMemoryFileSystem: true,
      // Imports resolve as linking resolved them (tsconfig `paths`/`baseUrl` of each file's own config, package
      // `imports`, in-tree packages), so the checker's answers agree with the syntactic pass.
      resolutionHost: (host, options) => ({
        resolveModuleNames: (names, containingFile) =>
          names.map(
            (name) =>
              this.linkedModule(containingFile, name) ??
              ts.resolveModuleName(name, containingFile, options(), host).resolvedModule,
          ),
      }),
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        allowImportingTsExtensions: true,
        jsx: ts.JsxEmit.Preserve,
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        lib: LIBS,
        types: [],
      },
    });
    return this.project;
  }

  /** The project file linking resolved `specifier` to, when it is a TypeScript file of the tree. */
  private linkedModule(containingFile: string, specifier: string): ts.ResolvedModule | undefined {
    const f = this.fileByPath.get(containingFile);
    if (f === undefined) return undefined;
    const target = this.program.ev.resolveModule(f, specifier);
    if (typeof target !== 'number' || !this.program.records[target]!.typescript) return undefined;
    return { resolvedFileName: `/${this.program.records[target]!.path}`, isExternalLibraryImport: false };
  }

  /** Adds the files and everything they import (transitively, TypeScript files only) to the project. */
  private addFiles(start: readonly number[]): void {
    const project = this.ensureProject();
    const queue = start.filter((f) => !this.inProject.has(f));
    for (const f of queue) this.inProject.add(f);
    while (queue.length > 0) {
      const f = queue.pop()!;
      const record = this.program.records[f]!;
      project.createSourceFile(`/${record.path}`, this.program.sources[f]!.text, { overwrite: true });
      for (const specifier of record.facts.deps) {
        const target = this.program.ev.resolveModule(f, specifier);
        if (typeof target !== 'number' || this.inProject.has(target)) continue;
        if (!this.program.records[target]!.typescript) continue;
        this.inProject.add(target);
        queue.push(target);
      }
    }
  }

  /** A site the checker fails on (a compiler crash on odd code) keeps its syntactic answer: no edge. */
  private safeTargets(site: PendingSite): Target[] {
    try {
      return this.targets(site);
    } catch {
      return [];
    }
  }

  private targets(site: PendingSite): Target[] {
    const record = this.program.records[site.f]!;
    const sourceFile = this.project?.getSourceFile(`/${record.path}`);
    const token = sourceFile?.getDescendantAtPos(site.call.off);
    if (!token || !(Node.isIdentifier(token) || Node.isPrivateIdentifier(token))) return [];
    let symbol = token.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    const out: Target[] = [];
    for (const declaration of symbol?.getDeclarations() ?? [])
      out.push(...this.declarationTargets(declaration, site));
    return out;
  }

  /** Maps a declaration the checker found back to this index's symbols (and dispatch targets). */
  private declarationTargets(declaration: MorphNode, site: PendingSite): Target[] {
    const f = this.fileByPath.get(declaration.getSourceFile().getFilePath());
    if (f === undefined) return [];
    const index = this.fileIndex(f);
    const name = site.call.nm;
    const parent = declaration.getParent();
    if (Node.isMethodSignature(declaration) || Node.isPropertySignature(declaration)) {
      if (!parent || !Node.isInterfaceDeclaration(parent)) return [];
      const i = index.interfaceByName.get(parent.getNameNode().getStart());
      if (i === undefined) return [];
      const through = `dispatch through ${parent.getName()}.${name}`;
      return this.program.hierarchy
        .implementations(f, i, name)
        .map((hit) => ({ f: hit.f, s: hit.member.s!, kind: 'dispatch' as const, note: through }));
    }
    const s = index.symbolByName.get(nameOffset(declaration));
    const c = parent ? classIndexOf(parent, index) : undefined;
    const out: Target[] = [];
    if (s !== undefined) {
      const symbol = this.program.records[f]!.facts.sym[s]!;
      if (symbol.k === 'class') {
        const fact = this.program.records[f]!.facts.cls.find((cls) => cls.s === s);
        out.push({ f, s: fact?.ctor ?? s, kind: site.call.t === 'n' ? 'constructor' : 'direct' });
        return out;
      }
      const kind = symbol.k === 'constructor' ? 'constructor' : site.call.f.k === 'm' ? 'method' : 'direct';
      out.push({ f, s, kind });
    }
    // The checker gives the declared type's member: a subclass's override may be what runs.
    const owner = c ?? (s !== undefined ? index.classOfSymbol.get(s) : undefined);
    if (owner !== undefined && site.call.t === 'c' && !isStatic(declaration)) {
      const through = `dispatch through ${this.program.records[f]!.facts.cls[owner]!.n}.${name}`;
      for (const hit of this.program.hierarchy.overrides(f, owner, name))
        out.push({ f: hit.f, s: hit.member.s!, kind: 'dispatch', note: through });
    }
    return out;
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

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Where the declaration's name starts: what extraction recorded as the symbol's name offset. */
function nameOffset(declaration: MorphNode): number {
  if (Node.isConstructorDeclaration(declaration))
    return (
      declaration.getFirstChildByKind(SyntaxKind.ConstructorKeyword)?.getStart() ?? declaration.getStart()
    );
  if (Node.hasName(declaration)) return declaration.getNameNode().getStart();
  return declaration.getStart();
}

function classIndexOf(node: MorphNode, index: FileIndex): number | undefined {
  if (!Node.isClassDeclaration(node) && !Node.isClassExpression(node)) return undefined;
  const name = node.getNameNode();
  return index.classByName.get(name ? name.getStart() : node.getStart());
}

function isStatic(declaration: MorphNode): boolean {
  return Node.isStaticable(declaration) && declaration.isStatic();
}
