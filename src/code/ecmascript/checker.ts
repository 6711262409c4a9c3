// JS/TS lazy refinement, the checker's part: resolves pending calls to the declarations the TypeScript checker
// (ts-morph) names, in one in-memory project built on first need that holds only the files those calls' modules
// import, transitively, with imports resolved as linking resolved them. decl-targets.ts maps the declarations to
// symbols; refiner.ts remembers them for the next index.
import { type Node as MorphNode, Node, Project, SyntaxKind, ts } from 'ts-morph';
import type { LinkedProgram, PendingSite } from './link.js';
import type { CheckedDeclaration } from './decl-targets.js';
import type { Checker } from './refiner.js';

/** Lib declarations the checker loads: the language only (no DOM), enough for Promise and Array. */
const LIBS = ['lib.es2023.d.ts'];

/** The TypeScript checker over the files pending calls need, answering which declarations a call names. */
export class TsChecker implements Checker {
  private project: Project | undefined;
  private readonly inProject = new Set<number>();
  constructor(private readonly program: LinkedProgram) {}

  /** The declarations each site's called name resolves to, in the order of `sites`. */
  declarations(sites: readonly PendingSite[]): CheckedDeclaration[][] {
    this.addFiles(sites.map((site) => site.f));
    return sites.map((site) => this.safeDeclarations(site));
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

  /** The linked file behind a project path (`/` and the path relative to the indexed directory). */
  private fileOf(projectPath: string): number | undefined {
    return this.program.ev.fileIndex(projectPath.slice(1));
  }

  /** The project file linking resolved `specifier` to, when it is a TypeScript file of the tree. */
  private linkedModule(containingFile: string, specifier: string): ts.ResolvedModule | undefined {
    const f = this.fileOf(containingFile);
    if (f === undefined) return undefined;
    const target = this.program.ev.resolveModule(f, specifier);
    if (typeof target !== 'number' || !this.program.records[target]!.typescript) return undefined;
    return { resolvedFileName: `/${this.program.records[target]!.path}`, isExternalLibraryImport: false };
  }

  /** Adds the files and everything they import (transitively, TypeScript files only) to the project. */
  private addFiles(start: readonly number[]): void {
    const project = this.ensureProject();
    for (const from of start) {
      if (this.inProject.has(from)) continue;
      for (const f of this.program.typescriptClosure(from)) {
        if (this.inProject.has(f)) continue;
        this.inProject.add(f);
        const record = this.program.records[f]!;
        project.createSourceFile(`/${record.path}`, this.program.sources[f]!.text, { overwrite: true });
      }
    }
  }

  /** A site the checker fails on (a compiler crash on odd code) keeps its syntactic answer: no edge. */
  private safeDeclarations(site: PendingSite): CheckedDeclaration[] {
    try {
      return this.resolve(site);
    } catch {
      return [];
    }
  }

  private resolve(site: PendingSite): CheckedDeclaration[] {
    const record = this.program.records[site.f]!;
    const sourceFile = this.project?.getSourceFile(`/${record.path}`);
    const token = sourceFile?.getDescendantAtPos(site.call.off);
    if (!token || !(Node.isIdentifier(token) || Node.isPrivateIdentifier(token))) return [];
    let symbol = token.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    const out: CheckedDeclaration[] = [];
    for (const declaration of symbol?.getDeclarations() ?? []) {
      const ref = this.declRef(declaration);
      if (ref) out.push(ref);
    }
    return out;
  }

  /** A declaration in a file of the tree, by position; none for lib declarations and signatures outside interfaces. */
  private declRef(declaration: MorphNode): CheckedDeclaration | undefined {
    const f = this.fileOf(declaration.getSourceFile().getFilePath());
    if (f === undefined) return undefined;
    const path = this.program.records[f]!.path;
    const parent = declaration.getParent();
    if (Node.isMethodSignature(declaration) || Node.isPropertySignature(declaration)) {
      if (!parent || !Node.isInterfaceDeclaration(parent)) return undefined;
      return { path, at: nameOffset(declaration), ifc: parent.getNameNode().getStart() };
    }
    const cls =
      parent && (Node.isClassDeclaration(parent) || Node.isClassExpression(parent)) ? parent : undefined;
    const clsAt = cls ? (cls.getNameNode()?.getStart() ?? cls.getStart()) : undefined;
    return {
      path,
      at: nameOffset(declaration),
      ...(clsAt !== undefined ? { cls: clsAt } : {}),
      ...(isStatic(declaration) ? { isStatic: true } : {}),
    };
  }
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

function isStatic(declaration: MorphNode): boolean {
  return Node.isStaticable(declaration) && declaration.isStatic();
}
